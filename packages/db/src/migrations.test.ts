import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import drizzleConfig from '../drizzle.config';
import { migrationsFolder } from './client';
import { createEmptyPostgresDatabase } from './testing';

type Journal = { entries: { idx: number; tag: string; when: number }[] } & Record<string, unknown>;

const journal: Journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'));
const entries = journal.entries;
/** The migration set a deployed database holds before this release: everything but the newest entry. */
const previous = entries.slice(0, -1);
const newest = entries[entries.length - 1];
const backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A copy of the migrations folder whose journal stops before the newest migration. */
function previousMigrationsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'devflow-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  writeFileSync(
    join(dir, 'meta', '_journal.json'),
    JSON.stringify({ ...journal, entries: previous }, null, 2),
  );
  return dir;
}

/**
 * Data a deployed database could hold, written with raw SQL against the first migration's tables
 * (which never change once shipped): every table gets rows, with consistent counters and references,
 * explicit millisecond timestamps, and awkward text (quotes, unicode, NUL-free control characters).
 */
const SEED = [
  `insert into users (email, username, password_hash, display_name, bio, bio_html, avatar_url, role, email_verified, suspended_until, created_at, updated_at) values
    ('admin@example.com', 'admin', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', 'Ada "Admin"', 'Bio with ''quotes'' and ünïcödé 🚀', '<p>Bio</p>', 'https://example.com/a.png', 'admin', true, null, '2025-01-01T00:00:00.123Z', '2025-01-02T00:00:00.456Z'),
    ('mod@example.com', 'moderator', null, null, '', '', null, 'moderator', true, null, '2025-01-03T00:00:00.000Z', '2025-01-03T00:00:00.000Z'),
    ('user@example.com', 'someone', '$argon2id$v=19$m=19456,t=2,p=1$eHh4eHh4eHg$eXl5eXl5eXk', 'Some One', 'tab\there', '<p>tab here</p>', null, 'user', false, '2030-01-01T00:00:00.000Z', '2025-01-04T00:00:00.001Z', '2025-01-04T00:00:00.001Z')`,
  `insert into sessions (id, user_id, expires_at, signed_in_at, user_agent, ip) values
    ('${'a'.repeat(64)}', 1, '2030-01-01T00:00:00.000Z', '2025-02-01T00:00:00.000Z', 'Mozilla/5.0', '127.0.0.1')`,
  `insert into oauth_accounts (provider, provider_user_id, user_id, email, created_at) values
    ('github', '12345', 2, 'mod@example.com', '2025-01-05T00:00:00.000Z')`,
  `insert into tags (slug, usage_count, created_at) values
    ('typescript', 2, '2025-01-06T00:00:00.000Z'), ('postgresql', 1, '2025-01-06T00:00:00.000Z')`,
  `insert into questions (author_id, title, body, body_html, likes, dislikes, score, answer_count, view_count, created_at, updated_at, last_activity_at, deleted_at) values
    (3, 'How do I type a tRPC router?', 'I tried **this** and it failed: \`const x = 1;\`', '<p>I tried</p>', 1, 1, 0, 2, 42, '2025-02-01T10:00:00.100Z', '2025-02-01T10:00:00.100Z', '2025-02-02T10:00:00.200Z', null),
    (1, 'Deleted question about PostgreSQL', 'A body that is long enough — with an em dash.', '<p>A body</p>', 0, 0, 0, 0, 0, '2025-02-03T10:00:00.000Z', '2025-02-03T10:00:00.000Z', '2025-02-03T10:00:00.000Z', '2025-02-04T10:00:00.000Z')`,
  `insert into question_tags (question_id, tag_id) values (1, 1), (1, 2), (2, 1)`,
  `insert into answers (question_id, author_id, body, body_html, likes, dislikes, score, created_at, updated_at, deleted_at) values
    (1, 1, 'Use inferRouterOutputs — it works.', '<p>Use</p>', 1, 0, 1, '2025-02-02T10:00:00.200Z', '2025-02-02T10:00:00.200Z', null),
    (1, 2, 'Another answer with enough words.', '<p>Another</p>', 0, 0, 0, '2025-02-02T11:00:00.000Z', '2025-02-02T11:00:00.000Z', null)`,
  `update questions set accepted_answer_id = 1 where id = 1`,
  `insert into revisions (target_type, target_id, editor_id, title, body, tags, created_at) values
    ('question', 1, 3, 'How do I type a router?', 'Old body of the question.', array['typescript'], '2025-02-01T10:00:00.100Z')`,
  `insert into replies (target_type, target_id, parent_id, depth, author_id, body, body_html, likes, dislikes, score, created_at, updated_at, deleted_at) values
    ('question', 1, null, 0, 2, 'Which version?', '<p>Which version?</p>', 0, 0, 0, '2025-02-01T11:00:00.000Z', '2025-02-01T11:00:00.000Z', null),
    ('question', 1, 1, 1, 3, 'Version 11.', '<p>Version 11.</p>', 0, 0, 0, '2025-02-01T12:00:00.000Z', '2025-02-01T12:00:00.000Z', '2025-02-01T13:00:00.000Z')`,
  `insert into reactions (user_id, target_type, target_id, value, created_at) values
    (1, 'question', 1, 1, '2025-02-01T12:00:00.000Z'), (2, 'question', 1, -1, '2025-02-01T12:00:00.000Z'), (3, 'answer', 1, 1, '2025-02-02T12:00:00.000Z')`,
  `insert into follows (follower_id, followee_id, created_at) values (3, 1, '2025-01-10T00:00:00.000Z'), (1, 3, '2025-01-11T00:00:00.000Z')`,
  `insert into notifications (user_id, type, actor_id, question_id, answer_id, reply_id, created_at, read_at) values
    (3, 'answer', 1, 1, 1, null, '2025-02-02T10:00:00.200Z', null),
    (3, 'accepted', 3, 1, 1, null, '2025-02-02T12:00:00.000Z', '2025-02-03T00:00:00.000Z'),
    (1, 'follow', 3, null, null, null, '2025-01-10T00:00:00.000Z', null)`,
];

type TableSnapshot = { columns: string[]; rows: Record<string, unknown>[] };

/** Every table's stored (not generated) columns and all its rows as JSON. */
async function snapshot(target: Target): Promise<Map<string, TableSnapshot>> {
  const columns = await target.rows<{ table_name: string; column_name: string }>(
    sql`select table_name, column_name from information_schema.columns
        where table_schema = 'public' and is_generated = 'NEVER' order by table_name, ordinal_position`,
  );
  const tables = new Map<string, TableSnapshot>();
  for (const { table_name: table, column_name: column } of columns) {
    const entry = tables.get(table) ?? { columns: [], rows: [] };
    entry.columns.push(column);
    tables.set(table, entry);
  }
  for (const [table, entry] of tables) {
    const rows = await target.rows<{ row: Record<string, unknown> }>(
      sql.raw(`select to_jsonb(t) as row from public."${table}" t`),
    );
    entry.rows = rows.map((r) => (typeof r.row === 'string' ? JSON.parse(r.row) : r.row));
  }
  return tables;
}

/** The rows of `snap` projected onto `columns`, as sorted JSON strings (a multiset to compare). */
function projected(rows: Record<string, unknown>[], columns: string[]): string[] {
  return rows.map((row) => JSON.stringify(columns.map((column) => row[column] ?? null))).sort();
}

/** A fresh, empty database on this run's backend with a way to run migrations from any folder. */
type Target = {
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
};

/** Rows of a raw query on either driver (postgres.js answers an array, PGlite `{ rows }`). */
function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result;
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) {
    return result.rows;
  }
  return [];
}

async function openEmpty(): Promise<Target> {
  const empty = await createEmptyPostgresDatabase();
  if (empty) {
    const client = postgres(empty.url, { max: 1, onnotice: () => {} });
    const db = drizzlePostgres({ client, casing: 'snake_case' });
    return {
      rows: async (query) => rowsOf(await db.execute(query)),
      migrate: (folder) => migratePostgres(db, { migrationsFolder: folder }),
      close: async () => {
        await client.end({ timeout: 5 });
        await empty.drop();
      },
    };
  }
  const client = await PGlite.create();
  const db = drizzlePglite({ client, casing: 'snake_case' });
  return {
    rows: async (query) => rowsOf(await db.execute(query)),
    migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
    close: () => client.close(),
  };
}

describe('the migrations folder', () => {
  it('is the one drizzle-kit writes, inside the db package, with one SQL file per journal entry', () => {
    // drizzle-kit runs from the package folder (`pnpm db:generate`), so `out` is relative to it.
    const packageRoot = fileURLToPath(new URL('..', import.meta.url));
    expect(migrationsFolder).toBe(join(packageRoot, 'migrations'));
    expect(resolve(packageRoot, drizzleConfig.out ?? '')).toBe(migrationsFolder);
    const files = readdirSync(migrationsFolder).filter((name) => name.endsWith('.sql'));
    expect(files.sort()).toEqual(entries.map((entry) => `${entry.tag}.sql`).sort());
  });
});

describe(`upgrading a database that holds data (${backend})`, () => {
  let target: Target;
  let folder: string;
  let before: Map<string, TableSnapshot>;
  let after: Map<string, TableSnapshot>;

  beforeAll(async () => {
    target = await openEmpty();
    folder = previousMigrationsFolder();
    await target.migrate(folder);
    for (const statement of SEED) await target.rows(sql.raw(statement));
    before = await snapshot(target);
    await target.migrate(migrationsFolder);
    after = await snapshot(target);
  });
  afterAll(async () => {
    await target?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('starts from a real earlier release: the migration set without its newest entry', () => {
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(previous.map((entry) => entry.tag)).toContain('0000_init');
    expect(previous.map((entry) => entry.tag)).not.toContain(newest?.tag);
    // The seed really filled the first migration's tables (the ones it writes; later tables may be empty).
    const firstTables = [
      ...readFileSync(join(migrationsFolder, `${entries[0]?.tag}.sql`), 'utf8').matchAll(
        /CREATE TABLE "(\w+)"/g,
      ),
    ].map((match) => match[1] ?? '');
    expect(firstTables.length).toBeGreaterThan(0);
    for (const table of firstTables) expect(before.get(table)?.rows.length, table).toBeGreaterThan(0);
  });

  it('applies the newest migration on top of it', async () => {
    const applied = await target.rows<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(Number(applied[0]?.n)).toBe(entries.length);
  });

  it('keeps every table and every row, with the value of every column that still exists', () => {
    for (const [table, old] of before) {
      const now = after.get(table);
      expect(now, `table ${table} was dropped`).toBeDefined();
      if (!now) continue;
      const kept = old.columns.filter((column) => now.columns.includes(column));
      expect(now.rows.length, `${table} row count`).toBe(old.rows.length);
      expect(projected(now.rows, kept), `${table} contents`).toEqual(projected(old.rows, kept));
    }
  });

  it('still accepts new rows afterwards (identity sequences and constraints intact)', async () => {
    const rows = await target.rows<{ id: number }>(
      sql`insert into users (email, username) values ('new@example.com', 'newcomer') returning id`,
    );
    expect(Number(rows[0]?.id)).toBe(4);
    const duplicate = await target
      .rows(sql`insert into users (email, username) values ('ADMIN@example.com', 'other')`)
      .then(
        () => 'inserted',
        () => 'refused',
      );
    expect(duplicate).toBe('refused');
  });
});
