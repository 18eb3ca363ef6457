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
  type ApiConfig,
  type Changed,
  createJobQueue,
  DELIVERY_DEFAULTS,
  invalidate,
  type JobQueue,
  type Logger,
  MAIL_QUEUE,
  mailJobOptions,
  mergeChanged,
  notificationMail,
  POPULAR_POST_UPVOTES,
  POST_BODY_LENGTH,
  type Privilege,
  questionChannel,
  REPUTATION_BADGES,
  reactionName,
  renderMarkdown,
  reputationFrom,
  silentLogger,
  siteSettingsFrom,
  thresholdOf,
  toAnswer,
  userChannel,
} from '@devflow/api';
import type { Cache } from '@devflow/cache';
import {
  addToReactionCountersQuery,
  answerDetailColumns,
  answerOwnerQuery,
  awaitingMailColumns,
  awardBadgeQuery,
  bumpLiveChannelQuery,
  countNewAnswerQuery,
  type DbHandle,
  deleteReactionQuery,
  findAnswerQuery,
  findPostQuery,
  findReactionValueQuery,
  insertAnswerQuery,
  insertLiveEventsQuery,
  insertNotificationsQuery,
  insertQuestionWatchQuery,
  insertRevisionQuery,
  isFirstPostQuery,
  liveEventColumns,
  markNotificationsMailedQuery,
  notificationsAwaitingMail,
  notificationType,
  openReviewItemQuery,
  type PostType,
  questionAuthorsQuery,
  questionByIdQuery,
  questionColumns,
  questionWatchersQuery,
  reactionsByUser,
  reputationCountsStatement,
  siteSettingsQuery,
  statementsOnly,
  tagsOfQuestionsQuery,
  upsertReactionQuery,
} from '@devflow/db';
import { Column, fillPlaceholders, is, SQL, sql } from 'drizzle-orm';
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

const readSettings = statement(siteSettingsQuery(statementsOnly));
const reputationCounts = statement(reputationCountsStatement(p('userId')));
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
const tagsOfQuestion = statement(tagsOfQuestionsQuery(statementsOnly, p('ids')));

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
  const notices = created.map((row) => ({
    channel: userChannel(row.userId),
    type: 'notification.created',
    payload: { type: 'notification.created', notificationId: row.id },
    postKey: null,
    parentKey: null,
  }));
  if (live) live.push(...notices);
  else await appendLiveEvents(run, notices);
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
  const settings = siteSettingsFrom(row ? row[0] : null);
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
  const slugs = (await exec(run, tagsOfQuestion, { ids: [id] })).map((row) => String(row[1]));
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
// answer.create

/** A column value as the type its column has (the twin's rows come as arrays of driver values). */
const num = (value: unknown): number => Number(value);
const str = (value: unknown): string => String(value);
const numOrNull = (value: unknown): number | null => (value === null ? null : Number(value));
const strOrNull = (value: unknown): string | null => (value === null ? null : String(value));
const date = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const dateOrNull = (value: unknown): Date | null => (value === null ? null : date(value));

/**
 * The path of each selected column in the row object, in select order — the order Drizzle renders the
 * columns of a selection map in (a nested plain object, like `author`, stands for its columns).
 */
function columnPaths(selection: object, prefix: string[] = []): string[][] {
  return Object.entries(selection).flatMap(([key, value]: [string, unknown]) =>
    is(value, Column) || is(value, SQL) || is(value, SQL.Aliased)
      ? [[...prefix, key]]
      : typeof value === 'object' && value !== null
        ? columnPaths(value, [...prefix, key])
        : [],
  );
}

/** One row's values by column name (`author.id` for a nested one). */
function byPath(paths: string[][], values: unknown[]): Map<string, unknown> {
  return new Map(paths.map((path, i) => [path.join('.'), values[i]]));
}

const answerDetailPaths = columnPaths(answerDetailColumns);
const awaitingMailPaths = columnPaths(awaitingMailColumns);
const questionPaths = columnPaths(questionColumns);

const countNewAnswer = statement(
  countNewAnswerQuery(statementsOnly, { questionId: p('questionId'), at: p('at') }),
);
const questionById = statement(questionByIdQuery(statementsOnly, p('id')));
const insertAnswer = statement(
  insertAnswerQuery(statementsOnly, {
    questionId: p('questionId'),
    authorId: p('authorId'),
    body: p('body'),
    bodyHtml: p('bodyHtml'),
  }),
);
const insertRevision = statement(
  insertRevisionQuery(statementsOnly, {
    targetType: p('targetType'),
    targetId: p('targetId'),
    editorId: p('editorId'),
    // An answer's revision has neither (and an array column's encoder takes no null placeholder value).
    title: null,
    body: p('body'),
    tags: null,
  }),
);
const questionWatchers = statement(
  questionWatchersQuery(statementsOnly, { questionId: p('questionId'), exceptUserId: p('exceptUserId') }),
);
/** `notificationsAwaitingMail` of n ids, for the instant mail (`mailNewNotifications`). */
const awaitingMail = perKey((n: number) =>
  statement(
    notificationsAwaitingMail(statementsOnly, {
      ids: Array.from({ length: n }, (_, i) => p(`id${i}`)),
      delivery: p('delivery'),
      defaults: DELIVERY_DEFAULTS,
      limit: p('limit'),
    }),
  ),
);
const markMailed = perKey((n: number) =>
  statement(
    markNotificationsMailedQuery(statementsOnly, {
      ids: Array.from({ length: n }, (_, i) => p(`id${i}`)),
      at: p('at'),
    }),
  ),
);
const insertQuestionWatch = statement(
  insertQuestionWatchQuery(statementsOnly, { userId: p('userId'), questionId: p('questionId') }),
);
const isFirstPost = statement(isFirstPostQuery(p('userId')));
const openReviewItem = statement(
  openReviewItemQuery(statementsOnly, {
    queue: p('queue'),
    targetType: p('targetType'),
    targetId: p('targetId'),
    createdAt: p('createdAt'),
  }),
);
const findAnswer = statement(findAnswerQuery(statementsOnly, p('id')));
const myReactionsToOne = statement(
  reactionsByUser(statementsOnly, { userId: p('userId'), targetType: p('targetType'), ids: [p('id0')] }),
);

/** A notification as the instant mail reads it (`notificationsAwaitingMail`). */
function mailedRow(values: unknown[]) {
  const row = byPath(awaitingMailPaths, values);
  const type = notificationType.enumValues.find((name) => name === row.get('type'));
  if (!type) throw new Error(`unknown notification type ${String(row.get('type'))}`);
  return {
    id: num(row.get('id')),
    type,
    userId: num(row.get('userId')),
    questionId: numOrNull(row.get('questionId')),
    answerId: numOrNull(row.get('answerId')),
    replyId: numOrNull(row.get('replyId')),
    createdAt: date(row.get('createdAt')),
    email: str(row.get('email')),
    username: str(row.get('username')),
    actorName: str(row.get('actorName')),
    actorUsername: str(row.get('actorUsername')),
    questionTitle: strOrNull(row.get('questionTitle')),
  };
}

/** What `answer.create` needs beyond `WriteTwinDeps`: the mail's configuration and the job queue. */
export type AnswerTwinDeps = WriteTwinDeps & {
  config: Pick<ApiConfig, 'publicUrl' | 'appSecret'>;
  /** The queue a notification's mail is enqueued on (only `enqueueVia` is used). */
  jobs: Pick<JobQueue, 'enqueueVia'>;
};

/**
 * `mailNewNotifications` of notification/mail.ts: the notifications mailed at once, each mail rendered
 * by the API and enqueued on pg-boss in this transaction, then marked mailed.
 */
async function mailNewNotifications(deps: AnswerTwinDeps, run: RunValues, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const values = Object.fromEntries(ids.map((id, i) => [`id${i}`, id]));
  const rows = (
    await exec(run, awaitingMail(ids.length), { ...values, delivery: 'instant', limit: ids.length })
  ).map(mailedRow);
  // pg-boss's statement in this transaction; it returns the new job's id as its one column.
  const runner = {
    executeSql: async (text: string, params: unknown[] = []) => ({
      rows: (await run(text, params)).map((row) => ({ id: row[0] })),
    }),
  };
  for (const row of rows) {
    await deps.jobs.enqueueVia(runner, MAIL_QUEUE, {
      ...notificationMail(deps.config, [row], 'instant'),
      dedupeKey: `notification:${row.id}`,
    });
  }
  if (rows.length === 0) return;
  const mailed = Object.fromEntries(rows.map((row, i) => [`id${i}`, row.id]));
  await exec(run, markMailed(rows.length), { ...mailed, at: new Date().toISOString() });
}

/** The answer as `findAnswer` reads it, as the API's answer with the caller's reaction (`viewOf`). */
async function answerView(run: RunValues, actorId: number, id: number) {
  const [values] = await exec(run, findAnswer, { id });
  if (!values) throw new TwinError('NOT_FOUND', 'This answer does not exist or was deleted.');
  const row = byPath(answerDetailPaths, values);
  const [mine] = await exec(run, myReactionsToOne, { userId: actorId, targetType: 'answer', id0: id });
  const acceptedAnswerId = numOrNull(row.get('acceptedAnswerId'));
  return toAnswer(
    {
      id: num(row.get('id')),
      questionId: num(row.get('questionId')),
      body: str(row.get('body')),
      bodyHtml: str(row.get('bodyHtml')),
      likes: num(row.get('likes')),
      dislikes: num(row.get('dislikes')),
      score: num(row.get('score')),
      createdAt: date(row.get('createdAt')),
      updatedAt: date(row.get('updatedAt')),
      deletedAt: dateOrNull(row.get('deletedAt')),
      hiddenAt: dateOrNull(row.get('hiddenAt')),
      author: {
        id: num(row.get('author.id')),
        username: str(row.get('author.username')),
        displayName: strOrNull(row.get('author.displayName')),
        avatarUrl: strOrNull(row.get('author.avatarUrl')),
      },
    },
    acceptedAnswerId,
    mine ? (num(mine[1]) > 0 ? 'like' : 'dislike') : null,
  );
}

/** `answer.create`'s input, ids as numbers. */
export type AnswerInput = { questionId: number; body: string };

/**
 * `answer.create` (`createAnswer` of packages/api/src/domains/answer/service.ts) for user `actorId`: in
 * one transaction the question's answer count, the answer (its markdown rendered by the API), its first
 * revision, the question's author and watchers notified (mailed at once when they get this kind so),
 * the answerer watching the question, the `first-answer` badge, the first-posts review queue, the answer
 * read back and the `answer.created` event; after the commit the events published and the cache
 * counters bumped.
 */
export async function createAnswerTwin(deps: AnswerTwinDeps, actorId: number, input: AnswerInput) {
  const answer = await liveTransaction(deps, async (run, live) => {
    const [question] = await exec(run, countNewAnswer, {
      questionId: input.questionId,
      at: new Date().toISOString(),
    });
    if (!question) {
      const [values] = await exec(run, questionById, { id: input.questionId });
      const existing = values ? byPath(questionPaths, values) : undefined;
      if (existing?.get('live') === true && existing.get('closedAt') !== null) {
        throw new TwinError('FORBIDDEN', 'This question is closed.');
      }
      throw new TwinError('NOT_FOUND', 'This question does not exist or was deleted.');
    }
    const questionId = num(question[0]);
    const questionAuthorId = num(question[1]);
    const [created] = await exec(run, insertAnswer, {
      questionId,
      authorId: actorId,
      body: input.body,
      bodyHtml: renderMarkdown(input.body),
    });
    if (!created) throw new Error('insert into answers returned no row');
    const answerId = num(created[0]);
    await exec(run, insertRevision, {
      targetType: 'answer',
      targetId: answerId,
      editorId: actorId,
      body: input.body,
    });
    // notifyNewAnswer: the question's author, then everyone else watching it.
    const watchers = await exec(run, questionWatchers, { questionId, exceptUserId: actorId });
    const cause = { actorId, questionId, answerId };
    const ids = await recordNotifications(
      run,
      [
        { ...cause, userId: questionAuthorId, type: 'answer' },
        ...watchers.map((row) => ({ ...cause, userId: num(row[0]), type: 'watched_question' as const })),
      ],
      live,
    );
    await mailNewNotifications(deps, run, ids);
    await exec(run, insertQuestionWatch, { userId: actorId, questionId });
    await awardBadgeTo(run, actorId, 'first-answer');
    // queueFirstPost of moderation/first-posts.ts.
    const [posts] = await exec(run, isFirstPost, { userId: actorId });
    if (num(posts?.[0] ?? 0) === 1) {
      await exec(run, openReviewItem, {
        queue: 'first-posts',
        targetType: 'answer',
        targetId: answerId,
        // An insert's placeholder goes through its column's encoder, which takes a Date.
        createdAt: new Date(),
      });
    }
    const view = await answerView(run, actorId, answerId);
    const { myReaction: _mine, ...shown } = view;
    const payload = { type: 'answer.created', answer: shown, answerCount: num(question[2]) };
    live.push({
      channel: questionChannel(questionId),
      type: payload.type,
      payload,
      postKey: `answer:${answerId}`,
      parentKey: `question:${questionId}`,
    });
    return view;
  });
  // answerScope of packages/api/src/platform/cache/scopes.ts.
  await invalidateCommitted(deps, async () => {
    const [owner] = await exec(deps.db.run, answerOwner, { id: Number(answer.id) });
    if (!owner) return {};
    return mergeChanged(await questionScope(deps.db.run, num(owner[0])), { users: [num(owner[1])] });
  });
  return answer;
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
      client.unsafe(text, params.map(parameter), { prepare: true }).values();
  return {
    run: on(sql),
    transaction: async (work) => {
      const result = await sql.begin((tx) => work(on(tx)).then((value) => ({ value })));
      return result.value;
    },
  };
}

/**
 * A bound value as postgres.js takes it: the statements bind only scalars, times, JSON text and arrays of
 * ids (the tags of a question, `= any($1::bigint[])`).
 */
function parameter(value: unknown): postgres.ParameterOrJSON<never> {
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value instanceof Date
  ) {
    return value;
  }
  if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value;
  throw new TypeError(`a twin's statement bound an unexpected ${typeof value}`);
}

/**
 * What `registerWriteTwins` needs: the bare server's postgres.js client and cache, the mail's
 * configuration and a job queue to enqueue mail on (`openBareJobQueue`), and a publisher.
 */
export type WriteTwinOptions = {
  sql: postgres.Sql;
  cache: Cache;
  config: AnswerTwinDeps['config'];
  jobs: AnswerTwinDeps['jobs'];
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
 * A job queue for the bare server, for `registerWriteTwins`' `jobs`: pg-boss on the database `dbHandle`
 * opened (PostgreSQL or PGlite) that only enqueues (no worker, no scheduler: the app's servers deliver
 * the mail), with the mail queue declared with the app's options (`mailJobOptions`), so the twin of
 * `answer.create` enqueues its mail with the statement the server's queue sends. `close()` stops the
 * queue; the handle stays the caller's.
 */
export async function openBareJobQueue(
  dbHandle: DbHandle,
  config: Pick<ApiConfig, 'mailRetry'>,
  log: Logger = silentLogger,
): Promise<{ jobs: JobQueue; close(): Promise<void> }> {
  const jobs = createJobQueue({ dbHandle, log, workers: false, poolSize: 2 });
  const noWorker = async () => {
    throw new Error('the bare server delivers no mail');
  };
  jobs.registerJob(MAIL_QUEUE, noWorker, mailJobOptions(config.mailRetry));
  await jobs.start();
  return {
    jobs,
    close: () => jobs.stop(2000),
  };
}

/**
 * `answer.create`'s input from a request body: the body trimmed and of a length the procedure's schema
 * takes (`answerBody` of packages/contract/src/answer.ts).
 */
function answerInputOf(body: unknown): AnswerInput {
  const input = objectOf(body);
  const text = typeof input.body === 'string' ? input.body.trim() : '';
  if (text.length < POST_BODY_LENGTH.min || text.length > POST_BODY_LENGTH.max)
    throw new TwinError('BAD_REQUEST', 'Invalid input.');
  return { questionId: idOf(input.questionId), body: text };
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
    config: options.config,
    jobs: options.jobs,
    publish: options.publish,
    log: options.log,
  });
}

/** The routes of `registerWriteTwins` on any twin database (bench/write-twins.test.ts runs them on PGlite). */
export function registerWriteTwinRoutes(app: Hono, deps: AnswerTwinDeps): void {
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
  route('/bare/answer.create', (actorId, body) => createAnswerTwin(deps, actorId, answerInputOf(body)));
}
