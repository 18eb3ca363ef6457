import { defaultApiConfig, type SessionUser } from '@devflow/api';
import { callerFor, createTestAnswer, createTestQuestion, createTestUser } from '@devflow/api/testing';
import { TRPCError } from '@trpc/server';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DbFingerprint, dbFingerprint } from '../testing/fingerprint';
import { field, ok, register, type SignedUp } from '../testing/flows';
import { HOSTILE_STRINGS, hostileInput, nested } from '../testing/hostile';
import {
  CLIENT_ERROR_CODES,
  callHttp,
  errorCodeOf,
  type HttpAnswer,
  listProcedures,
  listSubscriptions,
  openSse,
  postRaw,
  procedureAt,
  type SseAnswer,
} from '../testing/procedures';
import { startTestServer, type TestServer } from '../testing/server';

/** Generous limits: this suite is about input handling, not rate limiting (tested elsewhere). */
const unlimited = { points: 1_000_000, durationSeconds: 60 };
const config = {
  rateLimits: {
    ...defaultApiConfig().rateLimits,
    writes: unlimited,
    register: unlimited,
    loginIp: unlimited,
    loginAccountIp: unlimited,
    otpRequest: unlimited,
  },
};

/** Runs per procedure and identity: bounded so the whole file stays well under a minute. */
const RUNS = 8;

/** Internals that must never reach a client in an error message. */
const LEAK =
  /(\bat \S+ \(|\.ts:\d+|node_modules|password_hash|relation "|syntax error at|PostgresError|drizzle)/i;

const procedures = listProcedures();

/** Who calls: nobody over HTTP, a signed-in user over HTTP (Bearer), a signed-in user in-process. */
const WHO = ['anonymous (HTTP)', 'user (HTTP)', 'user (caller)'] as const;

function expectCleanHttpError(answer: HttpAnswer, where: string) {
  const code = errorCodeOf(answer);
  expect(answer.status, `${where}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(answer.status, where).toBeGreaterThanOrEqual(400);
  expect(CLIENT_ERROR_CODES, `${where}: ${answer.text.slice(0, 300)}`).toContain(code);
  expect(answer.text).not.toMatch(LEAK);
}

function expectCleanThrown(error: unknown, where: string) {
  expect(error, where).toBeInstanceOf(TRPCError);
  if (!(error instanceof TRPCError)) return;
  expect(CLIENT_ERROR_CODES, `${where}: ${error.code} ${error.message}`).toContain(error.code);
  expect(error.message).not.toMatch(LEAK);
}

describe('hostile input at every procedure (anonymous and signed in, over HTTP and through the caller)', () => {
  let server: TestServer;
  let user: SessionUser;
  /** A Bearer token of a user signed up over HTTP, so protected procedures read their input. */
  let token: string;
  let fuzzer: SignedUp;
  let ids: string[];
  let last: DbFingerprint;

  beforeAll(async () => {
    server = await startTestServer(config);
    user = await createTestUser(server.deps);
    const other = await createTestUser(server.deps);
    const question = await createTestQuestion(server.deps, other);
    const answer = await createTestAnswer(server.deps, user, question);
    const signedUp = await register(server.url, 'fuzzer');
    fuzzer = signedUp;
    token = signedUp.token;
    ids = [String(user.id), String(other.id), String(question.id), String(answer.id), signedUp.id];
    last = await settledFingerprint();
  });
  afterAll(() => server?.stop());

  // A fuzzed call may really end the session (`auth.logout` takes no input, and `null` or `{}` is none):
  // each test starts signed in again, with the new session as the database baseline.
  beforeEach(async () => {
    const me = await callHttp(server.url, { path: 'auth.me', type: 'query' }, undefined, { token });
    if (field(me.json, 'result', 'data') !== null) return;
    const signedIn = await ok(server.url, 'auth.login', 'mutation', {
      login: fuzzer.username,
      password: fuzzer.password,
    });
    const fresh = field(signedIn, 'token');
    if (typeof fresh !== 'string') throw new Error('auth.login returned no token');
    token = fresh;
    last = await settledFingerprint();
  });

  /**
   * The database once the job queue is idle: a successful call may enqueue a mail whose delivery
   * record (`mail_deliveries`) is written later, by the mail job, and must not count against the next call.
   */
  async function settledFingerprint() {
    await server.deps.jobs.drainJobs();
    return dbFingerprint(server.deps.db);
  }

  /** Checks that a failed call changed nothing, and moves the baseline past a successful one. */
  async function checkDatabase(failed: boolean, where: string) {
    const now = await settledFingerprint();
    if (failed) expect(now, `${where} failed but changed the database`).toEqual(last);
    last = now;
  }

  it('sees the whole router', () => {
    expect(procedures.length).toBeGreaterThan(0);
    expect(procedures.map((p) => p.path)).toContain('health.check');
  });

  for (const procedure of procedures) {
    it(`${procedure.path}: random and hostile input gets a clean error and changes nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(
          hostileInput(procedure.inputKeys, ids),
          fc.constantFrom(...WHO),
          async (input, who) => {
            const where = `${procedure.path} as ${who} with ${safeJson(input)}`;
            let failed: boolean;
            if (who !== 'user (caller)') {
              const answer = await callHttp(server.url, procedure, input, {
                token: who === 'user (HTTP)' ? token : null,
              });
              failed = answer.status !== 200;
              if (failed) expectCleanHttpError(answer, where);
            } else {
              const call = procedureAt(callerFor(server.deps, user), procedure.path);
              const outcome = await call(input).then(
                () => null,
                (error: unknown) => error ?? new Error('rejected with nothing'),
              );
              failed = outcome !== null;
              if (failed) expectCleanThrown(outcome, where);
            }
            await checkDatabase(failed, where);
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  it('answers malformed JSON with BAD_REQUEST on every mutation and query, changing nothing', async () => {
    const bodies = ['{', '{"a":', 'nul', '[1,2', '\u0000', '{"x":"\\ud800"', '{"a":1}{"b":2}'];
    for (const procedure of procedures) {
      for (const rawBody of bodies) {
        const where = `${procedure.path} with ${JSON.stringify(rawBody)}`;
        const anonymous = await callHttp(server.url, procedure, undefined, { rawBody });
        const signedIn = await callHttp(server.url, procedure, undefined, { rawBody, token });
        if (procedure.inputKeys === null) {
          // Takes no input, so it may ignore the body; a refusal must still be clean.
          if (anonymous.status !== 200) expectCleanHttpError(anonymous, where);
          if (signedIn.status !== 200) expectCleanHttpError(signedIn, where);
          continue;
        }
        expectCleanHttpError(anonymous, `${where} (anonymous)`);
        // Anonymous calls to protected procedures are refused before their input is even read.
        expect(['BAD_REQUEST', 'UNAUTHORIZED'], where).toContain(errorCodeOf(anonymous));
        expectCleanHttpError(signedIn, `${where} (signed in)`);
        // Signed in, the input is read — unless the role alone already refuses the call.
        expect(['BAD_REQUEST', 'FORBIDDEN'], `${where} (signed in)`).toContain(errorCodeOf(signedIn));
      }
    }
    await checkDatabase(true, 'malformed JSON');
  });

  it('survives deeply nested JSON (100,000 levels) without a crash', async () => {
    const deepBody = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const deepObject = `${'{"a":'.repeat(40_000)}1${'}'.repeat(40_000)}`;
    for (const procedure of procedures) {
      for (const rawBody of procedure.type === 'mutation'
        ? [deepBody, deepObject]
        : [JSON.stringify(nested(1500)), JSON.stringify(nested(1000, 'object'))]) {
        for (const auth of [null, token]) {
          const answer =
            procedure.type === 'mutation'
              ? await postRaw(
                  server.url,
                  `/trpc/${procedure.path}`,
                  rawBody,
                  auth ? { authorization: `Bearer ${auth}` } : {},
                )
              : await callHttp(server.url, procedure, undefined, { rawBody, token: auth });
          const where = `${procedure.path} ${auth ? 'signed in' : 'anonymous'} with ${rawBody.length} bytes of nesting`;
          // Nested objects under unknown keys are stripped like any unknown key; anything else is refused.
          if (answer.status !== 200) expectCleanHttpError(answer, where);
          await checkDatabase(answer.status !== 200, where);
        }
      }
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses huge strings in every field with BAD_REQUEST, not a crash or a stored megabyte', async () => {
    for (const procedure of procedures) {
      if (!procedure.inputKeys || procedure.inputKeys.length === 0) continue;
      // As long as possible while the whole request stays under the 1 MiB body limit.
      const huge = 'x'.repeat(Math.floor(600_000 / procedure.inputKeys.length));
      const input = Object.fromEntries(procedure.inputKeys.map((key) => [key, huge]));
      const call = procedureAt(callerFor(server.deps, user), procedure.path);
      const error = await call(input).then(
        () => null,
        (e: unknown) => e,
      );
      expectCleanThrown(error, `${procedure.path} with huge strings`);
      if (procedure.type === 'mutation') {
        const answer = await postRaw(server.url, `/trpc/${procedure.path}`, JSON.stringify(input));
        expectCleanHttpError(answer, `${procedure.path} with huge strings over HTTP`);
      }
    }
    await checkDatabase(true, 'huge strings');
  });

  it('answers hostile strings as a whole input without a 500', async () => {
    // A sample of the list (all of it also feeds the property runs above, field by field).
    const sample = HOSTILE_STRINGS.filter((_, index) => index % 5 === 0);
    for (const procedure of procedures) {
      for (const input of sample) {
        const answer = await callHttp(server.url, procedure, input);
        if (answer.status === 200 && procedure.inputKeys === null) continue;
        expectCleanHttpError(answer, `${procedure.path} with ${JSON.stringify(input)}`);
      }
    }
    await checkDatabase(true, 'hostile strings');
  });
});

/**
 * The refusal a subscription answered: an HTTP error before the stream opened, or tRPC's
 * `serialized-error` event right after `connected` (how a refused call is reported over SSE; its
 * `data.httpStatus` is the status the same refusal has as a query). Null: the stream opened and stayed open.
 */
function sseRefusal(answer: SseAnswer): { status: number; code: string; message: string } | null {
  let error: unknown = null;
  if (!answer.connected) {
    error = typeof answer.json === 'object' && answer.json ? Reflect.get(answer.json, 'error') : null;
  } else if (answer.firstEvent?.event === 'serialized-error') error = answer.json;
  else return null;
  const data: unknown = typeof error === 'object' && error ? Reflect.get(error, 'data') : null;
  const code: unknown = typeof data === 'object' && data ? Reflect.get(data, 'code') : null;
  const httpStatus: unknown = typeof data === 'object' && data ? Reflect.get(data, 'httpStatus') : null;
  const message: unknown = typeof error === 'object' && error ? Reflect.get(error, 'message') : null;
  return {
    status: answer.connected ? (typeof httpStatus === 'number' ? httpStatus : 0) : answer.status,
    code: typeof code === 'string' ? code : `no code in ${answer.text.slice(0, 200)}`,
    message: typeof message === 'string' ? message : '',
  };
}

/** A refusal with a client code and a message a person can read, never a 500 or internals. */
function expectCleanSseRefusal(
  answer: SseAnswer,
  where: string,
  codes: readonly string[] = CLIENT_ERROR_CODES,
) {
  const refusal = sseRefusal(answer);
  expect(refusal, `${where}: the stream opened`).not.toBeNull();
  if (!refusal) return;
  expect(refusal.status, `${where}: HTTP ${refusal.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500);
  expect(refusal.status, where).toBeGreaterThanOrEqual(400);
  expect(codes, `${where}: ${answer.text.slice(0, 300)}`).toContain(refusal.code);
  expect(refusal.message.length, `${where}: no message`).toBeGreaterThan(10);
  expect(refusal.message).not.toMatch(LEAK);
  return refusal;
}

describe('hostile input at every subscription (over HTTP, as EventSource opens it)', () => {
  let server: TestServer;
  let token: string;
  let ids: string[];
  let questionId: string;
  const subscriptions = listSubscriptions();

  beforeAll(async () => {
    server = await startTestServer(config);
    const user = await createTestUser(server.deps);
    const question = await createTestQuestion(server.deps, user);
    const answer = await createTestAnswer(server.deps, user, question);
    questionId = String(question.id);
    token = (await register(server.url, 'stream_fuzzer')).token;
    ids = [String(user.id), questionId, String(answer.id)];
  });
  afterAll(() => server?.stop());

  it('sees every subscription', () => {
    expect(subscriptions.map((s) => s.path)).toEqual(['live.notifications', 'live.question']);
  });

  for (const subscription of subscriptions) {
    it(`${subscription.path}: random and hostile input opens the stream or gets a clean refusal`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileInput(subscription.inputKeys, ids), fc.boolean(), async (input, signedIn) => {
          const where = `${subscription.path} ${signedIn ? 'signed in' : 'anonymous'} with ${safeJson(input)}`;
          const answer = await openSse(server.url, subscription.path, input, {
            token: signedIn ? token : null,
          });
          // Opened and still open: the input was valid (an existing question, the caller's own channel).
          if (sseRefusal(answer) === null) return;
          expectCleanSseRefusal(answer, where);
        }),
        { numRuns: RUNS * 2 },
      );
    });
  }

  it('live.question: missing, malformed, oversized and mistyped input is BAD_REQUEST with a message, never a 500', async () => {
    const cases: { name: string; input?: unknown; rawInput?: string }[] = [
      { name: 'no input' },
      { name: 'an empty object', input: {} },
      { name: 'malformed JSON', rawInput: '{"questionId":' },
      { name: 'a 10 KB question id', input: { questionId: '1'.repeat(10_000) } },
      { name: 'a word as question id', input: { questionId: 'abc' } },
      { name: 'a negative question id', input: { questionId: '-1' } },
      { name: 'a nested object as question id', input: { questionId: { $gt: 0 } } },
      { name: 'a non-numeric lastEventId', input: { questionId, lastEventId: "1' OR '1'='1" } },
      { name: 'an oversized lastEventId', input: { questionId, lastEventId: '9'.repeat(5000) } },
    ];
    for (const c of cases) {
      for (const auth of [null, token]) {
        const where = `live.question with ${c.name} (${auth ? 'signed in' : 'anonymous'})`;
        const answer = await openSse(server.url, 'live.question', c.input, {
          token: auth,
          rawInput: c.rawInput,
        });
        const refusal = expectCleanSseRefusal(answer, where, ['BAD_REQUEST']);
        expect(refusal?.message, where).toMatch(/^(Invalid input|Malformed request)/);
      }
    }
  });

  it('live.question: a URL too long for the server is refused with a 4xx, not a crash', async () => {
    const answer = await openSse(server.url, 'live.question', { questionId: '1'.repeat(100_000) });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('live.question: a question that does not exist is NOT_FOUND, for anyone', async () => {
    for (const auth of [null, token]) {
      const answer = await openSse(server.url, 'live.question', { questionId: '987654321' }, { token: auth });
      const refusal = expectCleanSseRefusal(
        answer,
        `unknown question (${auth ? 'signed in' : 'anonymous'})`,
        ['NOT_FOUND'],
      );
      expect(refusal?.message).toMatch(/question/i);
    }
    // And an existing one opens.
    const open = await openSse(server.url, 'live.question', { questionId });
    expect(open.connected).toBe(true);
    expect(sseRefusal(open)).toBeNull();
  });

  it('live.notifications: anonymous is UNAUTHORIZED whatever the input; signed in it opens', async () => {
    for (const input of [undefined, {}, { lastEventId: '1' }, { lastEventId: 'x'.repeat(5000) }]) {
      const answer = await openSse(server.url, 'live.notifications', input);
      expectCleanSseRefusal(answer, `live.notifications anonymous with ${safeJson(input)}`, ['UNAUTHORIZED']);
    }
    const open = await openSse(server.url, 'live.notifications', {}, { token });
    expect(open.connected).toBe(true);
    expect(sseRefusal(open)).toBeNull();
  });
});

describe('request size limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.stop());

  const big = JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 1) });

  for (const path of ['/trpc/health.check', '/trpc/auth.login', '/api/auth/login', '/api/question/create']) {
    it(`refuses a body over 1 MiB at ${path} with 413`, async () => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: big,
      });
      expect(response.status).toBe(413);
      // Each surface answers with its own error body: tRPC's, or the REST mirror's documented `Error`.
      expect(await response.json()).toMatchObject(
        path.startsWith('/api/')
          ? { code: 'PAYLOAD_TOO_LARGE', data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } }
          : { error: { code: 'PAYLOAD_TOO_LARGE' } },
      );
    });
  }

  it('refuses an over-long body sent in chunks without a Content-Length, at /trpc and /api', async () => {
    for (const path of ['/trpc/auth.login', '/api/auth/login']) {
      const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 20) {
            controller.close();
            return;
          }
          sent += 1;
          controller.enqueue(chunk);
        },
      });
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      });
      expect(response.status).toBe(413);
    }
  });

  it('still accepts a body just under the limit (and answers it as a normal call)', async () => {
    const response = await fetch(`${server.url}/trpc/health.check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(1000 * 1000) }),
    });
    expect(response.status).not.toBe(413);
    expect(response.status).toBeLessThan(500);
  });
});

function safeJson(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value);
  }
}
