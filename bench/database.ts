import { createDb } from '@devflow/db';
import postgres from 'postgres';

/** The server URL (no database name) and the bench database's URL. */
export type BenchDatabase = { adminUrl: string; url: string; name: string };

/**
 * Where a bench database lives: `DATABASE_URL`'s server (default local), database `name` (`devflow_bench`;
 * bench/live.ts has its own).
 */
export function benchDatabase(databaseUrl: string | undefined, name = 'devflow_bench'): BenchDatabase {
  const base = new URL(databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = `/${name}`;
  return { adminUrl: admin.toString(), url: url.toString(), name };
}

/** Drops and recreates the bench database, then applies DevFlow's migrations to it. */
export async function recreateBenchDatabase(target: BenchDatabase): Promise<void> {
  const admin = postgres(target.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${target.name} with (force)`);
    await admin.unsafe(`create database ${target.name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const handle = await createDb({ databaseUrl: target.url });
  try {
    await handle.migrate();
  } finally {
    await handle.close();
  }
}

/** Drops the bench database (after the run unless `--keep`). */
export async function dropBenchDatabase(target: BenchDatabase): Promise<void> {
  const admin = postgres(target.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${target.name} with (force)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
