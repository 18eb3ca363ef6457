import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDevflowClient } from '@devflow/client';
import { MAX_THREAD_NODES } from '@devflow/contract/limits';
import { DATA_DIR_LOCK_FILE } from '@devflow/db';
import { SEED_PASSWORD, SEED_PLANS, seedLandmarks } from '@devflow/db/seed';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import {
  listTables,
  MOVE_MARKER_SCHEMA,
  openRaw,
  type TransferTarget,
  tableChecksum,
} from '@devflow/db/transfer';
import { type ChildServer, spawnServer } from '@devflow/server/testing/child-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from './run-cli';

// Both passes of CI use the machine's PostgreSQL here: a move always goes to PostgreSQL.
const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const bin = fileURLToPath(new URL('../bin/devflow.mjs', import.meta.url));
const chainQuestion = String(seedLandmarks(SEED_PLANS.small).chains[0]);

/** Every table of a database with its row count and checksum, by `schema.table`. */
async function snapshot(target: TransferTarget): Promise<Record<string, string>> {
  const db = await openRaw(target);
  try {
    const tables: Record<string, string> = {};
    for (const table of await listTables(db)) {
      const { rows, checksum } = await tableChecksum(db, table.schema, table.name);
      tables[`${table.schema}.${table.name}`] = `${rows} rows, checksum ${checksum}`;
    }
    return tables;
  } finally {
    await db.close();
  }
}

/** What a signed-in user sees of the seeded 1,000-deep chain: the question and its whole thread. */
async function readChain(url: string, token: string) {
  const client = createDevflowClient({ url, token });
  const { viewCount: _views, ...question } = await client.question.byId.query({ id: chainQuestion });
  // The whole 1,000-deep chain in one page (the largest a page may be).
  const thread = await client.reply.thread.query({
    targetType: 'question',
    targetId: chainQuestion,
    limit: MAX_THREAD_NODES,
  });
  const me = await client.auth.me.query();
  return { question, thread, me };
}

describe('devflow backup, restore and move', () => {
  const configDir = tempConfigDir();
  const work = mkdtempSync(join(tmpdir(), 'devflow-transfer-'));
  const dataDir = join(work, 'data');
  const drops: (() => Promise<void>)[] = [];
  const servers: ChildServer[] = [];
  let original: Record<string, string>;
  let token = '';
  let before: Awaited<ReturnType<typeof readChain>>;

  const emptyPostgres = async () => {
    const database = await createEmptyPostgresDatabase(adminUrl);
    if (!database) throw new Error('no PostgreSQL server');
    drops.push(database.drop);
    return database.url;
  };
  const cli = (args: string[]) => runCli(args, { configDir });

  beforeAll(async () => {
    const seeded = await cli(['seed', '--data-dir', dataDir, '--size', 'small']);
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const server of servers) server.kill();
    await Promise.all(drops.map((drop) => drop()));
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses, with exit 2, every command on a data dir a running server holds (and a second server)', async () => {
    const server = await spawnServer({ DATA_DIR: dataDir, MAIL_OUTBOX: join(work, 'outbox.jsonl') });
    servers.push(server);
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(true);
    // A session issued before the move, and what it reads, for the comparison after it.
    const login = await createDevflowClient({ url: server.url }).auth.login.mutate({
      login: 'user2',
      password: SEED_PASSWORD,
    });
    token = login.token;
    before = await readChain(server.url, token);
    expect(before.thread.items.some((reply) => reply.depth === 999)).toBe(true);

    const pid = String(server.child.pid);
    const dump = join(work, 'header-only.sql');
    writeFileSync(dump, '--\n-- PostgreSQL database dump\n--\n');
    for (const args of [
      ['backup', '--data-dir', dataDir, '--out', join(work, 'never.sql')],
      ['restore', dump, '--data-dir', dataDir],
      ['move', '--data-dir', dataDir, '--to', `${adminUrl}_never`],
    ]) {
      const run = await cli(args);
      expect(run.code, `${args[0]}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(`is in use by process ${pid}`);
    }
    expect(existsSync(join(work, 'never.sql'))).toBe(false);
    await expect(spawnServer({ DATA_DIR: dataDir, MAIL_OUTBOX: join(work, 'outbox.jsonl') })).rejects.toThrow(
      /server exited 2[\s\S]*is in use by process/,
    );

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, DATA_DIR_LOCK_FILE))).toBe(false);
    // The site as the server left it (its sign-in wrote a session): what every copy must equal.
    original = await snapshot({ dataDir });
  }, 240_000);

  it('backs up PGlite and restores it into an empty PostgreSQL database with every table identical', async () => {
    const file = join(work, 'pglite.sql');
    const backedUp = await cli(['backup', '--data-dir', dataDir, '--out', file]);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    expect(backedUp.stdout).toContain(`to ${file}`);
    expect(existsSync(file)).toBe(true);
    const url = await emptyPostgres();
    const restored = await cli(['restore', file, '--database-url', url]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await snapshot({ databaseUrl: url })).toEqual(original);

    // PostgreSQL (pg_dump) → PGlite, and back into PostgreSQL: the same tables again.
    const fromPostgres = join(work, 'postgres.sql');
    const second = await cli(['--json', 'backup', '--database-url', url, '--out', fromPostgres]);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ backend: 'postgres', file: fromPostgres });
    const restoredDir = join(work, 'restored');
    const intoPglite = await cli(['restore', fromPostgres, '--data-dir', restoredDir]);
    expect(intoPglite.code, intoPglite.stderr).toBe(0);
    expect(await snapshot({ dataDir: restoredDir })).toEqual(original);
    const again = await emptyPostgres();
    const intoPostgres = await cli(['restore', fromPostgres, '--database-url', again]);
    expect(intoPostgres.code, intoPostgres.stderr).toBe(0);
    expect(await snapshot({ databaseUrl: again })).toEqual(original);
  }, 300_000);

  it('refuses to restore into a database that holds data, and with --force says what it replaces', async () => {
    const url = await emptyPostgres();
    const file = join(work, 'pglite.sql');
    expect((await cli(['restore', file, '--database-url', url])).code).toBe(0);
    const refused = await cli(['restore', file, '--database-url', url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty, so nothing was restored');
    expect(refused.stderr).toContain('public.users: 40 rows');
    const forced = await cli(['restore', file, '--database-url', url, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('--force: replacing everything');
    expect(forced.stderr).toContain('public.replies: 1800 rows');
    expect(await snapshot({ databaseUrl: url })).toEqual(original);
  }, 240_000);

  it('detects a move killed mid-copy, starts it over on --force, and the moved site works', async () => {
    const url = await emptyPostgres();
    // 1. Killed once it copies rows: the source stays intact, the target keeps its marker.
    const child = spawn(process.execPath, [bin, 'move', '--data-dir', dataDir, '--to', url], {
      env: { PATH: process.env.PATH ?? '', HOME: configDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('move: copying rows')) child.kill('SIGKILL');
    });
    expect(await exited, stderr).toBe('SIGKILL');
    const target = await openRaw({ databaseUrl: url });
    const marker = await target.query(`select 1 from pg_namespace where nspname = $1`, [MOVE_MARKER_SCHEMA]);
    await target.close();
    expect(marker).toHaveLength(1);

    // 2. A second run refuses the incomplete target; --force starts over, copies and verifies.
    const refused = await cli(['move', '--data-dir', dataDir, '--to', url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('holds an interrupted move');
    const moved = await cli(['move', '--data-dir', dataDir, '--to', url, '--force']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stderr).toContain('--force: replacing everything');
    expect(moved.stdout).toContain('Verified: row counts and checksums match');
    expect(moved.stdout).toContain(`DATABASE_URL=${url}`);
    expect(moved.stdout).toContain('APP_SECRET=');
    const { [`${MOVE_MARKER_SCHEMA}.incomplete`]: leftover, ...moves } = await snapshot({ databaseUrl: url });
    expect(leftover).toBeUndefined();
    expect(moves).toEqual(original);
    expect(await snapshot({ dataDir })).toEqual(original);

    // 3. A move into a database that now holds a site is refused.
    const again = await cli(['move', '--data-dir', dataDir, '--to', url]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty, so nothing was moved');

    // 4. The server on the moved database: same password, same session token (Bearer and cookie), same reads.
    const server = await spawnServer({ DATABASE_URL: url, MAIL_OUTBOX: join(work, 'outbox.jsonl') });
    servers.push(server);
    expect(await readChain(server.url, token)).toEqual(before);
    const cookie = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { cookie: `devflow_session=${token}` },
    });
    expect(((await cookie.json()) as { result: { data: { username: string } } }).result.data.username).toBe(
      'user2',
    );
    const signIn = await createDevflowClient({ url: server.url }).auth.login.mutate({
      login: 'user7',
      password: SEED_PASSWORD,
    });
    expect(signIn.user.username).toBe('user7');
    server.kill();
  }, 300_000);
});
