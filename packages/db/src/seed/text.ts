import { words } from './random';

/** The tags every seeded question draws one to three of. */
export const TAGS = [
  'typescript',
  'javascript',
  'node.js',
  'react',
  'postgresql',
  'sql',
  'rust',
  'go',
  'python',
  'docker',
  'kubernetes',
  'redis',
  'css',
  'html',
  'git',
  'linux',
  'bash',
  'testing',
  'performance',
  'security',
  'trpc',
  'drizzle',
  'zod',
  'vite',
  'hono',
  'graphql',
  'aws',
  'c++',
  'c#',
  'java',
];

/** A title is an opener, a verb, an object and an ending: "How do I cache a GIN index under load?" */
export const TITLE_PARTS = {
  openers: words([
    'How do I',
    'Why does',
    'What is the best way to',
    'Is it possible to',
    'When should I',
    'How can I avoid having to',
  ]),
  verbs: words([
    'configure',
    'debug',
    'speed up',
    'test',
    'deploy',
    'migrate',
    'paginate',
    'cache',
    'validate',
    'type',
  ]),
  objects: words([
    'a recursive CTE',
    'keyset pagination',
    'a tRPC router',
    'a Drizzle schema',
    'Redis sessions',
    'a Docker image',
    'a React hook',
    'full-text search',
    'an argon2 hash',
    'a zod schema',
    'a Hono middleware',
    'a PostgreSQL index',
    'a GIN index',
    'a connection pool',
    'a CI pipeline',
  ]),
  endings: words([
    'in production',
    'without downtime',
    'on two cores',
    'with PGlite',
    'under load',
    'in a monorepo',
    'for large tables',
  ]),
};

/** Sentences of question bodies. */
export const SENTENCES = words([
  'I have tried the documented approach but it still fails intermittently.',
  'The query plan shows a sequential scan even though an index exists.',
  'Locally everything works; in CI the same test times out.',
  'Here is a minimal reproduction with the versions I use.',
  'Memory grows steadily until the process is killed.',
  'The error message mentions a missing relation, yet the migration ran.',
  'I would prefer a solution that does not need another dependency.',
  'Benchmarks show p99 latency doubling after the change.',
]);

/** Syllables of the made-up vocabulary: none ends in a letter the English stemmer strips (s, e, y). */
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ru',
  'ten',
  'vak',
  'zor',
  'bin',
  'da',
  'fu',
  'gor',
  'hal',
  'jun',
  'kir',
  'lam',
  'mo',
  'nar',
  'po',
  'quin',
  'rak',
  'sol',
  'tu',
  'vin',
  'wa',
  'xan',
  'yor',
  'zu',
  'brom',
  'cal',
  'dri',
  'fen',
  'glo',
];

/** How many words the vocabulary of question bodies has. */
export const VOCABULARY_SIZE = 8_000;

/**
 * The word of rank `rank` (1…VOCABULARY_SIZE) in the made-up vocabulary of question bodies: three
 * syllables, a different word for every rank. The seed draws words by rank with Zipf's law (`zipfPick`),
 * so search sees common words in half the questions and rare ones in a handful, as on a real site.
 */
export function vocabularyWord(rank: number): string {
  const base = SYLLABLES.length;
  const at = (n: number) => SYLLABLES[n % base] ?? '';
  return `${at(rank)}${at(Math.floor(rank / base))}${at(Math.floor(rank / base ** 2))}`;
}

/** The vocabulary of question bodies, in rank order (the first word is the most common). */
export const VOCABULARY = words(Array.from({ length: VOCABULARY_SIZE }, (_, i) => vocabularyWord(i + 1)));

/** Words a question body adds to its three sentences, each drawn from the vocabulary with Zipf's law. */
export const BODY_VOCABULARY_WORDS = 12;

/** First sentences of answers. */
export const ANSWERS = words([
  'Add a composite index that matches the ORDER BY, then the planner can walk it in order.',
  'Wrap both statements in one transaction so a failure leaves nothing half-written.',
  'Prepare the statement once and reuse it; parsing dominated your profile.',
  'Turn off JIT for this query: it compiles longer than the query runs.',
  'Use a keyset cursor instead of OFFSET; the deep pages stay fast.',
  'Validate at the edge with zod and trust the typed value inside.',
  'Set maxItems on the client so batches never exceed the server limit.',
]);

/** Bodies of replies. */
export const REPLIES = words([
  'Thanks, that fixed it!',
  'Could you share the EXPLAIN output?',
  'Which version are you on?',
  'Same problem here on Postgres 15.',
  'This works, but only with the index.',
  'Good point, I missed that.',
  'Have you tried it with a smaller batch?',
  'Confirmed on Node 20 as well.',
]);
