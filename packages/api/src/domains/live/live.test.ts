import { LIVE_LIMITS, type LiveNotificationEvent, type LiveQuestionEvent } from '@devflow/contract';
import { writeSiteSettings } from '@devflow/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaller } from '../../root';
import { callerFor, createTestDeps, createTestQuestion, createTestUser, type TestDeps } from '../../testing';
import { createContextInner, type SessionUser } from '../../trpc/context';
import { liveHubFor } from './hub';

/** Reads a subscription's tracked events in the background; `until` waits for a condition with a deadline. */
function collect<Event>(iterable: AsyncIterable<unknown>) {
  const events: { id: string; event: Event }[] = [];
  let failure: unknown = null;
  const done = (async () => {
    try {
      for await (const item of iterable) {
        const [id, event] = item as [string, Event];
        events.push({ id, event });
      }
    } catch (error) {
      failure = error;
    }
  })();
  return {
    events,
    done,
    async until(check: (events: { id: string; event: Event }[]) => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!check(events)) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`timed out with ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/** A caller whose subscriptions end when `signal` aborts (tRPC takes the signal per caller). */
function watcher(deps: TestDeps, signal?: AbortSignal, user: SessionUser | null = null) {
  return createCaller(createContextInner({ deps, user }), { signal });
}

/** Waits (with a deadline) until this process's hub holds `count` open streams. */
async function listening(deps: TestDeps, count: number) {
  const deadline = Date.now() + 5000;
  while (liveHubFor(deps).open < count) {
    if (Date.now() > deadline) throw new Error(`only ${liveHubFor(deps).open} of ${count} streams attached`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits (with a deadline) until every stream of earlier tests has closed. */
async function waitClosed(deps: TestDeps) {
  const deadline = Date.now() + 5000;
  while (liveHubFor(deps).open > 0) {
    if (Date.now() > deadline) throw new Error(`${liveHubFor(deps).open} streams still open`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const answerBody = (n: number) => `Answer number ${n}, long enough to be an answer.`;

describe('live.question in one process (embedded default)', () => {
  let deps: TestDeps;
  let asker: SessionUser;
  let writers: SessionUser[];
  let moderator: SessionUser;

  beforeAll(async () => {
    deps = await createTestDeps();
    asker = await createTestUser(deps);
    moderator = await createTestUser(deps, { role: 'moderator' });
    writers = [];
    for (let i = 0; i < 8; i++) writers.push(await createTestUser(deps));
  });
  afterAll(async () => {
    await liveHubFor(deps).close();
    await deps?.close();
  });

  it('delivers an answer as it is posted, with the shape question.byId shows and no viewer fields', async () => {
    const question = await createTestQuestion(deps, asker);
    const abort = new AbortController();
    const stream = collect<LiveQuestionEvent>(
      await watcher(deps, abort.signal).live.question({ questionId: String(question.id) }),
    );
    const writer = writers[0] as SessionUser;
    // The subscription attaches asynchronously: post once it is listening.
    await listening(deps, 1);
    const answer = await callerFor(deps, writer).answer.create({
      questionId: String(question.id),
      body: answerBody(1),
    });
    await stream.until((events) => events.length === 1);
    const first = stream.events[0]?.event;
    expect(first?.type).toBe('answer.created');
    if (first?.type !== 'answer.created') throw new Error('unreachable');
    const { myReaction: _mine, ...shown } = answer;
    expect(first.answer).toEqual(shown);
    expect(first.answerCount).toBe(1);
    expect(first).not.toHaveProperty('answer.myReaction');
    abort.abort();
    await stream.done;
  });

  it('starts where it stood when the call answered: what is posted before the stream is read is sent', async () => {
    await waitClosed(deps);
    const question = await createTestQuestion(deps, asker);
    const questionId = String(question.id);
    const abort = new AbortController();
    // tRPC sends the SSE `connected` event (the client's `onStarted`) once this call has answered.
    const iterable = await watcher(deps, abort.signal).live.question({ questionId });
    await callerFor(deps, writers[1] as SessionUser).answer.create({ questionId, body: answerBody(2) });
    const stream = collect<LiveQuestionEvent>(iterable);
    await stream.until((events) => events.length === 1);
    expect(stream.events[0]?.event.type).toBe('answer.created');
    abort.abort();
    await stream.done;
    await waitClosed(deps);

    // A client that leaves before its stream is read leaves nothing attached.
    const gone = new AbortController();
    await watcher(deps, gone.signal).live.question({ questionId });
    expect(liveHubFor(deps).open).toBe(1);
    gone.abort();
    await waitClosed(deps);
  });

  it('replays exactly the missed events after a reconnect, in order', async () => {
    const question = await createTestQuestion(deps, asker);
    const writer = writers[1] as SessionUser;
    const caller = callerFor(deps, writer);
    await caller.reply.create({ targetType: 'question', targetId: String(question.id), body: 'before' });
    const abort = new AbortController();
    const first = collect<LiveQuestionEvent>(
      await watcher(deps, abort.signal).live.question({ questionId: String(question.id) }),
    );
    await listening(deps, 1);
    await caller.reply.create({ targetType: 'question', targetId: String(question.id), body: 'seen' });
    await first.until((events) => events.length === 1);
    abort.abort();
    await first.done;
    const lastEventId = first.events[0]?.id;
    for (const body of ['one', 'two', 'three']) {
      await caller.reply.create({ targetType: 'question', targetId: String(question.id), body });
    }
    const again = new AbortController();
    const second = collect<LiveQuestionEvent>(
      await watcher(deps, again.signal).live.question({ questionId: String(question.id), lastEventId }),
    );
    await second.until((events) => events.length >= 3);
    await caller.reply.create({ targetType: 'question', targetId: String(question.id), body: 'after' });
    await second.until((events) => events.length >= 4);
    expect(
      second.events.map(({ event }) => (event.type === 'reply.created' ? event.reply.body : event.type)),
    ).toEqual(['one', 'two', 'three', 'after']);
    again.abort();
    await second.done;
  });

  it('never sends the content of a deleted answer, live or replayed', async () => {
    const question = await createTestQuestion(deps, asker);
    const writer = writers[2] as SessionUser;
    const secret = 'This answer will be deleted and nobody may read it later.';
    const answer = await callerFor(deps, writer).answer.create({
      questionId: String(question.id),
      body: secret,
    });
    await callerFor(deps, writer).answer.update({ id: answer.id, body: `${secret} Edited.` });
    await callerFor(deps, writer).answer.delete({ id: answer.id });
    // A moderator's later edit of the deleted answer is not broadcast either.
    await callerFor(deps, moderator).answer.update({ id: answer.id, body: `${secret} Moderated.` });
    const abort = new AbortController();
    const replay = collect<LiveQuestionEvent>(
      await watcher(deps, abort.signal).live.question({ questionId: String(question.id), lastEventId: '0' }),
    );
    await replay.until((events) => events.some(({ event }) => event.type === 'answer.deleted'));
    expect(replay.events.map(({ event }) => event.type)).toEqual(['answer.deleted']);
    expect(JSON.stringify(replay.events)).not.toContain('deleted and nobody');
    abort.abort();
    await replay.done;
  });

  it('a post hidden by flags is announced by id and its content leaves the backlog; closing and reopening are events', async () => {
    const question = await createTestQuestion(deps, asker);
    const writer = writers[3] as SessionUser;
    const spam = 'Buy cheap watches at this address, the best offer of the year!';
    const answer = await callerFor(deps, writer).answer.create({
      questionId: String(question.id),
      body: spam,
    });
    // The default flag threshold (site settings) hides the answer at the third spam flag.
    for (const flagger of [writers[4], writers[5], writers[6]] as SessionUser[]) {
      await callerFor(deps, flagger).flag.create({
        targetType: 'answer',
        targetId: answer.id,
        reason: 'spam',
      });
    }
    await callerFor(deps, moderator).question.close({ id: String(question.id), reason: 'off-topic' });
    await callerFor(deps, moderator).question.reopen({ id: String(question.id) });
    const abort = new AbortController();
    const replay = collect<LiveQuestionEvent>(
      await watcher(deps, abort.signal).live.question({ questionId: String(question.id), lastEventId: '0' }),
    );
    await replay.until((events) => events.some(({ event }) => event.type === 'question.reopened'));
    expect(replay.events.map(({ event }) => event.type)).toEqual([
      'post.hidden',
      'question.closed',
      'question.reopened',
    ]);
    const [hidden, closed] = replay.events.map(({ event }) => event);
    expect(hidden).toEqual({ type: 'post.hidden', targetType: 'answer', targetId: answer.id });
    expect(closed?.type === 'question.closed' && closed.closed.reason).toBe('off-topic');
    expect(JSON.stringify(replay.events)).not.toContain('cheap watches');
    abort.abort();
    await replay.done;
  });

  it('closing and reopening through the close-votes review queue are events too', async () => {
    const admin = await createTestUser(deps, { role: 'admin' });
    await writeSiteSettings(deps.db, {
      settings: { thresholds: { closeVotes: 0 }, closeVotesToClose: 3 },
      updatedBy: admin.id,
    });
    try {
      const questionId = String((await createTestQuestion(deps, asker)).id);
      const itemId = async () =>
        (await callerFor(deps, moderator).review.list({ queue: 'close-votes', limit: 100 })).items.find(
          (item) => item.target.id === questionId,
        )?.id ?? '0';
      // One vote of three: the question waits in the queue, and the moderator decides there.
      await callerFor(deps, writers[0] as SessionUser).question.close({
        id: questionId,
        reason: 'off-topic',
      });
      await callerFor(deps, moderator).review.resolve({ id: await itemId(), action: 'close' });
      await callerFor(deps, writers[1] as SessionUser).question.reopen({ id: questionId });
      await callerFor(deps, moderator).review.resolve({ id: await itemId(), action: 'reopen' });
      const abort = new AbortController();
      const replay = collect<LiveQuestionEvent>(
        await watcher(deps, abort.signal).live.question({ questionId, lastEventId: '0' }),
      );
      await replay.until((events) => events.some(({ event }) => event.type === 'question.reopened'));
      const [closed, reopened] = replay.events.map(({ event }) => event);
      expect(closed?.type === 'question.closed' && closed.closed.reason).toBe('off-topic');
      expect(reopened).toEqual({ type: 'question.reopened', questionId });
      abort.abort();
      await replay.done;
    } finally {
      await writeSiteSettings(deps.db, { settings: {}, updatedBy: admin.id });
    }
  });

  it('8 concurrent writers: every subscriber receives every event once and in order', async () => {
    const question = await createTestQuestion(deps, asker);
    const streams = [];
    const aborts: AbortController[] = [];
    for (let i = 0; i < 4; i++) {
      const abort = new AbortController();
      aborts.push(abort);
      streams.push(
        collect<LiveQuestionEvent>(
          await watcher(deps, abort.signal).live.question({ questionId: String(question.id) }),
        ),
      );
    }
    await listening(deps, 4);
    const perWriter = 5;
    await Promise.all(
      writers.map(async (writer, w) => {
        for (let i = 0; i < perWriter; i++) {
          await callerFor(deps, writer).reply.create({
            targetType: 'question',
            targetId: String(question.id),
            body: `w${w} r${i}`,
          });
        }
      }),
    );
    const total = writers.length * perWriter;
    for (const stream of streams) {
      await stream.until((events) => events.length >= total);
      const ids = stream.events.map(({ id }) => Number(id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(total);
      expect(stream.events).toHaveLength(total);
    }
    expect(streams[1]?.events).toEqual(streams[0]?.events);
    for (const abort of aborts) abort.abort();
  });

  it('refuses a deleted question to anonymous subscribers and resets a client from an unknown id', async () => {
    const gone = await createTestQuestion(deps, asker, { deletedAt: new Date() });
    const iterable = await watcher(deps).live.question({ questionId: String(gone.id) });
    const refused = collect(iterable);
    await refused.done;
    await expect(refused.until(() => false, 10)).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const question = await createTestQuestion(deps, asker);
    const abort = new AbortController();
    const stream = collect<LiveQuestionEvent>(
      await watcher(deps, abort.signal).live.question({
        questionId: String(question.id),
        lastEventId: '999',
      }),
    );
    await stream.until((events) => events.length === 1);
    expect(stream.events[0]?.event.type).toBe('reload');
    abort.abort();
  });

  it('live.notifications: signed in only, and each user hears only of their own notifications', async () => {
    await expect(watcher(deps).live.notifications({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const question = await createTestQuestion(deps, asker);
    const bystander = writers[5] as SessionUser;
    // Earlier tests' replies notified the asker: start from nothing unread.
    await callerFor(deps, asker).notification.markRead({});
    const abortAsker = new AbortController();
    const abortBystander = new AbortController();
    await waitClosed(deps);
    const mine = collect<LiveNotificationEvent>(
      await watcher(deps, abortAsker.signal, asker).live.notifications({}),
    );
    const theirs = collect<LiveNotificationEvent>(
      await watcher(deps, abortBystander.signal, bystander).live.notifications({}),
    );
    await listening(deps, 2);
    const answer = await callerFor(deps, writers[4] as SessionUser).answer.create({
      questionId: String(question.id),
      body: answerBody(5),
    });
    await mine.until((events) => events.length === 1);
    expect(mine.events[0]?.event).toMatchObject({
      type: 'notification.created',
      notification: { type: 'answer', questionId: String(question.id), answerId: answer.id },
      unread: 1,
    });
    await callerFor(deps, asker).notification.markRead({});
    await mine.until((events) => events.length === 2);
    expect(mine.events[1]?.event).toEqual({ type: 'notification.read', unread: 0 });
    expect(theirs.events).toEqual([]);
    abortAsker.abort();
    abortBystander.abort();
    await Promise.all([mine.done, theirs.done]);
  });

  it('refuses more streams than a session may hold with TOO_MANY_REQUESTS, and frees them on close', async () => {
    const question = await createTestQuestion(deps, asker);
    await waitClosed(deps);
    const abort = new AbortController();
    const open = [];
    for (let i = 0; i < LIVE_LIMITS.perSession; i++) {
      open.push(
        collect(await watcher(deps, abort.signal).live.question({ questionId: String(question.id) })),
      );
    }
    await listening(deps, LIVE_LIMITS.perSession);
    const refused = collect(await watcher(deps).live.question({ questionId: String(question.id) }));
    await refused.done;
    await expect(refused.until(() => false, 10)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    abort.abort();
    await Promise.all(open.map((stream) => stream.done));
    await waitClosed(deps);
    const again = new AbortController();
    const allowed = collect(
      await watcher(deps, again.signal).live.question({ questionId: String(question.id) }),
    );
    await listening(deps, 1);
    again.abort();
    await allowed.done;
  });
});
