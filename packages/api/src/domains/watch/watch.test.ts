import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, createTestDeps, createTestUser, type TestDeps } from '../../testing';
import type { SessionUser } from '../../trpc/context';

let deps: TestDeps;
let viewer: SessionUser;
let amy: SessionUser;
let bo: SessionUser;
let cy: SessionUser;

const body = 'A body that is long enough to be a valid post.';

async function ask(author: SessionUser, title: string, tags: string[]) {
  return callerFor(deps, author).question.create({ title, body, tags });
}

async function answer(author: SessionUser, questionId: string) {
  return callerFor(deps, author).answer.create({ questionId, body: `${body} (by ${author.username})` });
}

/** Every page of the viewer's feed from `source`, as `type:id` keys, checking order and page sizes. */
async function readFeed(user: SessionUser, source: 'all' | 'people' | 'tags' | 'questions', limit: number) {
  const seen: { key: string; at: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = await callerFor(deps, user).feed.list({ cursor, limit, source });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((item) => ({ key: `${item.type}:${item.id}`, at: item.createdAt })));
    cursor = page.nextCursor;
  } while (cursor);
  const times = seen.map((item) => item.at);
  expect(times).toEqual([...times].sort().reverse());
  return seen.map((item) => item.key);
}

beforeAll(async () => {
  deps = await createTestDeps();
  viewer = await createTestUser(deps);
  amy = await createTestUser(deps);
  bo = await createTestUser(deps);
  cy = await createTestUser(deps);
});

afterAll(async () => {
  await deps.close();
});

describe('watch', () => {
  it('watches what you ask and answer, lists it, and lets you undo it', async () => {
    const mine = await ask(viewer, 'How do I watch my own question?', ['watching']);
    const theirs = await ask(amy, 'Someone else asks a question here', ['watching']);
    await answer(viewer, String(theirs.id));
    const list = await callerFor(deps, viewer).watch.list();
    expect(list.questions.map((q) => q.id).sort()).toEqual([String(mine.id), String(theirs.id)].sort());
    expect(list.questions.find((q) => q.id === String(mine.id))?.title).toBe(
      'How do I watch my own question?',
    );

    expect(await callerFor(deps, viewer).watch.unquestion({ questionId: String(theirs.id) })).toEqual({
      watching: false,
    });
    expect((await callerFor(deps, viewer).watch.list()).questions.map((q) => q.id)).toEqual([
      String(mine.id),
    ]);
    // Idempotent both ways.
    await callerFor(deps, viewer).watch.unquestion({ questionId: String(theirs.id) });
    await callerFor(deps, viewer).watch.question({ questionId: String(theirs.id) });
    await callerFor(deps, viewer).watch.question({ questionId: String(theirs.id) });
    expect((await callerFor(deps, viewer).watch.list()).questions).toHaveLength(2);
    await callerFor(deps, viewer).watch.unquestion({ questionId: String(theirs.id) });
    await callerFor(deps, viewer).watch.unquestion({ questionId: String(mine.id) });
    // Nobody else sees what the viewer watches.
    expect((await callerFor(deps, cy).watch.list()).questions).toEqual([]);
  });

  it('watches existing tags only, and refuses unknown questions and bad input', async () => {
    await expect(callerFor(deps, viewer).watch.tag({ tag: 'no-such-tag' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await callerFor(deps, viewer).watch.tag({ tag: 'Watching' })).toEqual({ watching: true });
    expect(await callerFor(deps, viewer).watch.tag({ tag: 'watching' })).toEqual({ watching: true });
    expect((await callerFor(deps, viewer).watch.list()).tags.map((t) => t.slug)).toEqual(['watching']);
    expect(await callerFor(deps, viewer).watch.untag({ tag: 'watching' })).toEqual({ watching: false });
    expect((await callerFor(deps, viewer).watch.list()).tags).toEqual([]);
    await expect(callerFor(deps, viewer).watch.question({ questionId: '999999' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(callerFor(deps, viewer).watch.tag({ tag: '<b>' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(callerFor(deps, null).watch.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(callerFor(deps, null).watch.tag({ tag: 'watching' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('feed.list sources', () => {
  it('mixes followed people, watched tags and watched questions, each post once, newest first', async () => {
    await callerFor(deps, viewer).follow.follow({ userId: String(amy.id) });
    const inTag = await ask(bo, 'A question about postgres indexes', ['postgres', 'sql']);
    await callerFor(deps, viewer).watch.tag({ tag: 'postgres' });
    await callerFor(deps, viewer).watch.tag({ tag: 'sql' });
    // Amy (followed) asks in a watched tag: reached two ways, listed once.
    const both = await ask(amy, 'Amy asks about postgres replication', ['postgres']);
    const newInTag = await ask(cy, 'Another postgres question by cy', ['postgres']);
    const otherTag = await ask(cy, 'A question in a tag nobody watches', ['rust']);
    const watched = await ask(cy, 'A question the viewer will watch', ['rust']);
    await callerFor(deps, viewer).watch.question({ questionId: String(watched.id) });
    const onWatched = await answer(bo, String(watched.id));
    const byAmyOnWatched = await answer(amy, String(watched.id));
    await answer(bo, String(otherTag.id));
    // The viewer's own posts never show in their feed, even in a watched tag.
    await ask(viewer, 'The viewer asks in a watched tag', ['postgres']);
    await answer(viewer, String(watched.id));

    const tagKeys = [newInTag, both, inTag].map((q) => `question:${q.id}`);
    expect(await readFeed(viewer, 'tags', 1)).toEqual(tagKeys);
    expect(await readFeed(viewer, 'questions', 1)).toEqual(
      [byAmyOnWatched, onWatched].map((a) => `answer:${a.id}`),
    );
    const people = await readFeed(viewer, 'people', 100);
    expect(people).toContain(`question:${both.id}`);
    expect(people).toContain(`answer:${byAmyOnWatched.id}`);
    expect(people).not.toContain(`question:${inTag.id}`);

    const all = await readFeed(viewer, 'all', 100);
    expect(new Set(all).size).toBe(all.length);
    expect(new Set(all)).toEqual(
      new Set([...people, ...tagKeys, `answer:${onWatched.id}`, `answer:${byAmyOnWatched.id}`]),
    );
    expect(await readFeed(viewer, 'all', 2)).toEqual(all);
    // The default source is all.
    expect(
      (await callerFor(deps, viewer).feed.list({ limit: 100 })).items.map((i) => `${i.type}:${i.id}`),
    ).toEqual(all);
    await expect(
      callerFor(deps, viewer).feed.list({ source: 'everything' as unknown as 'all' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('notifications of watched activity', () => {
  it('tells tag and question watchers once each, and the asker once about an answer', async () => {
    const watcher = await createTestUser(deps);
    const tagFan = await createTestUser(deps);
    const asker = await createTestUser(deps);
    const q = await ask(asker, 'Watched notifications question', ['notify-me', 'also-watched']);
    await callerFor(deps, tagFan).watch.tag({ tag: 'notify-me' });
    await callerFor(deps, tagFan).watch.tag({ tag: 'also-watched' });
    await callerFor(deps, watcher).watch.question({ questionId: String(q.id) });

    const second = await ask(asker, 'A second question in the watched tags', ['notify-me', 'also-watched']);
    const tagNews = (await callerFor(deps, tagFan).notification.list({})).items;
    expect(tagNews.map((n) => [n.type, n.questionId, n.actor.username])).toEqual([
      ['watched_tag', String(second.id), asker.username],
    ]);

    const reply = await answer(bo, String(q.id));
    const askerNews = (await callerFor(deps, asker).notification.list({})).items;
    // One answer notification (not a second one as a watcher), above the badge of their first question.
    expect(askerNews.map((n) => [n.type, n.answerId])).toEqual([
      ['answer', reply.id],
      ['badge', null],
    ]);
    const watcherNews = (await callerFor(deps, watcher).notification.list({})).items;
    expect(watcherNews.map((n) => [n.type, n.answerId, n.questionTitle])).toEqual([
      ['watched_question', reply.id, 'Watched notifications question'],
    ]);
    // The answerer now watches too, and is not told of their own answer.
    expect(
      (await callerFor(deps, bo).notification.list({})).items.filter((n) => n.questionId === String(q.id)),
    ).toEqual([]);
    await answer(cy, String(q.id));
    const boNews = (await callerFor(deps, bo).notification.list({})).items;
    expect(boNews[0]).toMatchObject({ type: 'watched_question', questionId: String(q.id) });

    // Unwatching stops them.
    await callerFor(deps, watcher).watch.unquestion({ questionId: String(q.id) });
    await answer(amy, String(q.id));
    expect((await callerFor(deps, watcher).notification.list({})).items).toHaveLength(2);
  });
});
