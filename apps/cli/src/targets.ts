import { usage } from './exit-codes';

/** A post id as the API takes it: digits only. */
export function parseId(value: string, what = 'id'): string {
  const id = value.replace(/^#/, '');
  if (!/^[1-9]\d{0,17}$/.test(id)) throw usage(`${what} must be a number like 42 (got "${value}").`);
  return id;
}

const prefixes: Record<string, string> = { q: 'question', a: 'answer', r: 'reply' };

/** A post a command acts on. */
export type PostTarget = { type: 'question' | 'answer' | 'reply'; id: string };

/**
 * Reads a post from `question 12` / `answer 5` / `reply 7`, or the short forms `Q12` / `A5` / `R7`
 * (the ids `show` and `list` print).
 */
export function parseTarget(
  kind: string,
  id: string | undefined,
  allowed: readonly PostTarget['type'][],
): PostTarget {
  const short = /^([qar])#?(\d+)$/i.exec(kind);
  let type: string;
  let rawId: string | undefined;
  if (short?.[1] && short[2] && id === undefined) {
    type = prefixes[short[1].toLowerCase()] ?? '';
    rawId = short[2];
  } else {
    type = kind.toLowerCase();
    rawId = id;
  }
  const match = allowed.find((candidate) => candidate === type);
  if (!match)
    throw usage(
      `Expected ${allowed.join(', ')} (or ${allowed.map((t) => `${t[0]?.toUpperCase()}12`).join('/')}), got "${kind}".`,
    );
  if (rawId === undefined) throw usage(`Missing the ${match} id.`);
  return { type: match, id: parseId(rawId, `${match} id`) };
}
