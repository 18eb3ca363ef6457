import { sql } from 'drizzle-orm';
import { seedLandmarks, sideThreadQuestion, type ThreadShape } from './plans';
import { pick, randomId, seededRandom } from './random';
import type { SeedRun } from './run';
import { REPLIES } from './text';

/** Replies in one small tree: the root, three children and eight grandchildren. */
const TREE_SIZE = 12;

/** Share of a conversation's replies that start anew at the top level. */
const NEW_TOPIC_SHARE = 0.02;

/**
 * Every reply of the plan. Ids run in this order: the small trees, the chains, the big thread, the side
 * threads; reactions and the bench rely on the range being 1…n without gaps.
 */
export async function seedReplies(run: SeedRun): Promise<void> {
  const { plan } = run;
  await seedSmallTrees(run);
  let first = plan.replies + 1;
  for (const [c, question] of seedLandmarks(plan).chains.entries()) {
    await seedChain(run, `reply chain ${c + 1}`, question, first);
    first += plan.chains.depth;
  }
  const longThreads = [
    { phase: 'big thread', question: plan.questions, replies: plan.bigThread, shape: plan.bigThreadShape },
    ...plan.sideThreads.map((thread, index) => ({
      phase: `side thread ${index + 1}`,
      question: sideThreadQuestion(plan, index),
      ...thread,
    })),
  ];
  for (const thread of longThreads) {
    await seedLongThread(run, thread.phase, thread.question, first, thread.replies, thread.shape);
    first += thread.replies;
  }
}

/**
 * Trees of twelve replies, taking turns between questions and answers (spread by multiplying the tree's
 * number with a prime). Reply k of a tree (k = 0…11) answers reply (k - 1) / 3, so k = 0 is the root,
 * 1–3 its children, 4–11 its grandchildren; a last partial tree is still well-formed.
 */
function seedSmallTrees(run: SeedRun): Promise<void> {
  const { users, questions, answers, replies } = run.plan;
  return run.inChunks(
    'replies',
    replies,
    (from, to) => sql`
      insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html,
                           created_at, updated_at)
      overriding system value
      select g, target_type, target_id, parent_id, depth, ${randomId(users)}, body, '<p>' || body || '</p>', at, at
      from (
        select g,
          (case when tree % 2 = 0 then 'question' else 'answer' end)::reply_target as target_type,
          case when tree % 2 = 0 then 1 + (tree * 7919) % ${questions}
               else 1 + (tree * 104729) % ${answers} end as target_id,
          case when k = 0 then null else g - k + (k - 1) / 3 end as parent_id,
          case when k = 0 then 0 when k <= 3 then 1 else 2 end as depth,
          ${pick(REPLIES)} as body,
          now() - interval '30 days' + (g::float / ${replies}) * interval '29 days' as at
        from (
          select g, (g - 1) / ${TREE_SIZE} as tree, (g - 1) % ${TREE_SIZE} as k
          from generate_series(${from}::bigint, ${to}::bigint) g
        ) position
      ) r`,
  );
}

/** A back-and-forth between users 2 and 1 under `question`: every reply answers the one before it. */
function seedChain(run: SeedRun, phase: string, question: number, first: number): Promise<void> {
  const { users, chains } = run.plan;
  const second = Math.min(2, users);
  return run.inChunks(
    phase,
    chains.depth,
    (from, to) => sql`
      insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html,
                           created_at, updated_at)
      overriding system value
      select ${first}::bigint + level, 'question', ${question},
        case when level = 0 then null else ${first}::bigint + level - 1 end, level,
        case when level % 2 = 0 then ${second} else 1 end,
        'Level ' || level || ' of a long back-and-forth.', '<p>Level ' || level || ' of a long back-and-forth.</p>',
        at, at
      from (
        select g - 1 as level, now() - interval '10 days' + g * interval '1 minute' as at
        from generate_series(${from}::bigint, ${to}::bigint) g
      ) c`,
  );
}

/** A long thread of `replies` replies under `question`, ids from `first`, shaped by `shape`. */
function seedLongThread(
  run: SeedRun,
  phase: string,
  question: number,
  first: number,
  replies: number,
  shape: ThreadShape,
): Promise<void> {
  return shape.kind === 'tree'
    ? seedTreeThread(run, phase, question, first, replies)
    : seedConversation(run, phase, question, first, conversationShape(replies, shape.window));
}

/** A 4-ary tree: reply k (from 0) answers reply (k - 1) / 4 and sits at depth floor(log4(3k + 1)). */
function seedTreeThread(run: SeedRun, phase: string, question: number, first: number, replies: number) {
  const { users } = run.plan;
  return run.inChunks(
    phase,
    replies,
    (from, to) => sql`
      insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html,
                           created_at, updated_at)
      overriding system value
      select ${first}::bigint + k, 'question', ${question},
        case when k = 0 then null else ${first}::bigint + (k - 1) / 4 end,
        floor(ln(3 * k + 1) / ln(4) + 1e-9)::int,
        ${randomId(users)}, body, '<p>' || body || '</p>', at, at
      from (
        select g - 1 as k, ${pick(REPLIES)} as body, now() - interval '5 days' + g * interval '1 second' as at
        from generate_series(${from}::bigint, ${to}::bigint) g
      ) b`,
  );
}

/** Where each reply of a conversation hangs: its parent's position (1-based; 0 for top level) and depth. */
type Conversation = { parents: number[]; depths: number[] };

/**
 * A conversation's shape, drawn in JS because a reply's depth follows from its parent's: every reply
 * answers one of the `window` replies just before it, except the first and a few that start anew.
 * Reproducible: the same plan gives the same shape.
 */
function conversationShape(replies: number, window: number): Conversation {
  const random = seededRandom(12_345);
  const parents: number[] = [];
  const depths: number[] = [];
  for (let position = 1; position <= replies; position++) {
    const topLevel = position === 1 || random() < NEW_TOPIC_SHARE;
    const parent = topLevel ? 0 : position - 1 - Math.floor(random() * Math.min(window, position - 1));
    parents.push(parent);
    depths.push(parent === 0 ? 0 : (depths[parent - 1] ?? 0) + 1);
  }
  return { parents, depths };
}

/** Writes a conversation under `question`, ids from `first`; positions and depths travel as text lists. */
function seedConversation(run: SeedRun, phase: string, question: number, first: number, shape: Conversation) {
  const { users } = run.plan;
  const list = (values: number[], from: number, to: number) => values.slice(from - 1, to).join(',');
  return run.inChunks(
    phase,
    shape.parents.length,
    (from, to) => sql`
      insert into replies (id, target_type, target_id, parent_id, depth, author_id, body, body_html,
                           created_at, updated_at)
      overriding system value
      select ${first - 1}::bigint + position, 'question', ${question},
        case when parent = 0 then null else ${first - 1}::bigint + parent end, depth,
        ${randomId(users)}, body, '<p>' || body || '</p>', at, at
      from (
        select ${from - 1} + n as position, parent, depth, ${pick(REPLIES)} as body,
          now() - interval '5 days' + (${from - 1} + n) * interval '1 second' as at
        from unnest(
          string_to_array(${list(shape.parents, from, to)}, ',')::bigint[],
          string_to_array(${list(shape.depths, from, to)}, ',')::int[]
        ) with ordinality as t(parent, depth, n)
      ) c`,
  );
}
