import { eq, getTableName, is, sql } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle, queryRows } from './client';
import { PgErrorCode, pgConstraint, pgErrorCode } from './errors';
import * as schema from './schema';
import { tags, users } from './schema';
import { createEmptyPostgresDatabase, createTestDb } from './testing';

const backend = process.env.DATABASE_URL ? 'postgres' : 'pglite';

describe(`database on ${backend}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle.close();
  });

  it('reports which engine it runs on', () => {
    expect(handle.kind).toBe(backend);
  });

  it('creates every table of the schema through the migrations', async () => {
    const rows = await queryRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    );
    expect(rows.map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        'answers',
        'follows',
        'notifications',
        'oauth_accounts',
        'question_tags',
        'questions',
        'reactions',
        'replies',
        'revisions',
        'sessions',
        'tags',
        'users',
      ]),
    );
  });

  it('applies migrations idempotently: a second run changes nothing and keeps rows', async () => {
    await handle.db.insert(tags).values({ slug: 'kept-across-migrate' });
    await handle.migrate();
    await handle.migrate();
    const kept = await handle.db.select().from(tags).where(eq(tags.slug, 'kept-across-migrate'));
    expect(kept).toHaveLength(1);
    const applied = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(applied[0]?.n).toBeGreaterThan(0);
  });

  it('keeps email and username unique regardless of case, with a readable SQLSTATE', async () => {
    await handle.db.insert(users).values({ email: 'Ada@Example.com', username: 'Ada' });
    const duplicate = handle.db.insert(users).values({ email: 'ada@example.COM', username: 'someone' });
    const error = await duplicate.then(
      () => null,
      (e: unknown) => e,
    );
    expect(pgErrorCode(error)).toBe(PgErrorCode.uniqueViolation);
    expect(pgConstraint(error)).toBe('users_email_lower_idx');
  });

  it('rolls a failed transaction back completely', async () => {
    const attempt = handle.db.transaction(async (tx) => {
      await tx.insert(tags).values({ slug: 'rolled-back' });
      throw new Error('abort');
    });
    await expect(attempt).rejects.toThrow('abort');
    expect(await handle.db.select().from(tags).where(eq(tags.slug, 'rolled-back'))).toHaveLength(0);
  });

  it('never lets a concurrent write land inside another request’s transaction', async () => {
    // On PGlite every request shares one session: without serialization this insert would run inside
    // the failing transaction below and vanish with its rollback.
    let release: () => void = () => {};
    let insertedInside: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inside = new Promise<void>((resolve) => {
      insertedInside = resolve;
    });
    const failing = handle.db
      .transaction(async (tx) => {
        await tx.insert(tags).values({ slug: 'inside-failed-tx' });
        insertedInside();
        await gate;
        throw new Error('abort');
      })
      .catch(() => 'aborted');
    await inside;
    // Issued while the transaction is open and holding its row.
    const outside = handle.db.insert(tags).values({ slug: 'outside-any-tx' });
    setTimeout(release, 50);
    expect(await failing).toBe('aborted');
    await outside;
    expect(await handle.db.select().from(tags).where(eq(tags.slug, 'outside-any-tx'))).toHaveLength(1);
    expect(await handle.db.select().from(tags).where(eq(tags.slug, 'inside-failed-tx'))).toHaveLength(0);
  });

  it('answers ping while open and not after close', async () => {
    const other = await createTestDb();
    expect(await other.ping()).toBe(true);
    await other.close();
    expect(await other.ping(500)).toBe(false);
  });
});

describe('migrations from an empty database', () => {
  it('migrates an empty database on this backend from nothing, twice in parallel', async () => {
    const empty = await createEmptyPostgresDatabase();
    const open = () =>
      empty ? createDb({ databaseUrl: empty.url, poolSize: 2 }) : createDb({ dataDir: 'memory' });
    const [a, b] = await Promise.all([open(), open()]);
    try {
      // Two servers starting together must not both apply the migration (advisory lock on PostgreSQL).
      await Promise.all([a.migrate(), empty ? b.migrate() : Promise.resolve()]);
      const rows = await queryRows<{ name: string }>(
        a.db,
        sql`select table_name as name from information_schema.tables where table_schema = 'public'`,
      );
      // Exactly the tables the schema declares: every migration applied once, nothing else.
      const declared = Object.values(schema)
        .filter((value) => is(value, PgTable))
        .map((table) => getTableName(table))
        .sort();
      expect(declared.length).toBeGreaterThan(12);
      expect(rows.map((row) => row.name).sort()).toEqual(declared);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await empty?.drop();
    }
  });
});
