/**
 * The bare baseline's twins of the writes `reaction.set` and `answer.create` for a signed-in user: like
 * the read twins (bench/queries.ts) they send, through postgres.js (or PGlite in bench/write-twins.test.ts),
 * the very statements the services send — rendered once from the queries `@devflow/db` exports, with
 * placeholders bound per request — in one transaction, in the same order, and answer the same JSON. They
 * also do the work around the SQL that costs the server: the privilege check on the settings row, the
 * markdown render of an answer, handing the committed live events to the other processes (a publish, as
 * the live hub does in packages/api/src/domains/live/hub.ts) and bumping the page cache's version
 * counters with the API's own `invalidate` (packages/api/src/platform/cache/cached.ts). What they leave
 * out is the framework: tRPC, zod, sessions, Drizzle's builders and row mapping.
 *
 * The acting user is an ordinary account (role `user`, not suspended: what the bench registers); the
 * twins decide privileges under the `team` preset, the default the bench runs with, and refuse to run
 * under another.
 */
import {
  type Changed,
  invalidate,
  type Logger,
  mergeChanged,
  POPULAR_POST_UPVOTES,
  type Privilege,
  parseSiteSettings,
  questionChannel,
  REPUTATION_BADGES,
  reactionName,
  reputationFrom,
  silentLogger,
  thresholdOf,
  userChannel,
} from '@devflow/api';
import type { Cache } from '@devflow/cache';
import {
  addToReactionCountersQuery,
  answerOwnerQuery,
  awardBadgeQuery,
  bumpLiveChannelQuery,
  deleteReactionQuery,
  findPostQuery,
  findReactionValueQuery,
  insertLiveEventsQuery,
  insertNotificationsQuery,
  liveEventColumns,
  type PostType,
  questionAuthorsQuery,
  readSiteSettingsQuery,
  reputationCountsQuery,
  statementsOnly,
  tagsOfQuestionsQuery,
  upsertReactionQuery,
} from '@devflow/db';
import { fillPlaceholders, type SQL, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Hono } from 'hono';
import type postgres from 'postgres';
import type { RunValues } from './queries';

/** A database the twins write through: single statements, and transactions of them. */
export type TwinDatabase = {
  /** Runs one statement outside any transaction. */
  run: RunValues;
  /** Runs `work` in one transaction; every statement of `work` goes through the `run` it is given. */
  transaction<T>(work: (run: RunValues) => Promise<T>): Promise<T>;
};

/** What the twins need from the world. */
export type WriteTwinDeps = {
  db: TwinDatabase;
  /** The page cache whose version counters a write bumps (its own prefix, as the bare server's). */
  cache: Cache;
  /**
   * Hands committed live events to the other processes, as the live hub does after a commit with the
   * JSON of the rows (`LiveHub.committed`, packages/api/src/domains/live/hub.ts); absent: not published.
   */
  publish?: ((message: string) => Promise<void>) | undefined;
  log?: Logger | undefined;
};

/** A refusal the procedure answers with the same tRPC code. */
export class TwinError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'BAD_REQUEST',
    message: string,
  ) {
    super(message);
    this.name = 'TwinError';
  }
}

// ---------------------------------------------------------------------------------------------------
// Statements, rendered once

/** A statement rendered once: its text and its parameters, placeholders among them. */
type Statement = { text: string; params: unknown[] };

/** The app's dialect (snake_case, as `statementsOnly`), for the statements written as raw SQL. */
const dialect = new PgDialect({ casing: 'snake_case' });

/** Renders a query builder on `statementsOnly`, or a raw-SQL statement of `@devflow/db`. */
function statement(query: SQL | { toSQL(): { sql: string; params: unknown[] } }): Statement {
  const rendered = 'toSQL' in query ? query.toSQL() : dialect.sqlToQuery(query);
  return { text: rendered.sql, params: rendered.params };
}

/** Runs a statement with its placeholders bound; rows as arrays of column values, in select order. */
function exec(run: RunValues, t: Statement, values: Record<string, unknown> = {}): Promise<unknown[][]> {
  return run(t.text, fillPlaceholders(t.params, values));
}

/** Statements rendered on first use per key (one per post type, per number of rows…). */
function perKey<K, V>(build: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = build(key);
      made.set(key, value);
    }
    return value;
  };
}

const p = sql.placeholder;

const readSettings = statement(readSiteSettingsQuery(statementsOnly));
const reputationCounts = statement(reputationCountsQuery(p('userId')));
const lockPost = perKey((type: PostType) => statement(findPostQuery({ type, id: p('id'), lock: true })));
const reactionKey = { userId: p('userId'), targetType: p('targetType'), targetId: p('targetId') };
const findReaction = statement(findReactionValueQuery(statementsOnly, reactionKey));
const deleteReaction = statement(deleteReactionQuery(statementsOnly, reactionKey));
const upsertReaction = statement(
  upsertReactionQuery(statementsOnly, { ...reactionKey, value: p('value'), at: p('at') }),
);
const addToCounters = perKey((targetType: PostType) =>
  statement(
    addToReactionCountersQuery({
      targetType,
      targetId: p('targetId'),
      likes: p('likes'),
      dislikes: p('dislikes'),
      score: p('score'),
    }),
  ),
);
const awardBadge = statement(awardBadgeQuery(statementsOnly, { userId: p('userId'), badge: p('badge') }));
const notificationFields = [
  'userId',
  'actorId',
  'type',
  'questionId',
  'answerId',
  'replyId',
  'badge',
] as const;
/** `insertNotifications` of n rows: the placeholders of row i are `<field><i>`. */
const insertNotifications = perKey((n: number) =>
  statement(
    insertNotificationsQuery(
      statementsOnly,
      Array.from({ length: n }, (_, i) => ({
        userId: p(`userId${i}`),
        actorId: p(`actorId${i}`),
        type: p(`type${i}`),
        questionId: p(`questionId${i}`),
        answerId: p(`answerId${i}`),
        replyId: p(`replyId${i}`),
        badge: p(`badge${i}`),
      })),
    ),
  ),
);
const bumpChannel = statement(bumpLiveChannelQuery(statementsOnly, { channel: p('channel'), n: p('n') }));
const eventFields = ['channel', 'seq', 'type', 'payload', 'postKey', 'parentKey'] as const;
/** The insert of n live events: the placeholders of row i are `<field><i>`. */
const insertEvents = perKey((n: number) =>
  statement(
    insertLiveEventsQuery(
      statementsOnly,
      Array.from({ length: n }, (_, i) => ({
        channel: p(`channel${i}`),
        seq: p(`seq${i}`),
        type: p(`type${i}`),
        payload: p(`payload${i}`),
        postKey: p(`postKey${i}`),
        parentKey: p(`parentKey${i}`),
      })),
    ),
  ),
);
const questionAuthors = statement(questionAuthorsQuery(statementsOnly, p('id')));
const answerOwner = statement(answerOwnerQuery(statementsOnly, p('id')));
const tagsOfQuestion = statement(tagsOfQuestionsQuery(statementsOnly, [p('id')]));

/** The values of a multi-row statement's placeholders (`<field><i>`). */
function rowValues<F extends string>(
  fields: readonly F[],
  rows: readonly Record<F, unknown>[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  rows.forEach((row, i) => {
    for (const field of fields) values[`${field}${i}`] = row[field];
  });
  return values;
}

// ---------------------------------------------------------------------------------------------------
// The work the services share (packages/api/src/domains/live/events.ts, badge/service.ts, …)

/** A live event queued in a transaction, written at its end (`LiveBatch` of live/events.ts). */
type QueuedEvent = {
  channel: string;
  type: string;
  payload: Record<string, unknown>;
  postKey: string | null;
  parentKey: string | null;
};

/** A written live event as the hub hands it on (`LiveEventRow` of `@devflow/db`). */
type EventRow = Record<string, unknown>;

/**
 * `appendLiveEvents`: per channel in sorted order, bumps its counter by its number of events, then inserts
 * them all numbered in one statement; returns the stored rows (as `liveEventColumns` names them).
 */
async function appendLiveEvents(run: RunValues, events: QueuedEvent[]): Promise<EventRow[]> {
  if (events.length === 0) return [];
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.channel, (counts.get(event.channel) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const channel of [...counts.keys()].sort()) {
    const n = counts.get(channel) ?? 0;
    const [row] = await exec(run, bumpChannel, { channel, n });
    if (!row) throw new Error('the live channel counter returned no row');
    next.set(channel, Number(row[0]) - n + 1);
  }
  const numbered = events.map((event) => {
    const seq = next.get(event.channel) ?? 1;
    next.set(event.channel, seq + 1);
    return { ...event, seq };
  });
  const rows = await exec(run, insertEvents(numbered.length), rowValues(eventFields, numbered));
  const keys = Object.keys(liveEventColumns);
  return rows.map((values) => {
    const row: EventRow = Object.fromEntries(keys.map((key, i) => [key, values[i]]));
    row.seq = Number(row.seq);
    return row;
  });
}

/** A notification to record (`NotificationEvent` of notification/events.ts). */
type NotificationInput = {
  userId: number;
  actorId: number;
  type: 'answer' | 'watched_question' | 'badge';
  questionId?: number | null;
  answerId?: number | null;
  badge?: string | null;
};

/**
 * `recordNotifications`: one per user (the first event naming them), nobody told of their own action but
 * of a badge; each a `notification.created` event, queued on `live` in a live transaction, written at
 * once otherwise. Returns the ids.
 */
async function recordNotifications(
  run: RunValues,
  events: NotificationInput[],
  live?: QueuedEvent[],
): Promise<number[]> {
  const told = new Set<number>();
  const rows = [];
  for (const event of events) {
    if ((event.userId === event.actorId && event.type !== 'badge') || told.has(event.userId)) continue;
    told.add(event.userId);
    rows.push({
      userId: event.userId,
      actorId: event.actorId,
      type: event.type,
      questionId: event.questionId ?? null,
      answerId: event.answerId ?? null,
      replyId: null,
      badge: event.badge ?? null,
    });
  }
  const created =
    rows.length === 0
      ? []
      : (await exec(run, insertNotifications(rows.length), rowValues(notificationFields, rows))).map(
          (row) => ({ id: Number(row[0]), userId: Number(row[1]) }),
        );
  const events_ = created.map((row) => ({
    channel: userChannel(row.userId),
    type: 'notification.created',
    payload: { type: 'notification.created', notificationId: row.id },
    postKey: null,
    parentKey: null,
  }));
  if (live) live.push(...events_);
  else await appendLiveEvents(run, events_);
  return created.map((row) => row.id);
}

/** `awardBadge` of badge/service.ts: the badge unless held, and its notification. */
async function awardBadgeTo(run: RunValues, userId: number, badge: string): Promise<boolean> {
  const awarded = (await exec(run, awardBadge, { userId, badge })).length > 0;
  if (awarded) await recordNotifications(run, [{ userId, actorId: userId, type: 'badge', badge }]);
  return awarded;
}

/** The settings row as the API reads it (`siteSettingsIn`), held to the `team` preset the twins mirror. */
async function teamSettings(run: RunValues) {
  const [row] = await exec(run, readSettings);
  const settings = parseSiteSettings(row ? row[0] : null);
  if (settings.privilegePreset !== 'team') {
    throw new Error('the bare twins mirror the team preset only (bench/write-twins.ts)');
  }
  return settings;
}

/** `reputationOf` under the team preset: one statement, the API's rule. */
async function teamReputation(run: RunValues, userId: number): Promise<number> {
  const [row] = await exec(run, reputationCounts, { userId });
  return reputationFrom({
    likes: Number(row?.[0] ?? 0),
    dislikes: Number(row?.[1] ?? 0),
    acceptedAnswers: Number(row?.[2] ?? 0),
  });
}

/** `awardReputationBadges`: the reputation badges `userId` reached (settings and reputation read). */
async function awardReputationBadges(run: RunValues, userId: number): Promise<void> {
  await teamSettings(run);
  const reputation = await teamReputation(run, userId);
  for (const { badge, reputation: needed } of REPUTATION_BADGES) {
    if (reputation >= needed) await awardBadgeTo(run, userId, badge);
  }
}

/**
 * `assertMay` of packages/api/src/platform/policy.ts for an ordinary, unsuspended user and an action
 * only a privilege grants (voting): the settings row, then the reputation when the threshold needs it.
 */
async function assertPrivilege(run: RunValues, actorId: number, privilege: Privilege): Promise<void> {
  const threshold = thresholdOf(await teamSettings(run), privilege);
  if (threshold === null) throw new TwinError('FORBIDDEN', `Only moderators have ${privilege}.`);
  if (threshold <= 0) return;
  if ((await teamReputation(run, actorId)) < threshold) {
    throw new TwinError('FORBIDDEN', `${privilege} needs ${threshold} reputation.`);
  }
}

/**
 * `liveTransaction`: `work` in one transaction whose queued events are written at its end; once it
 * committed, the rows are published as the hub publishes them.
 */
async function liveTransaction<T>(
  deps: WriteTwinDeps,
  work: (run: RunValues, live: QueuedEvent[]) => Promise<T>,
): Promise<T> {
  const { result, rows } = await deps.db.transaction(async (run) => {
    const live: QueuedEvent[] = [];
    const result = await work(run, live);
    return { result, rows: await appendLiveEvents(run, live) };
  });
  if (rows.length > 0 && deps.publish) {
    deps.publish(JSON.stringify(rows)).catch((error: unknown) => {
      (deps.log ?? silentLogger).warn({ err: error }, 'bare twin: publish failed');
    });
  }
  return result;
}

/** `invalidateCommitted`: what changed (read after the commit), then the API's own `invalidate`. */
async function invalidateCommitted(deps: WriteTwinDeps, changed: () => Promise<Changed>): Promise<void> {
  const log = deps.log ?? silentLogger;
  try {
    await invalidate({ cache: deps.cache, log }, await changed());
  } catch (error) {
    log.warn({ err: error }, 'cache invalidation failed; entries expire by TTL');
  }
}

/** `questionScope` of packages/api/src/platform/cache/scopes.ts: the question's authors and tags read. */
async function questionScope(run: RunValues, id: number): Promise<Changed> {
  const [authors] = await exec(run, questionAuthors, { id });
  const slugs = (await exec(run, tagsOfQuestion, { id })).map((row) => String(row[1]));
  const users = authors ? [Number(authors[0]), ...(authors[1] === null ? [] : [Number(authors[1])])] : [];
  return { questions: [id], allLists: true, tags: slugs, users };
}

// ---------------------------------------------------------------------------------------------------
// reaction.set

/** `reaction.set`'s input, ids as numbers. */
export type ReactionInput = { targetType: PostType; targetId: number; value: 'like' | 'dislike' | null };

/** `reaction.set`'s answer. */
export type ReactionResult = {
  likes: number;
  dislikes: number;
  score: number;
  mine: 'like' | 'dislike' | null;
};

const reactionNumber = (value: ReactionInput['value']): number =>
  value === 'like' ? 1 : value === 'dislike' ? -1 : 0;

/**
 * `reaction.set` (`setReaction` of packages/api/src/domains/reaction/service.ts) for user `actorId`: the
 * privilege check, then in one transaction the post locked, the previous reaction read, the reaction
 * written or cleared, the counters moved, the author's upvote badges, and the `reaction.changed` event;
 * after the commit the event published and the cache counters bumped.
 */
export async function setReactionTwin(
  deps: WriteTwinDeps,
  actorId: number,
  input: ReactionInput,
): Promise<ReactionResult> {
  const { targetType, targetId } = input;
  const next = reactionNumber(input.value);
  if (input.value !== null) {
    await assertPrivilege(deps.db.run, actorId, input.value === 'like' ? 'voteUp' : 'voteDown');
  }
  const result = await liveTransaction(deps, async (run, live) => {
    const [post] = await exec(run, lockPost(targetType), { id: targetId });
    if (!post || post[2] === true) throw new TwinError('NOT_FOUND', `This ${targetType} does not exist.`);
    const authorId = Number(post[0]);
    const questionId = post[1] === null ? null : Number(post[1]);
    if (authorId === actorId) {
      throw new TwinError('FORBIDDEN', 'You cannot like or dislike your own post.');
    }
    const key = { userId: actorId, targetType, targetId };
    const [previousRow] = await exec(run, findReaction, key);
    const previous = previousRow ? Number(previousRow[0]) : 0;
    if (previous === next) {
      return {
        likes: Number(post[3]),
        dislikes: Number(post[4]),
        score: Number(post[5]),
        mine: reactionName(next),
      };
    }
    if (next === 0) await exec(run, deleteReaction, key);
    else await exec(run, upsertReaction, { ...key, value: next, at: new Date().toISOString() });
    const likes = Number(next === 1) - Number(previous === 1);
    const dislikes = Number(next === -1) - Number(previous === -1);
    const [counters] = await exec(run, addToCounters(targetType), {
      targetId,
      likes,
      dislikes,
      score: likes - dislikes,
    });
    if (!counters) throw new TwinError('NOT_FOUND', `This ${targetType} does not exist.`);
    const updated = { likes: Number(counters[0]), dislikes: Number(counters[1]), score: Number(counters[2]) };
    if (next === 1 && targetType !== 'reply') {
      if (updated.likes >= POPULAR_POST_UPVOTES) await awardBadgeTo(run, authorId, 'popular-post');
      await awardReputationBadges(run, authorId);
    }
    if (questionId !== null) {
      const payload = {
        type: 'reaction.changed',
        counts: { targetType, targetId: String(targetId), ...updated },
      };
      live.push({
        channel: questionChannel(questionId),
        type: payload.type,
        payload,
        postKey: null,
        parentKey: null,
      });
    }
    return { ...updated, mine: reactionName(next) };
  });
  await invalidateCommitted(deps, async () => {
    const run = deps.db.run;
    let scope: Changed = {};
    if (targetType === 'question') scope = await questionScope(run, targetId);
    else if (targetType === 'answer') {
      const [owner] = await exec(run, answerOwner, { id: targetId });
      if (owner) scope = { questions: [Number(owner[0])], users: [Number(owner[1])] };
    }
    return mergeChanged(scope, { users: [actorId] });
  });
  return result;
}

// ---------------------------------------------------------------------------------------------------
// The routes

/**
 * A postgres.js client as the twins' database: every statement prepared (as the app's are), int8 parsed
 * as the client's types say (the bare server parses it to numbers), rows as arrays of values. Sets the
 * client's JSON serializers (see below).
 */
export function postgresTwinDatabase(sql: postgres.Sql): TwinDatabase {
  // The JSON parameters come already encoded by their column (a live event's payload): sent as they
  // are, as Drizzle's postgres.js driver sets up the app's client (drizzle-orm/postgres-js/driver.js),
  // not encoded a second time into a JSON string. No statement of the read twins sends JSON.
  const asIs = (value: unknown) => value;
  sql.options.serializers[114] = asIs;
  sql.options.serializers[3802] = asIs;
  const on =
    (client: postgres.Sql | postgres.TransactionSql): RunValues =>
    (text, params) =>
      client.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }).values();
  return {
    run: on(sql),
    transaction: async (work) => {
      const result = await sql.begin((tx) => work(on(tx)).then((value) => ({ value })));
      return result.value;
    },
  };
}

/** What `registerWriteTwins` needs: the bare server's postgres.js client and cache, and a publisher. */
export type WriteTwinOptions = {
  sql: postgres.Sql;
  cache: Cache;
  /** Where committed live events go (e.g. `createRedisPubSub(…).publish` of `@devflow/cache`). */
  publish?: ((message: string) => Promise<void>) | undefined;
  log?: Logger | undefined;
};

const HTTP_STATUS = { NOT_FOUND: 404, FORBIDDEN: 403, BAD_REQUEST: 400 } as const;

/** A positive integer id from a request (tRPC ids are strings), or a BAD_REQUEST. */
function idOf(value: unknown): number {
  const id = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new TwinError('BAD_REQUEST', 'Invalid id.');
  return id;
}

/** The body as an object, or a BAD_REQUEST. */
function objectOf(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) throw new TwinError('BAD_REQUEST', 'Invalid input.');
  return Object.fromEntries(Object.entries(body));
}

const postTypes: readonly PostType[] = ['question', 'answer', 'reply'];

/** `reaction.set`'s input from a request body. */
function reactionInputOf(body: unknown): ReactionInput {
  const input = objectOf(body);
  const targetType = postTypes.find((type) => type === input.targetType);
  const value = input.value === 'like' || input.value === 'dislike' ? input.value : null;
  if (!targetType || (input.value !== null && value === null)) {
    throw new TwinError('BAD_REQUEST', 'Invalid input.');
  }
  return { targetType, targetId: idOf(input.targetId), value };
}

/**
 * Registers the write twins on the bare server's app:
 * - `POST /bare/reaction.set`, body `{"targetType":"question"|"answer"|"reply","targetId":"<id>","value":"like"|"dislike"|null}`;
 * - `POST /bare/answer.create`, body `{"questionId":"<id>","body":"<markdown>"}`;
 *
 * the acting user's id in the header `x-user-id` (the bare routes have no session). They answer what the
 * procedure answers, in tRPC's envelope `{ result: { data } }`, or `{ error: { code, message } }` with
 * 400 / 403 / 404 where the procedure says BAD_REQUEST / FORBIDDEN / NOT_FOUND.
 */
export function registerWriteTwins(app: Hono, options: WriteTwinOptions): void {
  registerWriteTwinRoutes(app, {
    db: postgresTwinDatabase(options.sql),
    cache: options.cache,
    publish: options.publish,
    log: options.log,
  });
}

/** The routes of `registerWriteTwins` on any twin database (bench/write-twins.test.ts runs them on PGlite). */
export function registerWriteTwinRoutes(app: Hono, deps: WriteTwinDeps): void {
  const route = (path: string, handle: (actorId: number, body: unknown) => Promise<unknown>) =>
    app.post(path, async (c) => {
      try {
        const actorId = idOf(c.req.header('x-user-id'));
        const body: unknown = await c.req.json().catch(() => {
          throw new TwinError('BAD_REQUEST', 'The body is not JSON.');
        });
        return c.json({ result: { data: await handle(actorId, body) } });
      } catch (error) {
        if (!(error instanceof TwinError)) throw error;
        return c.json({ error: { code: error.code, message: error.message } }, HTTP_STATUS[error.code]);
      }
    });
  route('/bare/reaction.set', (actorId, body) => setReactionTwin(deps, actorId, reactionInputOf(body)));
}
