import { TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDeps, type TestDeps } from '../testing';
import { createContextInner, type SessionUser } from './context';
import { tooManyRequests } from './errors';
import {
  adminProcedure,
  createCallerFactory,
  INTERNAL_ERROR_MESSAGE,
  moderatorProcedure,
  protectedProcedure,
  publicProcedure,
  router,
  writerProcedure,
} from './procedures';

/** A router that exercises the real procedures and formatter without depending on any domain. */
const probeRouter = router({
  echo: publicProcedure
    .input(z.object({ title: z.string().min(10), tags: z.array(z.string()).min(1) }))
    .query(({ input }) => input),
  crash: publicProcedure.query(() => {
    throw new Error('relation "users" does not exist: select password_hash from users');
  }),
  limited: publicProcedure.mutation(() => tooManyRequests(90, 'sign-in attempts')),
  whoami: protectedProcedure.query(({ ctx }) => ctx.user.username),
  write: writerProcedure.mutation(() => 'written'),
  moderate: moderatorProcedure.mutation(() => 'moderated'),
  administer: adminProcedure.mutation(() => 'administered'),
});

const makeUser = (role: SessionUser['role'], suspendedUntil: Date | null = null): SessionUser => ({
  id: 1,
  username: `${role}-user`,
  email: `${role}@example.com`,
  role,
  emailVerified: true,
  suspendedUntil,
});

describe('procedures and the error formatter', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(() => deps.close());

  const callAs = (user: SessionUser | null) =>
    createCallerFactory(probeRouter)(createContextInner({ deps, user }));

  const httpCall = async (path: string, init: RequestInit = {}) => {
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      router: probeRouter,
      req: new Request(`http://localhost/trpc/${path}`, init),
      createContext: () => createContextInner({ deps, user: null, req: { requestId: 'req-42' } }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error: { message: string; data: Record<string, unknown> } },
    };
  };

  it('answers bad input with BAD_REQUEST, naming each invalid field in a readable message', async () => {
    const input = encodeURIComponent(JSON.stringify({ title: 'short', tags: [] }));
    const { status, body } = await httpCall(`echo?input=${input}`);
    expect(status).toBe(400);
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(/^Invalid input: title: .+; tags: .+/);
    expect(body.error.data.issues).toEqual([
      { path: 'title', message: expect.any(String) },
      { path: 'tags', message: expect.any(String) },
    ]);
  });

  it('hides the message, stack and SQL of unexpected errors, keeping the request id', async () => {
    const { status, body } = await httpCall('crash');
    expect(status).toBe(500);
    expect(body.error.message).toBe(INTERNAL_ERROR_MESSAGE);
    expect(body.error.data.requestId).toBe('req-42');
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/password_hash|select|relation|stack|\.ts:/i);
  });

  it('tells a rate-limited caller when to come back', async () => {
    const { status, body } = await httpCall('limited', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(status).toBe(429);
    expect(body.error.message).toBe('Too many sign-in attempts. Try again in 2 minutes.');
    expect(body.error.data.retryAfter).toBe(90);
  });

  it('refuses anonymous callers on protected procedures with UNAUTHORIZED', async () => {
    await expect(callAs(null).whoami()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await callAs(makeUser('user')).whoami()).toBe('user-user');
  });

  it('lets suspended users read but not write, until the suspension ends', async () => {
    const suspended = makeUser('moderator', new Date(Date.now() + 60_000));
    expect(await callAs(suspended).whoami()).toBe('moderator-user');
    await expect(callAs(suspended).write()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/suspended until/),
    });
    await expect(callAs(suspended).moderate()).rejects.toBeInstanceOf(TRPCError);
    const expired = makeUser('user', new Date(Date.now() - 1000));
    expect(await callAs(expired).write()).toBe('written');
  });

  it('orders roles user < moderator < admin', async () => {
    await expect(callAs(makeUser('user')).moderate()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await callAs(makeUser('moderator')).moderate()).toBe('moderated');
    expect(await callAs(makeUser('admin')).moderate()).toBe('moderated');
    await expect(callAs(makeUser('moderator')).administer()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await callAs(makeUser('admin')).administer()).toBe('administered');
  });
});
