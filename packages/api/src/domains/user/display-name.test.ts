import { cleanDisplayName, DISPLAY_NAME_MAX_LENGTH, updateProfileInput } from '@devflow/contract';
import { users } from '@devflow/db';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultApiConfig } from '../../config';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';
import type { ProviderIdentity } from '../oauth/providers';
import { signInWithIdentity } from '../oauth/service';

let deps: TestDeps;
let member: SessionUser;

beforeAll(async () => {
  deps = await createTestDeps({
    rateLimits: {
      ...defaultApiConfig().rateLimits,
      writes: { points: 100_000, durationSeconds: 60 },
    },
  });
  member = await createTestUser(deps);
});
afterAll(() => deps?.close());

const hex = (char: string) => `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Characters that make one name read as another's: bidi overrides, embeddings and isolates, zero-width
 * characters, other format characters (Cf), controls (Cc), line separators, Hangul fillers.
 */
const HIDDEN = [
  ...'\u202A\u202B\u202C\u202D\u202E',
  ...'\u2066\u2067\u2068\u2069',
  ...'\u200B\u200C\u200D\u200E\u200F',
  ...'\u2060\u2061\u2062\u2063\u2064',
  '\uFEFF',
  '\u00AD',
  '\u061C',
  '\u180E',
  '\u{E0001}',
  '\u{E0041}',
  '\u0001',
  '\u0007',
  '\u001B',
  '\u007F',
  '\u0085',
  '\u009B',
  '\t',
  '\n',
  '\r',
  '\u2028',
  '\u2029',
  '\u3164',
  '\u115F',
];

/** Any code point (lone surrogates included), with the hidden characters and spaces made frequent. */
const anyCharacter = fc.oneof(
  fc.constantFrom(...HIDDEN, ' ', '\u00A0'),
  fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code)),
);

const profileOf = async (user: SessionUser) => callerFor(deps).user.byUsername({ username: user.username });

async function refusal(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe('display names', () => {
  it('refuses every invisible or control character inside a name, naming it, and keeps the old name', async () => {
    const caller = callerFor(deps, member);
    await caller.user.updateProfile({ displayName: 'Alice Admin' });
    for (const char of HIDDEN) {
      for (const name of [`Ali${char}ce`, `Alice ${char}nimdA`]) {
        const error = await refusal(caller.user.updateProfile({ displayName: name }));
        expect(error.code, `${hex(char)} in ${JSON.stringify(name)}`).toBe('BAD_REQUEST');
        expect(error.message).toContain('must not contain invisible or control characters');
        expect(error.message).toContain(hex(char));
      }
    }
    expect((await profileOf(member)).displayName).toBe('Alice Admin');
  });

  it('refuses the impersonation of the report: a right-to-left override that reverses the text', async () => {
    const caller = callerFor(deps, member);
    // Renders as "Alice Admin" in a browser: the override reverses "nimdA".
    const error = await refusal(caller.user.updateProfile({ displayName: 'Alice \u202EnimdA\u202C' }));
    expect(error).toMatchObject({ code: 'BAD_REQUEST' });
    expect(error.message).toContain('U+202E');
  });

  it('accepts names in any script, with emoji, trimmed', async () => {
    const caller = callerFor(deps, member);
    for (const [name, stored] of [
      ['  Zoë Ångström  ', 'Zoë Ångström'],
      ['李小龙', '李小龙'],
      ['Дмитрий Петров', 'Дмитрий Петров'],
      ['محمد علي', 'محمد علي'],
      ['Ana ❤️ 🙂', 'Ana ❤️ 🙂'],
      ['e\u0301clair', 'e\u0301clair'],
      ['\u00A0Nbsp trimmed\u3000', 'Nbsp trimmed'],
      // Whitespace at either end is trimmed, the invisible kinds too (U+FEFF, line breaks).
      ['\uFEFF\t Trimmed \n\u2028', 'Trimmed'],
      ['😀'.repeat(DISPLAY_NAME_MAX_LENGTH), '😀'.repeat(DISPLAY_NAME_MAX_LENGTH)],
    ]) {
      const profile = await caller.user.updateProfile({ displayName: name });
      expect(profile.displayName).toBe(stored);
    }
    const tooLong = await refusal(
      caller.user.updateProfile({ displayName: 'x'.repeat(DISPLAY_NAME_MAX_LENGTH + 1) }),
    );
    expect(tooLong.code).toBe('BAD_REQUEST');
  });

  it('never stores a hidden character, whatever the name (property)', async () => {
    const caller = callerFor(deps, member);
    const name = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc
        .tuple(
          fc.string({ unit: 'grapheme-ascii', maxLength: 10 }),
          fc.constantFrom(...HIDDEN),
          fc.string({ maxLength: 10 }),
        )
        .map(([before, hidden, after]) => `${before}${hidden}${after}`),
    );
    await fc.assert(
      fc.asyncProperty(name, async (value) => {
        const outcome = await caller.user.updateProfile({ displayName: value }).then(
          (profile) => ({ profile }),
          (error: unknown) => ({ error }),
        );
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(TRPCError);
          expect(outcome.error).toMatchObject({ code: 'BAD_REQUEST' });
          return;
        }
        const stored = outcome.profile.displayName ?? '';
        expect([...stored].some((char) => HIDDEN.includes(char) || /[\p{Cc}\p{Cf}]/u.test(char))).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('strips them from a name an OAuth provider gives, instead of failing the sign-in', async () => {
    const identity = (name: string | null): ProviderIdentity => ({
      provider: 'github',
      providerUserId: String(Math.floor(Math.random() * 1e9)),
      email: null,
      emailVerified: false,
      login: `person${Math.floor(Math.random() * 1e6)}`,
      name,
      avatarUrl: null,
    });
    const cases: [string | null, string | null][] = [
      ['Alice \u202EnimdA\u202C', 'Alice nimdA'],
      ['\u200B\u200BBob\u2066\u2069  ', 'Bob'],
      ['\u202E\u200B\uFEFF', null],
      [`${'y'.repeat(DISPLAY_NAME_MAX_LENGTH)}zzz`, 'y'.repeat(DISPLAY_NAME_MAX_LENGTH)],
      ['Line\nbreak', 'Line break'],
      [null, null],
    ];
    for (const [name, expected] of cases) {
      const { userId, created } = await signInWithIdentity(deps, identity(name));
      expect(created).toBe(true);
      const [row] = await deps.db.select().from(users).where(eq(users.id, userId));
      const page = await callerFor(deps).user.byUsername({ username: row?.username ?? '' });
      expect(page.displayName, JSON.stringify(name)).toBe(expected);
    }
  });

  it('cleanDisplayName keeps only what updateProfile accepts, unchanged (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyCharacter, maxLength: 120 }), (raw) => {
        const cleaned = cleanDisplayName(raw);
        if (cleaned === null) return;
        expect(updateProfileInput.parse({ displayName: cleaned }).displayName).toBe(cleaned);
      }),
      { numRuns: 200 },
    );
  });
});
