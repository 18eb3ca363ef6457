import fc from 'fast-check';

/** Strings that have broken real systems: encodings, control characters, injection, number look-alikes. */
export const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  '\uDFFF',
  'x\uDC00y\uD83D',
  '\u202Eevil\u202C',
  '\u200B\u200C\u200D\uFEFF',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '\r\n\t\v\f',
  '%00%0d%0a',
  '../../../../etc/passwd',
  "'; drop table users; --",
  "' or 1=1 --",
  '" or ""="',
  '$$; select pg_sleep(5); $$',
  '\\',
  '\\\\x00\\',
  '<script>alert(1)</script>',
  '{{7*7}}\u0024{7*7}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'NaN',
  '0',
  '-1',
  '00',
  '1e9',
  '1.5',
  ' 1',
  '1 ',
  '0x10',
  '١٢٣',
  '9223372036854775807',
  '9223372036854775808',
  '18446744073709551616',
  '999999999999999999999999999999',
  'javascript:alert(1)',
  'https://evil.example/x.png',
];

/** Numbers at the edges: negative, zero, fractional, beyond 2^53 and 2^63 (NaN/Infinity become null in JSON). */
export const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  0.5,
  1.5,
  101,
  1e9,
  -1e9,
  2 ** 31,
  2 ** 53 + 2,
  2 ** 63,
  -(2 ** 63),
  1e308,
  Number.MIN_VALUE,
];

/** Base64url of any JSON: what a forged cursor looks like. */
function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value) ?? 'undefined', 'utf8').toString('base64url');
}

/** Cursors a client could forge: wrong shapes, negative ids, huge numbers, junk, SQL. */
export const FORGED_CURSORS = [
  base64url([]),
  base64url({}),
  base64url(null),
  base64url(['2020-01-01T00:00:00.000Z', -1]),
  base64url(['not a date', 1]),
  base64url([1e308, 1]),
  base64url([2 ** 63, 2 ** 63]),
  base64url(["'; drop table users; --", 1]),
  base64url([null, null, null]),
  base64url('x'.repeat(300)),
  'not base64 !!',
  '====',
  'A'.repeat(499),
  'A'.repeat(600),
  '\u0000',
];

/** A string made of arbitrary UTF-16 code units: lone surrogates, NULs and controls included. */
const utf16 = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  maxLength: 64,
});

/** Hostile strings: the list above, arbitrary UTF-16, full unicode, and forged cursors. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  utf16,
  fc.string({ unit: 'grapheme', maxLength: 64 }),
  fc.constantFrom(...FORGED_CURSORS),
);

/** JSON nested `depth` levels deep (arrays or objects). */
export function nested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

/** Any hostile JSON value: strings, edge numbers, wrong types, deep nesting, prototype keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer() },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { __proto__: { x: 1 } }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(JSON.parse('{"__proto__":{"admin":true}}'), {
      constructor: { prototype: { admin: true } },
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((depth) => nested(depth)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/**
 * A plausible value for an input key, judged by its name, so hostile values in *other* fields reach
 * deeper code (cursor decoding, lookups, ownership checks) instead of failing on the first field.
 */
export function plausibleValue(key: string, ids: string[]): fc.Arbitrary<unknown> {
  const id = fc.constantFrom(...ids, '1', '999999');
  if (key === 'id' || key.endsWith('Id')) return id;
  const byName: Record<string, fc.Arbitrary<unknown>> = {
    limit: fc.constantFrom(1, 20, 100),
    cursor: fc.constantFrom(...FORGED_CURSORS),
    sort: fc.constantFrom('newest', 'top', 'unanswered', 'active'),
    targetType: fc.constantFrom('question', 'answer', 'reply'),
    value: fc.constantFrom('like', 'dislike', null),
    role: fc.constantFrom('user', 'moderator', 'admin'),
    q: hostileString,
    tag: fc.constantFrom('typescript', 'x'),
    tags: fc.constantFrom(['typescript'], ['a', 'b']),
    title: fc.constantFrom('A perfectly valid title'),
    body: fc.constantFrom('A body that is long enough to be accepted by validation.'),
    username: fc.constantFrom('someone', 'admin'),
    maxDepth: fc.constantFrom(1, 5, 1000),
  };
  return byName[key] ?? hostileString;
}

/**
 * Inputs for a procedure with these top-level keys: an entirely hostile value, or an object whose
 * fields are each hostile, plausible or missing, sometimes with extra prototype-polluting keys.
 */
export function hostileInput(keys: string[] | null, ids: string[]): fc.Arbitrary<unknown> {
  if (!keys || keys.length === 0) return hostileValue;
  const fields = Object.fromEntries(
    keys.map((key) => [
      key,
      fc.oneof({ weight: 3, arbitrary: hostileValue }, { weight: 2, arbitrary: plausibleValue(key, ids) }),
    ]),
  );
  return fc.oneof(
    { weight: 1, arbitrary: hostileValue },
    { weight: 5, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    {
      weight: 1,
      arbitrary: fc.record(fields, { requiredKeys: [] }).map((value) => ({
        ...value,
        ...JSON.parse('{"__proto__":{"role":"admin"},"constructor":{"name":"x"}}'),
      })),
    },
  );
}
