import { defaultApiConfig, type SessionUser } from '@devflow/api';
import { activeContentIn, callerFor, createTestUser, XSS_PAYLOADS } from '@devflow/api/testing';
import { queryRows } from '@devflow/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbFingerprint, listTables } from '../testing/fingerprint';
import { call, field } from '../testing/flows';
import { procedureAt } from '../testing/procedures';
import { startTestServer, type TestServer } from '../testing/server';

/** SQL fragments that break string-built queries. */
const SQL_FRAGMENTS = [
  "'; drop table users; --",
  "' or 1=1 --",
  '" or "1"="1',
  "') or ('1'='1",
  '1; delete from questions',
  '$$ select 1 $$',
  '$tag$ evil $tag$',
  "\\'; drop table answers; --",
  '\\',
  '%_%',
  "' union select password_hash, email from users --",
  '/* comment */ or /**/ 1=1',
  "'::text; select pg_sleep(10); --",
  ':1 :name ? $1',
];

const unlimited = { points: 1_000_000, durationSeconds: 60 };

describe('injection and XSS through the API', () => {
  let server: TestServer;
  let author: SessionUser;
  let deletedId: string;
  let tablesBefore: string[];

  const as = (user: SessionUser | null, path: string) => procedureAt(callerFor(server.deps, user), path);

  beforeAll(async () => {
    server = await startTestServer({ rateLimits: { ...defaultApiConfig().rateLimits, writes: unlimited } });
    author = await createTestUser(server.deps);
    const hidden = await as(
      author,
      'question.create',
    )({
      title: 'Hidden topic about zebras',
      body: 'Zebras are the secret subject of this deleted question.',
      tags: ['zebras'],
    });
    deletedId = String(field(hidden, 'id'));
    await as(author, 'question.delete')({ id: deletedId });
    tablesBefore = await listTables(server.deps.db);
  });
  afterAll(() => server?.stop());

  it('stores SQL fragments in titles and bodies as plain text, byte for byte', async () => {
    for (const fragment of SQL_FRAGMENTS) {
      const title = `Question about ${fragment}`.slice(0, 200).padEnd(12, '.');
      const body = `The body quotes ${fragment} and goes on long enough.`;
      const created = await as(author, 'question.create')({ title, body, tags: ['sql'] });
      const read = await as(null, 'question.byId')({ id: String(field(created, 'id')) });
      expect(field(read, 'title')).toBe(title);
      expect(field(read, 'body')).toBe(body);
      const answer = await as(author, 'answer.create')({ questionId: String(field(created, 'id')), body });
      expect(field(answer, 'body')).toBe(body);
    }
    expect(await listTables(server.deps.db)).toEqual(tablesBefore);
  });

  it('treats SQL fragments in search and filters as words: clean answers, nothing extra, nothing deleted', async () => {
    const before = await dbFingerprint(server.deps.db);
    for (const fragment of [...SQL_FRAGMENTS, 'zebras', "zebras' or 1=1 --"]) {
      const search = await call(server.url, 'question.search', 'query', { q: fragment });
      expect(search.status, `${fragment}: ${search.message}`).toBeLessThan(500);
      const items = field(search.data, 'items');
      const ids = Array.isArray(items) ? items.map((item) => field(item, 'id')) : [];
      expect(ids, `${fragment} finds the deleted question`).not.toContain(deletedId);
      // Titles may quote "password_hash" (they were written so); emails and hashes never appear.
      expect(JSON.stringify(search.data)).not.toMatch(/\$argon2|@example\.com/);
      const list = await call(server.url, 'question.list', 'query', { sort: 'newest', tag: fragment });
      expect(list.status, `tag ${fragment}: ${list.message}`).toBeLessThan(500);
      const profile = await call(server.url, 'user.byUsername', 'query', { username: fragment });
      expect([400, 404]).toContain(profile.status);
    }
    // A tautology does not widen a search: its words match nothing here, so nothing comes back
    // (`or` is a documented web-search operator; 'a' is a stop word).
    const none = await call(server.url, 'question.search', 'query', { q: "xylophone' or 'a'='a' --" });
    expect(field(none.data, 'items')).toEqual([]);
    expect(await dbFingerprint(server.deps.db)).toEqual(before);
    const [users] = await queryRows<{ n: number }>(server.deps.db, sql`select count(*)::int as n from users`);
    expect(Number(users?.n)).toBeGreaterThan(0);
  });

  it('renders every OWASP XSS payload in questions, answers and replies to HTML that cannot run script', async () => {
    for (const [index, payload] of XSS_PAYLOADS.entries()) {
      const body = `Payload ${index} follows, padded to length.\n\n${payload}`;
      const question = await as(
        author,
        'question.create',
      )({
        title: `XSS probe number ${index}`,
        body,
        tags: ['xss'],
      });
      const id = String(field(question, 'id'));
      const answer = await as(author, 'answer.create')({ questionId: id, body });
      const reply = await as(author, 'reply.create')({ targetType: 'question', targetId: id, body });
      const read = await as(null, 'question.byId')({ id });
      expect(field(read, 'body'), 'stored as written').toBe(body);
      for (const [what, html] of [
        ['question', field(read, 'bodyHtml')],
        ['answer', field(answer, 'bodyHtml')],
        ['reply', field(reply, 'bodyHtml')],
      ] as const) {
        if (html === undefined) continue;
        expect(typeof html, `${what} has bodyHtml`).toBe('string');
        expect(activeContentIn(String(html)), `${what} for ${payload}`).toBeNull();
      }
      expect(typeof field(read, 'bodyHtml')).toBe('string');
    }
  });

  it('keeps payloads out of titles, usernames and profile fields as markup (they are text)', async () => {
    const title = '<img src=x onerror=alert(1)> in a title';
    const created = await as(
      author,
      'question.create',
    )({ title, body: 'A body long enough to be valid here.', tags: ['xss'] });
    expect(field(created, 'title')).toBe(title);
    const profile = await as(author, 'user.updateProfile')({ bio: '<script>alert(1)</script> **bold**' });
    const html = field(profile, 'bioHtml');
    if (typeof html === 'string') expect(activeContentIn(html)).toBeNull();
    const badAvatar = await as(
      author,
      'user.updateProfile',
    )({ avatarUrl: 'javascript:alert(1)' }).then(
      () => 'accepted',
      (error: { code?: string }) => error.code,
    );
    expect(badAvatar).toBe('BAD_REQUEST');
  });
});
