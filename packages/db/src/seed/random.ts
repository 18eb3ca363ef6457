import { type SQL, sql } from 'drizzle-orm';

/** A SQL array literal of constant words (the seed's own lists, never user input). */
export function words(list: readonly string[]): SQL {
  return sql.raw(`array[${list.map((word) => `'${word.replace(/'/g, "''")}'`).join(',')}]::text[]`);
}

/** One element of a word array, picked at random on every row. */
export function pick(list: SQL): SQL {
  return sql`(${list})[1 + floor(random() * cardinality(${list}))::int]`;
}

/**
 * One element of a word array, picked with Zipf's law (the word of rank r about as often as 1/r): a
 * log-uniform rank, `floor(size ^ random())`, so the first words are everywhere and most are rare, as in a
 * real vocabulary. `size` is the array's length.
 */
export function zipfPick(list: SQL, size: number): SQL {
  return sql`(${list})[floor(power(${size}::float8, random()))::int]`;
}

/** A random id in 1…count, every id alike. */
export function randomId(count: number): SQL {
  return sql`(1 + floor(random() * ${count})::bigint)`;
}

/** A random id in 1…count, skewed to the low ids: the higher `exponent`, the fewer ids take most picks. */
export function skewedId(count: number, exponent: number): SQL {
  return sql`(1 + floor(power(random(), ${exponent}) * ${count})::bigint)`;
}

/** Reproducible random numbers in [0, 1) (a linear congruential generator), for shapes built in JS. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) & 0x7fffffff;
    return state / 0x80000000;
  };
}
