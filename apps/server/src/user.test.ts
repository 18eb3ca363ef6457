import { createSession, type SessionUser } from '@devflow/api';
import { createTestAnswer, createTestQuestion, createTestUser } from '@devflow/api/testing';
import { follows, questions, users } from '@devflow/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, testClient } from './testing/auth-client';
import { startTestServer, type TestServer } from './testing/server';

const DAY = 24 * 60 * 60 * 1000;

describe('profiles, roles and suspensions over HTTP', () => {
  let server: TestServer;
  let admin: SessionUser;
  let moderator: SessionUser;
  let member: SessionUser;
  const tokens = new Map<number, string>();

  const as = async (user: SessionUser) => {
    let token = tokens.get(user.id);
    if (!token) {
      token = (await createSession(server.deps, { userId: user.id, ip: null, userAgent: null })).token;
      tokens.set(user.id, token);
    }
    return testClient(server.url, { token });
  };
  const anonymous = () => testClient(server.url);
  const roleOf = async (id: number) =>
    (await server.deps.db.select({ role: users.role }).from(users).where(eq(users.id, id)))[0]?.role;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await createTestUser(server.deps, { role: 'admin' });
    moderator = await createTestUser(server.deps, { role: 'moderator' });
    member = await createTestUser(server.deps);
  });
  afterAll(() => server.stop());

  it('shows a profile with counts and reputation, by username in any case', async () => {
    const author = await createTestUser(server.deps, { username: 'profiled' });
    const question = await createTestQuestion(server.deps, author);
    await createTestQuestion(server.deps, author, { deletedAt: new Date() });
    await createTestAnswer(server.deps, author, question);
    await server.deps.db
      .update(questions)
      .set({ likes: 2, dislikes: 1 })
      .where(eq(questions.id, question.id));
    await server.deps.db.insert(follows).values([
      { followerId: member.id, followeeId: author.id },
      { followerId: moderator.id, followeeId: author.id },
      { followerId: author.id, followeeId: admin.id },
    ]);
    const profile = await anonymous().user.byUsername.query({ username: 'PROFILED' });
    expect(profile).toMatchObject({
      id: String(author.id),
      username: 'profiled',
      role: 'user',
      followers: 2,
      following: 1,
      questions: 1,
      answers: 1,
      reputation: 18, // 2 likes × 10 − 1 dislike × 2
      suspendedUntil: null,
      bio: '',
      bioHtml: '',
    });
    expect((await failure(anonymous().user.byUsername.query({ username: 'no-such-user' }))).data?.code).toBe(
      'NOT_FOUND',
    );
  });

  it('edits your own profile, rendering the bio as sanitized HTML', async () => {
    const client = await as(member);
    const profile = await client.user.updateProfile.mutate({
      displayName: '  Member One ',
      bio: 'I like **types**.\n\n<script>alert(1)</script><img src=x onerror=alert(1)>',
      avatarUrl: 'https://images.example.com/me.png',
    });
    expect(profile.displayName).toBe('Member One');
    expect(profile.bioHtml).toContain('<strong>types</strong>');
    expect(profile.bioHtml).not.toMatch(/<script|onerror/);
    expect(profile.avatarUrl).toBe('https://images.example.com/me.png');
    const cleared = await client.user.updateProfile.mutate({ displayName: '', avatarUrl: null });
    expect(cleared).toMatchObject({ displayName: null, avatarUrl: null, bio: profile.bio });
    expect((await failure(anonymous().user.updateProfile.mutate({ displayName: 'x' }))).data?.code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('refuses invalid profile edits with BAD_REQUEST and keeps the profile', async () => {
    const client = await as(member);
    await client.user.updateProfile.mutate({ displayName: 'Kept', bio: 'kept bio' });
    const bad = [
      { displayName: 'x'.repeat(81) },
      { bio: 'x'.repeat(2001) },
      { avatarUrl: 'http://insecure.example.com/a.png' },
      { avatarUrl: 'javascript:alert(1)' },
      {},
    ];
    for (const input of bad) {
      expect((await failure(client.user.updateProfile.mutate(input))).data?.code).toBe('BAD_REQUEST');
    }
    expect(await anonymous().user.byUsername.query({ username: member.username })).toMatchObject({
      displayName: 'Kept',
      bio: 'kept bio',
    });
  });

  it('refuses display names with invisible or bidi characters over /trpc and /api, with a sentence', async () => {
    const client = await as(member);
    await client.user.updateProfile.mutate({ displayName: 'Honest Name' });
    const token = tokens.get(member.id) ?? '';
    for (const displayName of ['Alice \u202EnimdA\u202C', 'Ad\u200Bmin', 'x\u2066y\u2069', 'bell\u0007']) {
      const refused = await failure(client.user.updateProfile.mutate({ displayName }));
      expect(refused.data?.code).toBe('BAD_REQUEST');
      expect(refused.message).toMatch(
        /^Invalid input: displayName: must not contain invisible or control characters such as U\+[0-9A-F]{4}/,
      );
      const rest = await fetch(`${server.url}/api/user/update-profile`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ displayName }),
      });
      expect(rest.status).toBe(400);
      expect(await rest.text()).toContain('must not contain invisible or control characters');
    }
    expect((await anonymous().user.byUsername.query({ username: member.username })).displayName).toBe(
      'Honest Name',
    );
  });

  it('lets only admins change roles, never their own', async () => {
    const target = await createTestUser(server.deps);
    for (const actor of [member, moderator]) {
      const refused = await failure(
        (await as(actor)).user.setRole.mutate({ userId: String(target.id), role: 'moderator' }),
      );
      expect(refused.data?.code).toBe('FORBIDDEN');
    }
    expect(await roleOf(target.id)).toBe('user');
    const self = await failure(
      (await as(admin)).user.setRole.mutate({ userId: String(admin.id), role: 'user' }),
    );
    expect(self.data?.code).toBe('FORBIDDEN');
    expect(await roleOf(admin.id)).toBe('admin');

    // The target's session sees the new role at its next request, cache or not.
    const targetClient = await as(target);
    expect((await targetClient.auth.me.query())?.role).toBe('user');
    expect((await failure(targetClient.user.list.query({}))).data?.code).toBe('FORBIDDEN');
    const promoted = await (await as(admin)).user.setRole.mutate({
      userId: String(target.id),
      role: 'moderator',
    });
    expect(promoted.role).toBe('moderator');
    expect((await targetClient.user.list.query({})).items.length).toBeGreaterThan(0);

    expect(
      (await failure((await as(admin)).user.setRole.mutate({ userId: '999999', role: 'user' }))).data?.code,
    ).toBe('NOT_FOUND');
    // An unknown role, sent the way any HTTP client could: BAD_REQUEST, nothing changed.
    const raw = await fetch(`${server.url}/trpc/user.setRole?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(admin.id)}` },
      body: JSON.stringify({ 0: { userId: String(target.id), role: 'owner' } }),
    });
    expect(raw.status).toBe(400);
    expect(await roleOf(target.id)).toBe('moderator');
  });

  it('lets moderators suspend and unsuspend users, and admins anyone but themselves', async () => {
    const target = await createTestUser(server.deps);
    const targetClient = await as(target);
    await targetClient.user.updateProfile.mutate({ displayName: 'Before' }); // cached session, can write

    const refused = await failure((await as(member)).user.suspend.mutate({ userId: String(target.id) }));
    expect(refused.data?.code).toBe('FORBIDDEN');

    const suspended = await (await as(moderator)).user.suspend.mutate({ userId: String(target.id) });
    const until = Date.parse(suspended.suspendedUntil ?? '');
    expect(until).toBeGreaterThan(Date.now() + 6.9 * DAY);
    expect(until).toBeLessThan(Date.now() + 7.1 * DAY);
    // At the very next request the suspended user can read but not write.
    expect((await targetClient.auth.me.query())?.suspendedUntil).toBe(suspended.suspendedUntil);
    const write = await failure(targetClient.user.updateProfile.mutate({ displayName: 'After' }));
    expect(write.data?.code).toBe('FORBIDDEN');
    expect(write.message).toMatch(/suspended until/);

    expect(
      (await failure((await as(member)).user.unsuspend.mutate({ userId: String(target.id) }))).data?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await (await as(moderator)).user.unsuspend.mutate({ userId: String(target.id) })).suspendedUntil,
    ).toBeNull();
    expect((await targetClient.user.updateProfile.mutate({ displayName: 'After' })).displayName).toBe(
      'After',
    );

    // Moderators cannot suspend moderators or admins; admins can suspend moderators; nobody themselves.
    const otherModerator = await createTestUser(server.deps, { role: 'moderator' });
    for (const victim of [otherModerator, admin]) {
      const error = await failure((await as(moderator)).user.suspend.mutate({ userId: String(victim.id) }));
      expect(error.data?.code).toBe('FORBIDDEN');
    }
    expect(
      (await failure((await as(moderator)).user.suspend.mutate({ userId: String(moderator.id) }))).data?.code,
    ).toBe('FORBIDDEN');
    expect(
      (await failure((await as(admin)).user.suspend.mutate({ userId: String(admin.id) }))).data?.code,
    ).toBe('FORBIDDEN');
    const until2 = new Date(Date.now() + 2 * DAY).toISOString();
    const byAdmin = await (await as(admin)).user.suspend.mutate({
      userId: String(otherModerator.id),
      until: until2,
    });
    expect(byAdmin.suspendedUntil).toBe(until2);
    // A suspended moderator cannot moderate.
    const suspendedModerator = await as(otherModerator);
    expect(
      (await failure(suspendedModerator.user.suspend.mutate({ userId: String(member.id) }))).data?.code,
    ).toBe('FORBIDDEN');
  });

  it('refuses suspensions that end in the past or are not dates, changing nothing', async () => {
    const target = await createTestUser(server.deps);
    const client = await as(moderator);
    for (const until of [new Date(Date.now() - DAY).toISOString(), 'next tuesday']) {
      expect(
        (await failure(client.user.suspend.mutate({ userId: String(target.id), until }))).data?.code,
      ).toBe('BAD_REQUEST');
    }
    expect((await failure(client.user.suspend.mutate({ userId: 'abc' }))).data?.code).toBe('BAD_REQUEST');
    expect(
      (await anonymous().user.byUsername.query({ username: target.username })).suspendedUntil,
    ).toBeNull();
  });

  it('lists accounts for moderators only, page by page and by search', async () => {
    for (const actor of [member]) {
      expect((await failure((await as(actor)).user.list.query({}))).data?.code).toBe('FORBIDDEN');
    }
    expect((await failure(anonymous().user.list.query({}))).data?.code).toBe('UNAUTHORIZED');
    await createTestUser(server.deps, { username: 'findme_1' });
    await createTestUser(server.deps, { username: 'findme_2' });
    const client = await as(moderator);
    const found = await client.user.list.query({ q: 'FINDME' });
    expect(found.items.map((item) => item.username)).toEqual(['findme_2', 'findme_1']);
    expect(found.items[0]).toMatchObject({ role: 'user', suspendedUntil: null, displayName: null });
    expect(await client.user.list.query({ q: 'findme%' })).toEqual({ items: [], nextCursor: null });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await (
        await as(admin)
      ).user.list.query({
        limit: 3,
        cursor,
      });
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    const total = (await server.deps.db.select({ id: users.id }).from(users)).length;
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect((await failure(client.user.list.query({ cursor: 'forged' }))).data?.code).toBe('BAD_REQUEST');
  });
});
