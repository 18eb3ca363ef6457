import { type Executor, queryRows } from '@devflow/db';
import { sql } from 'drizzle-orm';

/** Row count and a hash of the full contents of each table. */
export type DbFingerprint = Record<string, { rows: number; hash: string }>;

/** Every base table of the `public` schema, by name. */
export async function listTables(db: Executor): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return rows.map((row) => row.name);
}

/**
 * A fingerprint of the whole database: for every table its row count and the md5 of all its rows
 * (as text, in a stable order), in one round trip. Equal fingerprints mean no row was added, removed
 * or changed anywhere.
 */
export async function dbFingerprint(db: Executor): Promise<DbFingerprint> {
  const tables = await listTables(db);
  const parts = tables.map((table) => {
    const ident = `public."${table.replaceAll('"', '""')}"`;
    const name = table.replaceAll("'", "''");
    return `select '${name}' as name, count(*)::int as rows, coalesce(md5(string_agg(t::text, E'\\n' order by t::text)), '') as hash from ${ident} t`;
  });
  const rows =
    parts.length === 0
      ? []
      : await queryRows<{ name: string; rows: number; hash: string }>(db, sql.raw(parts.join(' union all ')));
  const result: DbFingerprint = {};
  for (const row of rows) result[row.name] = { rows: Number(row.rows), hash: String(row.hash) };
  return result;
}
