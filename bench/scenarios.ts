/**
 * What the bench measures, as tables: the scenarios (each a set of sides measured together, in order),
 * the ratios between sides it holds itself to, and the threads whose first page every strategy must answer alike.
 * bench/runner.ts drives them; nothing here runs anything.
 */
import { THREAD_PAGE_SIZE } from '@devflow/api';
import type { SeedLandmarks, SeedPlan } from '@devflow/db/seed';
import type { CannonRequest } from './cannon';
import { bare, barePost, get, post } from './requests';
import { SEARCH_TERMS } from './seed';

/** The servers a run starts: the real one with and without its page cache, the bare baseline, and (with `--cluster`) the real one as a cluster of two. */
export type ServerName = 'cached' | 'uncached' | 'bare' | 'clusterCached' | 'clusterUncached';

/** What the run learned before measuring, which requests are built from. */
export type BenchFacts = {
  plan: SeedPlan;
  landmarks: SeedLandmarks;
  /** Bearer tokens of the accounts the run registered (empty when registration failed). */
  tokens: string[];
  /** Usernames and password of those accounts, and the ids of those registered, in the order of `tokens`. */
  accounts: { usernames: string[]; password: string; ids: number[] };
  /** The first account's user id (it follows users 1–1,000: the feed's reader); null without accounts. */
  feedUserId: string | null;
  /** The `question.list` cursor after 999 pages of 20; null when the walk failed. */
  cursor: string | null;
  /** The last question before that cursor (the bare keyset route's position); null when the walk failed. */
  page1000: { at: string; id: number } | null;
};

/** One side of a scenario: requests sent round-robin to one server. */
export type Side = {
  name: string;
  server: ServerName;
  /** The requests; null when this run lacks what they need (the side is left out). */
  requests: (facts: BenchFacts) => CannonRequest[] | null;
  /** Send every request once before measuring, so that the page cache measures hits. */
  warm?: boolean;
};

/** Which load a scenario gets: `heavy` has longer windows, for whole big threads whose requests take seconds. */
export type LoadKind = 'normal' | 'heavy';

/**
 * One row of the table: sides measured together (several alternate within each connection level, so noise
 * from other work hits them alike). `when`: `cluster` only with `--cluster`; `last` after the EXPLAINs and
 * the thread checks, since requests still queued when a window ends keep the database busy for a while.
 */
export type Scenario = { sides: Side[]; load: LoadKind; when: 'always' | 'cluster' | 'last' };

/** A ratio of two sides' throughput the bench holds itself to at every connection level. */
export type Comparison = { name: string; over: string; under: string; min: number };

/** A thread whose first page every thread strategy must answer alike, and is timed on alone. */
export type CheckedThread = { label: string; question: number };

/** The questions `question.byId` reads: warm in the page cache, spread over the data. */
export const HOT_IDS = Array.from({ length: 100 }, (_, i) => 101 + i);

/** How many accounts the run registers (sessions for the writes, logins for `auth.login`). */
export const BENCH_ACCOUNTS = 64;

/** Rows per `question.list` page whose 1,000th page the keyset and OFFSET scenarios read. */
export const PAGE_SIZE = 20;

/** Sizes in thousands, as scenario names show them (`100k`). */
const thousands = (count: number) => `${count / 1000}k`;

/**
 * The page every thread side asks for: `reply.thread`'s first page at its default size, written out so
 * that the tRPC side and the bare routes are sent the same request and serve the same page.
 */
const THREAD_PAGE = { limit: THREAD_PAGE_SIZE.default };

/** The first page of `reply.thread` of a question, for an anonymous reader. */
export const threadPage = (question: number) =>
  get('reply.thread', { targetType: 'question', targetId: String(question), ...THREAD_PAGE });

/** The same first page from the bare route of one thread strategy (`cte`, `per-level`, `per-node`). */
export const bareThread = (question: number, strategy: 'cte' | 'per-level' | 'per-node') =>
  bare(`thread-${strategy}?type=question&id=${question}&limit=${THREAD_PAGE.limit}`);

/** The bearer header of bench account `i` (round-robin over those registered). */
const auth = (facts: BenchFacts, i: number) => ({
  authorization: `Bearer ${facts.tokens[i % Math.max(facts.tokens.length, 1)] ?? ''}`,
});

/** The bare twin's acting user (`x-user-id`) for bench account `i`, as `auth` signs the same account in. */
const actor = (facts: BenchFacts, i: number) => ({
  'x-user-id': String(facts.accounts.ids[i % Math.max(facts.accounts.ids.length, 1)] ?? 0),
});

/** Posts each side of a write scenario writes to, so the two never touch the same rows. */
const WRITE_SIDES = { trpc: 0, bare: 1 } as const;

/** Reactions per pass of `reactions`: each (account, question) pair is liked, disliked, then cleared. */
const REACTION_PAIRS = 5000;

/**
 * `reaction.set` requests of one side: every request changes something (like → dislike → clear, pass
 * after pass, over questions of its own), so no window measures the no-op of repeating a reaction.
 */
function reactions(side: number) {
  const values = ['like', 'dislike', null] as const;
  return Array.from({ length: 3 * REACTION_PAIRS }, (_, j) => {
    const pair = j % REACTION_PAIRS;
    return {
      account: pair,
      input: {
        targetType: 'question',
        targetId: String(1000 + side * 60_000 + pair),
        value: values[Math.floor(j / REACTION_PAIRS)] ?? null,
      },
    };
  });
}

/** Questions each side of `answer.create` answers, one after another: few answers (and watchers) each. */
const ANSWERED_QUESTIONS = 20_000;

/** `answer.create` requests of one side, each on a question of its own range. */
function answers(side: number) {
  return Array.from({ length: ANSWERED_QUESTIONS }, (_, i) => ({
    account: i,
    input: {
      questionId: String(20_001 + side * ANSWERED_QUESTIONS + i),
      body: `A benchmark answer number ${i}, long enough to pass validation.`,
    },
  }));
}

/** Requests that need the bench's accounts: none when registration failed. */
const withAccounts =
  (build: (facts: BenchFacts) => CannonRequest[]) =>
  (facts: BenchFacts): CannonRequest[] | null =>
    facts.tokens.length > 0 ? build(facts) : null;

const byId = () => HOT_IDS.map((id) => get('question.byId', { id: String(id) }));
const newest = () => [get('question.list', { sort: 'newest' })];
/** Seeded users whose profiles `user.byUsername` reads (`user1`…, packages/db/src/seed/users.ts). */
const PROFILES = Array.from({ length: 100 }, (_, i) => `user${i + 1}`);
const profiles = () => PROFILES.map((username) => get('user.byUsername', { username }));

/**
 * A procedure measured through the full stack against its bare twin (bench/baseline-server.ts: the same
 * statements over postgres.js in a plain Hono route, the same JSON), and, where it has one, through the
 * page cache: the sides of one interleaved scenario.
 */
function twin(
  name: string,
  trpc: Side['requests'],
  bareRequests: Side['requests'],
  options: { cached?: boolean; server?: ServerName } = {},
): Side[] {
  return [
    ...(options.cached
      ? [{ name: `${name} cached`, server: 'cached' as const, requests: trpc, warm: true }]
      : []),
    { name: `${name} uncached`, server: options.server ?? 'uncached', requests: trpc },
    { name: `bare ${name}`, server: 'bare', requests: bareRequests },
  ];
}

/**
 * A write through the full stack (the default server: page cache on, so its counters are bumped) against
 * its bare twin, each on rows of its own.
 */
function writeTwin(
  name: string,
  trpc: (facts: BenchFacts, side: number) => CannonRequest[],
  bareRequests: (facts: BenchFacts, side: number) => CannonRequest[],
): Side[] {
  return [
    { name, server: 'cached', requests: withAccounts((facts) => trpc(facts, WRITE_SIDES.trpc)) },
    {
      name: `bare ${name}`,
      server: 'bare',
      requests: withAccounts((facts) => bareRequests(facts, WRITE_SIDES.bare)),
    },
  ];
}

/** The scenarios, in the order they run, for a data set. */
export function scenarios(plan: SeedPlan, landmarks: SeedLandmarks): Scenario[] {
  const big = thousands(plan.bigThread);
  const [sidePlan] = plan.sideThreads;
  const [sideThread] = landmarks.sideThreads;
  const [chain] = landmarks.chains;
  const normal = (sides: Side[]): Scenario => ({ sides, load: 'normal', when: 'always' });
  return [
    normal([
      { name: 'question.byId cached', server: 'cached', requests: byId, warm: true },
      { name: 'question.byId uncached (cold)', server: 'uncached', requests: byId },
      {
        name: 'bare Hono+postgres.js byId (baseline a)',
        server: 'bare',
        requests: () => HOT_IDS.map((id) => bare(`question.byId?id=${id}`)),
      },
    ]),
    // Cluster mode: the same server, two workers sharing the port (see bench/cluster-server.ts).
    {
      sides: [
        { name: 'question.byId cached, cluster of 2', server: 'clusterCached', requests: byId, warm: true },
      ],
      load: 'normal',
      when: 'cluster',
    },
    {
      sides: [{ name: 'question.byId uncached, cluster of 2', server: 'clusterUncached', requests: byId }],
      load: 'normal',
      when: 'cluster',
    },
    normal(twin('question.list page 1', newest, () => [bare('list-first')], { cached: true })),
    normal([
      {
        name: 'question.list page 1000 keyset',
        server: 'uncached',
        requests: ({ cursor }) =>
          cursor ? [get('question.list', { sort: 'newest', limit: PAGE_SIZE, cursor })] : null,
      },
      {
        name: 'bare list page 1000 keyset (baseline c)',
        server: 'bare',
        requests: ({ page1000 }) =>
          page1000 ? [bare(`list-keyset?at=${encodeURIComponent(page1000.at)}&id=${page1000.id}`)] : null,
      },
      {
        name: 'bare list page 1000 OFFSET (baseline c)',
        server: 'bare',
        requests: () => [bare(`list-offset?offset=${999 * PAGE_SIZE}`)],
      },
    ]),
    normal(
      twin(
        'question.search',
        () => SEARCH_TERMS.map((q) => get('question.search', { q })),
        () => SEARCH_TERMS.map((q) => bare(`search?q=${encodeURIComponent(q)}`)),
      ),
    ),
    normal(
      twin(
        `reply.thread ${thousands(sidePlan?.replies ?? 0)} replies, first page`,
        () => (sideThread === undefined ? null : [threadPage(sideThread)]),
        () => (sideThread === undefined ? null : [bareThread(sideThread, 'cte')]),
      ),
    ),
    normal(
      twin(
        'feed.list (follows 1,000)',
        withAccounts((facts) => [get('feed.list', {}, auth(facts, 0))]),
        ({ feedUserId }) => (feedUserId ? [bare(`feed?userId=${feedUserId}`)] : null),
      ),
    ),
    normal(
      twin('user.byUsername', profiles, () => PROFILES.map((username) => bare(`user?username=${username}`)), {
        cached: true,
      }),
    ),
    normal(
      writeTwin(
        'reaction.set',
        (facts, side) =>
          reactions(side).map(({ account, input }) => post('reaction.set', input, auth(facts, account))),
        (facts, side) =>
          reactions(side).map(({ account, input }) => barePost('reaction.set', input, actor(facts, account))),
      ),
    ),
    normal(
      writeTwin(
        'answer.create',
        (facts, side) =>
          answers(side).map(({ account, input }) => post('answer.create', input, auth(facts, account))),
        (facts, side) =>
          answers(side).map(({ account, input }) => barePost('answer.create', input, actor(facts, account))),
      ),
    ),
    normal([
      {
        name: 'auth.login',
        server: 'cached',
        requests: withAccounts(({ accounts }) =>
          accounts.usernames.map((login) => post('auth.login', { login, password: accounts.password })),
        ),
      },
    ]),
    // (b') where levels are many and narrow: the 1,000-deep chain's first page, one CTE against one query
    // per level (which reads the whole chain to know the page).
    {
      sides: [
        {
          name: 'bare thread CTE 1,000-deep chain, first page',
          server: 'bare',
          requests: () => (chain === undefined ? null : [bareThread(chain, 'cte')]),
        },
        {
          name: 'bare thread per level 1,000-deep chain, first page',
          server: 'bare',
          requests: () => (chain === undefined ? null : [bareThread(chain, 'per-level')]),
        },
      ],
      load: 'normal',
      when: 'last',
    },
    // (b): the big thread's first page in one recursive query (tRPC and bare, the same page) against one
    // query per level (which reads the whole thread to put the page in depth-first order). One query per
    // reply stays out of the load test: each request is one query per returned reply, and those still
    // queued at 64 connections would keep the database busy through the other windows (timed alone instead).
    {
      sides: [
        {
          name: `reply.thread ${big} replies, first page`,
          server: 'uncached',
          requests: () => [threadPage(landmarks.bigThread)],
        },
        {
          name: `bare thread CTE ${big}, first page (baseline b)`,
          server: 'bare',
          requests: () => [bareThread(landmarks.bigThread, 'cte')],
        },
        {
          name: `bare thread per level ${big}, first page (baseline b)`,
          server: 'bare',
          requests: () => [bareThread(landmarks.bigThread, 'per-level')],
        },
      ],
      load: 'heavy',
      when: 'last',
    },
  ];
}

/** The full stack against its bare twin: at least 0.8× the twin's throughput. */
const TWIN_MIN = 0.8;

/** The page cache against the same read without it: at least 2×. */
const CACHE_MIN = 2;

/** The comparisons the run reports, each between sides measured in the same run. */
export function comparisons(plan: SeedPlan): Comparison[] {
  const big = thousands(plan.bigThread);
  const side = `reply.thread ${thousands(plan.sideThreads[0]?.replies ?? 0)} replies, first page`;
  const twinOf = (name: string): Comparison => ({
    name: `(a) ${name}: full stack (uncached) vs bare twin`,
    over: `${name} uncached`,
    under: `bare ${name}`,
    min: TWIN_MIN,
  });
  const cacheOf = (name: string): Comparison => ({
    name: `(d) ${name}: cached vs uncached`,
    over: `${name} cached`,
    under: `${name} uncached`,
    min: CACHE_MIN,
  });
  return [
    {
      name: '(a) question.byId: full stack (uncached) vs bare twin',
      over: 'question.byId uncached (cold)',
      under: 'bare Hono+postgres.js byId (baseline a)',
      min: TWIN_MIN,
    },
    twinOf('question.list page 1'),
    {
      name: '(a) question.list page 1000 (keyset): full stack vs bare twin',
      over: 'question.list page 1000 keyset',
      under: 'bare list page 1000 keyset (baseline c)',
      min: TWIN_MIN,
    },
    twinOf('question.search'),
    twinOf(side),
    {
      name: `(a) reply.thread ${big} replies, first page: full stack vs bare twin`,
      over: `reply.thread ${big} replies, first page`,
      under: `bare thread CTE ${big}, first page (baseline b)`,
      min: TWIN_MIN,
    },
    twinOf('feed.list (follows 1,000)'),
    twinOf('user.byUsername'),
    {
      name: '(a) reaction.set: full stack vs bare twin',
      over: 'reaction.set',
      under: 'bare reaction.set',
      min: TWIN_MIN,
    },
    {
      name: '(a) answer.create: full stack vs bare twin',
      over: 'answer.create',
      under: 'bare answer.create',
      min: TWIN_MIN,
    },
    {
      name: `(b) reply.thread ${big} (one CTE) vs N+1 one query per level`,
      over: `reply.thread ${big} replies, first page`,
      under: `bare thread per level ${big}, first page (baseline b)`,
      min: 10,
    },
    {
      name: `(b, same stack) bare CTE ${big} vs bare one query per level`,
      over: `bare thread CTE ${big}, first page (baseline b)`,
      under: `bare thread per level ${big}, first page (baseline b)`,
      min: 10,
    },
    {
      name: "(b') the 1,000-deep chain: bare CTE vs bare one query per level",
      over: 'bare thread CTE 1,000-deep chain, first page',
      under: 'bare thread per level 1,000-deep chain, first page',
      min: 10,
    },
    {
      name: '(c) keyset vs OFFSET at page 1000 (both bare)',
      over: 'bare list page 1000 keyset (baseline c)',
      under: 'bare list page 1000 OFFSET (baseline c)',
      min: 2,
    },
    {
      name: "(c') tRPC question.list page 1000 (keyset) vs bare OFFSET",
      over: 'question.list page 1000 keyset',
      under: 'bare list page 1000 OFFSET (baseline c)',
      min: 1,
    },
    {
      name: '(d) question.byId: cached vs uncached',
      over: 'question.byId cached',
      under: 'question.byId uncached (cold)',
      min: CACHE_MIN,
    },
    cacheOf('question.list page 1'),
    cacheOf('user.byUsername'),
  ];
}

/** The threads whose first page is checked and timed one request at a time: the big thread and the first chain. */
export function checkedThreads(plan: SeedPlan, landmarks: SeedLandmarks): CheckedThread[] {
  const [chain] = landmarks.chains;
  return [
    { label: thousands(plan.bigThread), question: landmarks.bigThread },
    // A chain: one top-level reply, each next reply answers the one before, 1,000 deep.
    ...(chain === undefined ? [] : [{ label: '1,000-deep chain', question: chain }]),
  ];
}
