import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDeps, type TestDeps } from '../testing';
import { createContextInner } from './context';
import { findInvalidText } from './input-guard';
import { createCallerFactory, publicProcedure, router } from './procedures';

describe('text that cannot be stored as written is refused at the edge', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(() => deps?.close());

  it('finds NUL characters and unpaired surrogates anywhere, and says where', () => {
    expect(findInvalidText({ title: 'ok', body: 'a\u0000b' })).toEqual({
      path: 'body',
      problem: 'contains a NUL character',
    });
    expect(findInvalidText({ tags: ['fine', 'x\uD800'] })?.path).toBe('tags.1');
    expect(findInvalidText({ a: { b: '\uDC00 alone' } })?.path).toBe('a.b');
    expect(findInvalidText({ 'k\u0000': 1 })?.problem).toMatch(/key/);
    expect(findInvalidText('\uD83D')?.path).toBe('');
  });

  it('accepts every well-formed string, emoji and all', () => {
    expect(
      findInvalidText({ title: '👩‍👩‍👧‍👦 naïve — 中文 \uD83D\uDE00', n: 1, x: null, list: [true] }),
    ).toBeNull();
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => findInvalidText({ text }) === null));
  });

  it('walks very deep input without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findInvalidText(deep)?.problem).toBe('contains a NUL character');
  });

  it('turns such input into BAD_REQUEST before any procedure runs', async () => {
    let ran = false;
    const probe = router({
      echo: publicProcedure.input(z.object({ q: z.string() })).query(({ input }) => {
        ran = true;
        return input.q;
      }),
    });
    const caller = createCallerFactory(probe)(createContextInner({ deps, user: null }));
    await expect(caller.echo({ q: 'nul\u0000' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.echo({ q: 'half \uD800' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(ran).toBe(false);
    expect(await caller.echo({ q: 'fine 🙂' })).toBe('fine 🙂');
  });
});
