import { quoteIdent, type RawDb } from './raw';

/** Schemas every PostgreSQL has; everything else (public's contents, drizzle, pgboss…) is the site's. */
const SYSTEM_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'`;

/** A table of the site with its row count. */
export type TableCount = { schema: string; name: string; rows: number };

/** What a database holds beyond an empty one: tables (with rows), other schemas, objects, extensions. */
export type Contents = {
  tables: TableCount[];
  schemas: string[];
  otherObjects: number;
  extensions: string[];
};

/** `"schema"."table"` */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** Ordinary tables (partitions included, partitioned parents not) of every non-system schema. */
export async function listTables(db: RawDb): Promise<{ schema: string; name: string }[]> {
  return db.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and ${SYSTEM_SCHEMAS}
      order by 1, 2`,
  );
}

/** Lists what the database holds; `isEmpty` decides whether a restore or move may write into it. */
export async function describeContents(db: RawDb): Promise<Contents> {
  const tables: TableCount[] = [];
  for (const table of await listTables(db)) {
    const [row] = await db.query<{ n: string }>(
      `select count(*)::text as n from ${qualified(table.schema, table.name)}`,
    );
    tables.push({ ...table, rows: Number(row?.n ?? 0) });
  }
  const schemas = (
    await db.query<{ name: string }>(
      `select n.nspname as name from pg_namespace n where ${SYSTEM_SCHEMAS} and n.nspname <> 'public' order by 1`,
    )
  ).map((row) => row.name);
  const [objects] = await db.query<{ n: string }>(
    `select ((select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public')
           + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public')
           + (select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace
               where n.nspname = 'public' and t.typtype in ('e', 'd', 'r', 'm')))::text as n`,
  );
  const extensions = (
    await db.query<{ name: string }>(
      `select extname as name from pg_extension where extname <> 'plpgsql' order by 1`,
    )
  ).map((row) => row.name);
  return { tables, schemas, otherObjects: Number(objects?.n ?? 0), extensions };
}

/** True when the database holds nothing of a site (a fresh PGlite dir or a new PostgreSQL database). */
export function isEmpty(contents: Contents): boolean {
  return (
    contents.tables.length === 0 &&
    contents.schemas.length === 0 &&
    contents.otherObjects === 0 &&
    contents.extensions.length === 0
  );
}

/** Lines naming everything `wipe` would remove, one per table with its rows. */
export function describeReplaced(contents: Contents): string[] {
  const lines = contents.tables.map(
    (table) => `  ${table.schema}.${table.name}: ${table.rows} row${table.rows === 1 ? '' : 's'}`,
  );
  const emptySchemas = contents.schemas.filter((schema) => !contents.tables.some((t) => t.schema === schema));
  for (const schema of emptySchemas) lines.push(`  schema ${schema} (no tables)`);
  for (const extension of contents.extensions) lines.push(`  extension ${extension}`);
  if (lines.length === 0 && contents.otherObjects > 0) {
    lines.push(`  ${contents.otherObjects} other objects in schema public`);
  }
  return lines;
}

/** Drops everything the site owns: every non-system schema, public's contents, extensions. */
export async function wipe(db: RawDb, contents: Contents): Promise<void> {
  const statements = [
    ...contents.extensions.map((name) => `drop extension if exists ${quoteIdent(name)} cascade;`),
    ...contents.schemas.map((name) => `drop schema if exists ${quoteIdent(name)} cascade;`),
    'drop schema if exists public cascade;',
    'create schema public;',
  ];
  await db.exec(statements.join('\n'));
}

/** Row count and an order-free checksum of a table (sum of the first 64 bits of each row text's md5). */
export async function tableChecksum(
  db: RawDb,
  schema: string,
  name: string,
): Promise<{ rows: number; checksum: string }> {
  const [row] = await db.query<{ n: string; sum: string }>(
    `select count(*)::text as n,
            coalesce(sum(('x' || left(md5(devflow_row::text), 16))::bit(64)::bigint::numeric), 0)::text as sum
       from ${qualified(schema, name)} devflow_row`,
  );
  return { rows: Number(row?.n ?? 0), checksum: row?.sum ?? '0' };
}

/** Columns a `COPY` writes: stored ones (generated columns are computed again by the target). */
export async function copyColumns(db: RawDb, schema: string, name: string): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    `select a.attname as name from pg_attribute a
      where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by a.attnum`,
    [qualified(schema, name)],
  );
  return rows.map((row) => row.name);
}

/** Every sequence of the site with its state (`lastValue` null: never used). */
export async function listSequences(
  db: RawDb,
): Promise<{ schema: string; name: string; lastValue: string | null }[]> {
  return db.query<{ schema: string; name: string; lastValue: string | null }>(
    `select schemaname as schema, sequencename as name, last_value::text as "lastValue"
       from pg_sequences n where ${SYSTEM_SCHEMAS.replaceAll('n.nspname', 'n.schemaname')} order by 1, 2`,
  );
}

/** Columns fed by a sequence (serial or identity), with that sequence, for the "past the highest id" check. */
export async function sequenceColumns(
  db: RawDb,
): Promise<{ schema: string; table: string; column: string; sequence: string }[]> {
  return db.query<{ schema: string; table: string; column: string; sequence: string }>(
    `select n.nspname as schema, c.relname as table, a.attname as column,
            pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) as sequence
       from pg_attribute a
       join pg_class c on c.oid = a.attrelid
       join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped and ${SYSTEM_SCHEMAS}
        and pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) is not null
      order by 1, 2, 3`,
  );
}
