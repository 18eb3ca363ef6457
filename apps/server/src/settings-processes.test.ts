import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '@devflow/db';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildServer, spawnServer } from './testing/child-server';
import { call, field, ok, postQuestion, register, type SignedUp } from './testing/flows';
import { type PrivateService, startPrivatePostgres, startPrivateRedis } from './testing/private-services';

/**
 * A settings change saved through one server process is obeyed at once by a second one sharing its
 * PostgreSQL and Redis: privilege decisions (read from the settings row on each decision) and cached
 * profiles (whose reputation depends on the preset; the change bumps a version in Redis). Both servers
 * are real child processes (`src/main.ts`). The run's PostgreSQL serves when `DATABASE_URL` is set, a
 * private one otherwise (two processes cannot share an embedded PGlite); Redis is always private, so the
 * servers' cache keys never meet another test's.
 */

let first: ChildServer;
let second: ChildServer;
let redis: PrivateService;
let privatePg: PrivateService | null = null;
let dropDb: (() => Promise<void>) | null = null;
const dataDirs: string[] = [];

beforeAll(async () => {
  const empty = await createEmptyPostgresDatabase();
  dropDb = empty?.drop ?? null;
  if (!empty) privatePg = await startPrivatePostgres();
  const databaseUrl = empty?.url ?? privatePg?.url ?? '';
  redis = await startPrivateRedis();
  // Migrate once before both start, as a deploy does.
  const handle = await createDb({ databaseUrl, poolSize: 1 });
  await handle.migrate();
  await handle.close();
  const env = () => {
    const dir = mkdtempSync(join(tmpdir(), 'devflow-settings-'));
    dataDirs.push(dir);
    return { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, DATA_DIR: dir, LOG_LEVEL: 'info' };
  };
  [first, second] = await Promise.all([
    spawnServer(env(), { timeoutMs: 100_000 }),
    spawnServer(env(), { timeoutMs: 100_000 }),
  ]);
}, 120_000);

afterAll(async () => {
  for (const server of [first, second]) server?.kill();
  await Promise.all([first?.exited, second?.exited]);
  await redis?.destroy();
  await privatePg?.destroy();
  await dropDb?.();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('admin.settings.set on one server process', () => {
  let admin: SignedUp;
  let poster: SignedUp;
  let voter: SignedUp;
  let questionId: string;

  beforeAll(async () => {
    admin = await register(first.url, 'settings_admin');
    poster = await register(first.url, 'settings_poster');
    voter = await register(second.url, 'settings_voter');
    questionId = await postQuestion(first.url, poster.token, 'Which process reads the settings first?');
  });

  const profileOn = async (server: ChildServer) =>
    field(await ok(server.url, 'user.byUsername', 'query', { username: poster.username }), 'reputation');
  const dislikeOn = (server: ChildServer) =>
    call(
      server.url,
      'reaction.set',
      'mutation',
      { targetType: 'question', targetId: questionId, value: 'dislike' },
      voter.token,
    );

  it('is obeyed at once by the other process: a preset switch, then a threshold override', async () => {
    // The team preset (default): the like is worth 10, and the second process caches the profile.
    await ok(
      second.url,
      'reaction.set',
      'mutation',
      { targetType: 'question', targetId: questionId, value: 'like' },
      voter.token,
    );
    expect(await profileOn(second)).toBe(10);
    expect(await profileOn(second)).toBe(10);

    await ok(first.url, 'admin.settings.set', 'mutation', { privilegePreset: 'community' }, admin.token);

    const refused = await dislikeOn(second);
    expect({ code: refused.code, message: refused.message }).toEqual({
      code: 'FORBIDDEN',
      message: 'Downvoting needs 125 reputation; you have 0.',
    });
    expect(field(await ok(second.url, 'user.privileges', 'query', undefined, voter.token), 'preset')).toBe(
      'community',
    );
    // The cached profile is not served stale: an upvote on a question is worth 5 in the community rules.
    expect(await profileOn(second)).toBe(5);

    await ok(first.url, 'admin.settings.set', 'mutation', { thresholds: { voteDown: 0 } }, admin.token);
    expect((await dislikeOn(second)).status).toBe(200);
    expect(await profileOn(second)).toBe(-2);
  });

  it('is refused to a non-admin on either process, changing nothing', async () => {
    for (const server of [first, second]) {
      const answer = await call(
        server.url,
        'admin.settings.set',
        'mutation',
        { privilegePreset: 'team' },
        voter.token,
      );
      expect(answer.code).toBe('FORBIDDEN');
    }
    expect(
      field(await ok(second.url, 'admin.settings.get', 'query', undefined, admin.token), 'privilegePreset'),
    ).toBe('community');
  });
});
