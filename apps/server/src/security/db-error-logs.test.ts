import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@devflow/api';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { createLogger } from '../logger';
import { codeFromOutbox } from '../testing/auth-client';
import { startTestServer, type TestServer } from '../testing/server';

/**
 * A database fault on every write: a statement-level trigger on each table raises the error a statement
 * timeout raises (SQLSTATE 57014, "canceling statement due to statement timeout"), as in the incident
 * where `auth.register` logged the argon2id hash and the email. It is a real PostgreSQL error, from
 * PGlite and from PostgreSQL alike, wrapped by Drizzle with the statement and its parameters.
 */
const FAULT = [
  sql`create function devflow_fault() returns trigger language plpgsql as $$
      begin
        raise exception 'canceling statement due to statement timeout' using errcode = '57014';
      end $$`,
  sql`do $$
      declare t record;
      begin
        for t in select tablename from pg_tables where schemaname = 'public' loop
          execute format('create trigger devflow_fault before insert or update or delete on %I '
            || 'for each statement execute function devflow_fault()', t.tablename);
        end loop;
      end $$`,
];

/** A marker no log line could contain by chance. */
const marker = (what: string) => `${what}${randomBytes(5).toString('hex')}`;

type LogLine = Record<string, unknown>;

describe('a failed query never puts its parameters in the log', () => {
  const lines: string[] = [];
  let server: TestServer;
  let outbox = '';
  const userAgent = marker('agent');
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${server.url}/trpc`,
          maxItems: 1,
          headers: () => ({
            'user-agent': userAgent,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          }),
        }),
      ],
    });

  beforeAll(async () => {
    outbox = join(mkdtempSync(join(tmpdir(), 'devflow-dblog-')), 'outbox.jsonl');
    const log = createLogger('trace', { write: (line: string) => void lines.push(line) });
    server = await startTestServer({ mailOutbox: outbox }, '/nonexistent', { log });
  });
  afterAll(() => server.stop());

  it('logs the SQL and the PostgreSQL code of each failed write, never the values', async () => {
    const password = marker('Password-');
    const alice = { email: `${marker('alice')}@example.com`, username: marker('alice_'), password };
    const signedUp = await client().auth.register.mutate(alice);
    const bob = await client().auth.register.mutate({
      email: `${marker('bob')}@example.com`,
      username: marker('bob_'),
      password,
    });
    const token = signedUp.token;
    const me = client(token);
    const question = await me.question.create.mutate({
      title: 'A question that exists before the fault',
      body: 'Its body is long enough to be a valid question body.',
      tags: ['logs'],
    });
    const answer = await me.answer.create.mutate({
      questionId: question.id,
      body: 'An answer that exists before the fault, long enough.',
    });
    const reply = await me.reply.create.mutate({
      targetType: 'question',
      targetId: question.id,
      body: 'A reply that exists before the fault.',
    });
    await client().auth.requestPasswordReset.mutate({ email: alice.email });
    const resetCode = await codeFromOutbox(outbox, alice.email);
    await me.auth.requestEmailVerification.mutate();
    const verifyCode = await codeFromOutbox(outbox, alice.email, 1);

    for (const statement of FAULT) await server.deps.db.execute(statement);
    lines.length = 0;

    const inputs = {
      email: `${marker('newcomer')}@example.com`,
      username: marker('newcomer_'),
      title: marker('Title of a question '),
      questionBody: marker('Body of a question that is long enough '),
      answerBody: marker('Body of an answer, long enough '),
      replyBody: marker('Body of a reply '),
      displayName: marker('Name '),
      bio: marker('Bio '),
      newPassword: marker('New-password-'),
      editedBody: marker('Edited body, long enough to be valid '),
    };
    const writes: [string, () => Promise<unknown>][] = [
      [
        'auth.register',
        () => client().auth.register.mutate({ email: inputs.email, username: inputs.username, password }),
      ],
      ['auth.login', () => client().auth.login.mutate({ login: alice.email, password })],
      [
        'question.create',
        () => me.question.create.mutate({ title: inputs.title, body: inputs.questionBody, tags: ['logs'] }),
      ],
      ['question.update', () => me.question.update.mutate({ id: question.id, body: inputs.editedBody })],
      ['answer.create', () => me.answer.create.mutate({ questionId: question.id, body: inputs.answerBody })],
      ['answer.update', () => me.answer.update.mutate({ id: answer.id, body: inputs.editedBody })],
      [
        'reply.create',
        () =>
          me.reply.create.mutate({ targetType: 'question', targetId: question.id, body: inputs.replyBody }),
      ],
      ['reply.update', () => me.reply.update.mutate({ id: reply.id, body: inputs.editedBody })],
      [
        'reaction.set',
        () =>
          client(bob.token).reaction.set.mutate({
            targetType: 'question',
            targetId: question.id,
            value: 'like',
          }),
      ],
      ['follow.follow', () => me.follow.follow.mutate({ userId: bob.user.id })],
      [
        'user.updateProfile',
        () => me.user.updateProfile.mutate({ displayName: inputs.displayName, bio: inputs.bio }),
      ],
      ['auth.verifyEmail', () => me.auth.verifyEmail.mutate({ code: verifyCode })],
      [
        'auth.resetPassword',
        () =>
          client().auth.resetPassword.mutate({
            email: alice.email,
            code: resetCode,
            newPassword: inputs.newPassword,
          }),
      ],
      ['auth.logoutAll', () => me.auth.logoutAll.mutate()],
    ];
    const answers: string[] = [];
    for (const [path, write] of writes) {
      const error = await write().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, path).toBeInstanceOf(TRPCClientError);
      const status = (error as TRPCClientError<AppRouter>).data?.httpStatus;
      expect([500, 503], `${path} answered ${status}`).toContain(status);
      answers.push(
        JSON.stringify({
          message: (error as Error).message,
          data: (error as TRPCClientError<AppRouter>).data,
        }),
      );
    }

    const log = lines.join('');
    // None of the inputs, nor a password hash, nor Drizzle's parameter list.
    const secrets = [
      ...Object.values(inputs),
      alice.email,
      password,
      userAgent,
      '$argon2id$',
      resetCode,
      verifyCode,
    ];
    for (const secret of secrets) {
      expect(log, `the log contains ${secret}`).not.toContain(secret);
      expect(answers.join('\n'), `an answer contains ${secret}`).not.toContain(secret);
    }
    expect(log).not.toMatch(/params:|"params"|"parameters"/);

    // Each failed write left one line that says what failed: its SQL text and the SQLSTATE.
    const failures = lines
      .map((line) => JSON.parse(line) as LogLine)
      .filter((line) => line.msg === 'procedure failed' || line.msg === 'database unavailable');
    expect(failures.map((line) => line.path)).toEqual(writes.map(([path]) => path));
    for (const line of failures) {
      const text = JSON.stringify(line.err);
      expect(text, String(line.path)).toMatch(/"sql":"(insert into|update|delete from|with) /i);
      expect(text, String(line.path)).toContain('"errorCode":"57014"');
    }
  });

  it('keeps values out however an error is logged, and for errors no route handled', async () => {
    const db = server.deps.db;
    const failureOf = (promise: Promise<unknown>) =>
      promise.then(
        () => {
          throw new Error('expected the query to fail');
        },
        (error: unknown) => error,
      );
    // PostgreSQL's own text quotes values here: the cast's message, the unique violation's detail.
    const notANumber = marker('not-a-number-');
    const castError = await failureOf(db.execute(sql`select ${notANumber}::int as n`));
    const taken = `${marker('taken')}@example.com`;
    await db.execute(sql`create table leak_probe (email text primary key)`);
    await db.execute(sql`insert into leak_probe (email) values (${taken})`);
    const duplicate = await failureOf(db.execute(sql`insert into leak_probe (email) values (${taken})`));

    const wrapped = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: castError });
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    lines.length = 0;
    log.error({ err: castError }, 'with a message');
    log.error({ err: duplicate });
    log.error(castError);
    log.warn({ error: duplicate, requestId: 'r1' }, 'under another key');
    log.error({ err: wrapped }, 'wrapped by tRPC');
    log.info({ cause: wrapped }, 'wrapped, under another key');

    const app = createApp({ deps: { ...server.deps, log }, log, trustProxy: 0, webDir: '/nonexistent' });
    app.get('/boom', async () => {
      await db.execute(sql`select ${notANumber}::int as n`);
      return new Response('unreachable');
    });
    const response = await app.request('/boom');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: {
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Something went wrong on our side. Please try again.',
      },
    });

    const written = lines.join('');
    expect(written).not.toContain(notANumber);
    expect(written).not.toContain(taken);
    expect(written).not.toMatch(/params:|"params"|"parameters"|Failed query/);
    const parsed = lines.map((line) => JSON.parse(line) as LogLine).filter((line) => line.msg !== 'request');
    expect(parsed.map((line) => line.msg)).toEqual([
      'with a message',
      'DrizzleQueryError',
      'DrizzleQueryError',
      'under another key',
      'wrapped by tRPC',
      'wrapped, under another key',
      'request failed',
    ]);
    const codes = parsed.map((line) => JSON.stringify(line).match(/"errorCode":"([0-9A-Z]{5})"/)?.[1]);
    expect(codes).toEqual(['22P02', '23505', '22P02', '23505', '22P02', '22P02', '22P02']);
    for (const line of parsed) expect(JSON.stringify(line)).toMatch(/"sql":"(select|insert into) /);
  });
});
