import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_PLANS } from '@devflow/db/seed';
import { createEmptyPostgresDatabase } from '@devflow/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempConfigDir } from './run-cli';

const backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';

describe(`devflow seed (${backend})`, () => {
  let configDir: string;
  let dataDir: string;
  let target: string[];
  let dropDb: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    configDir = tempConfigDir();
    dataDir = mkdtempSync(join(tmpdir(), 'devflow-cli-seed-'));
    const empty = await createEmptyPostgresDatabase();
    dropDb = empty?.drop ?? null;
    target = empty ? ['--database-url', empty.url] : ['--data-dir', dataDir];
  });
  afterAll(async () => {
    await dropDb?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('migrates and fills an empty database with the small preset, and prints what it wrote', async () => {
    const run = await runCli(['--json', 'seed', ...target], { configDir });
    expect(run.code, run.stderr).toBe(0);
    const plan = SEED_PLANS.small;
    expect(JSON.parse(run.stdout)).toMatchObject({
      backend,
      users: plan.users,
      questions: plan.questions,
      answers: plan.answers,
      replies: plan.replies + plan.chains.count * plan.chains.depth + plan.bigThread,
      maxReplyDepth: plan.chains.depth - 1,
      password: 'devflow-seed-password',
    });
  });

  it('refuses a database that already has users, in one line, with exit 1', async () => {
    const run = await runCli(['seed', ...target], { configDir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('The database already has users');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
