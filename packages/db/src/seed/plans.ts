/** Named data-set sizes of `devflow seed --size`. */
export type SeedSize = 'small' | 'medium' | 'large';

/**
 * How a long thread branches. `tree`: reply k answers reply (k - 1) / 4, a 4-ary tree, wide and
 * shallow. `conversation`: every reply answers one of the `window` replies just before it (a few start
 * anew at the top), so the thread runs deep — about one level per `window / 2` replies.
 */
export type ThreadShape = { kind: 'tree' } | { kind: 'conversation'; window: number };

/** A long thread under a question of its own. */
export type ThreadPlan = { replies: number; shape: ThreadShape };

/** How many rows of each kind to write (reactions and follows may land a little lower: duplicates are skipped). */
export type SeedPlan = {
  users: number;
  follows: number;
  questions: number;
  answers: number;
  /** Replies in small trees of twelve, spread over questions and answers. */
  replies: number;
  /** Chains where every reply answers the previous one, each under its own question. */
  chains: { count: number; depth: number };
  /** Replies in the big thread, under the last question. */
  bigThread: number;
  bigThreadShape: ThreadShape;
  /** More long threads, under the questions before the last one. */
  sideThreads: ThreadPlan[];
  reactions: number;
};

const TREE: ThreadShape = { kind: 'tree' };

/** The presets of `devflow seed --size`; `large` is the size the benchmark's numbers are measured at. */
export const SEED_PLANS: Record<SeedSize, SeedPlan> = {
  small: {
    users: 40,
    follows: 200,
    questions: 120,
    answers: 300,
    replies: 600,
    chains: { count: 1, depth: 1000 },
    bigThread: 200,
    bigThreadShape: TREE,
    sideThreads: [],
    reactions: 1500,
  },
  medium: {
    users: 2_000,
    follows: 20_000,
    questions: 10_000,
    answers: 50_000,
    replies: 90_000,
    chains: { count: 2, depth: 1000 },
    bigThread: 10_000,
    bigThreadShape: TREE,
    sideThreads: [],
    reactions: 200_000,
  },
  large: {
    users: 20_000,
    follows: 200_000,
    questions: 100_000,
    answers: 500_000,
    replies: 895_000,
    chains: { count: 5, depth: 1000 },
    bigThread: 100_000,
    bigThreadShape: TREE,
    sideThreads: [],
    reactions: 2_000_000,
  },
};

/** A preset by name, or the plan itself. */
export function planOf(size: SeedSize | SeedPlan): SeedPlan {
  return typeof size === 'string' ? SEED_PLANS[size] : size;
}

/** Every reply a plan writes: small trees, chains and long threads. */
export function plannedReplies(plan: SeedPlan): number {
  const sideThreads = plan.sideThreads.reduce((sum, thread) => sum + thread.replies, 0);
  return plan.replies + plan.chains.count * plan.chains.depth + plan.bigThread + sideThreads;
}

/** Where a plan puts its long threads: question ids, known without a query (seeded ids start at 1). */
export type SeedLandmarks = {
  /** The question of each 1,000-deep chain (it may also hold a small tree). */
  chains: number[];
  bigThread: number;
  sideThreads: number[];
};

/** The question under side thread `index` (0-based): the ones before the last question, going back. */
export function sideThreadQuestion(plan: SeedPlan, index: number): number {
  return plan.questions - 1 - index;
}

/** The questions that carry a plan's chains and long threads. */
export function seedLandmarks(plan: SeedPlan): SeedLandmarks {
  return {
    chains: Array.from({ length: plan.chains.count }, (_, c) => 1 + ((c * 31) % plan.questions)),
    bigThread: plan.questions,
    sideThreads: plan.sideThreads.map((_, index) => sideThreadQuestion(plan, index)),
  };
}
