import { TRPCError } from '@trpc/server';

/** A high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What makes text unstorable or silently altered: NUL (PostgreSQL refuses it) and lone surrogates. */
function badText(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(text)) return 'contains invalid Unicode (an unpaired surrogate)';
  return null;
}

/**
 * Finds the first string (value or key) anywhere in `input` that PostgreSQL would refuse (NUL) or that
 * would be stored altered (unpaired UTF-16 surrogates become U+FFFD), and says where. Walks iteratively,
 * so deeply nested input cannot overflow the stack.
 */
export function findInvalidText(input: unknown): { path: string; problem: string } | null {
  const stack: { value: unknown; path: string }[] = [{ value: input, path: '' }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { value, path } = item;
    if (typeof value === 'string') {
      const problem = badText(value);
      if (problem) return { path, problem };
    } else if (Array.isArray(value)) {
      value.forEach((element, index) => {
        stack.push({ value: element, path: path ? `${path}.${index}` : String(index) });
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, element] of Object.entries(value)) {
        const keyProblem = badText(key);
        if (keyProblem) return { path: path || 'input', problem: `has a key that ${keyProblem}` };
        stack.push({ value: element, path: path ? `${path}.${key}` : key });
      }
    }
  }
  return null;
}

/** Throws BAD_REQUEST naming the field when `input` holds text that cannot be stored as written. */
export function assertStorableText(input: unknown): void {
  const found = findInvalidText(input);
  if (found) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `Invalid input: ${found.path || 'input'} ${found.problem}.`,
    });
  }
}
