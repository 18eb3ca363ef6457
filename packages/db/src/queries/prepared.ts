import type { Database } from '../client';

/**
 * Statements built once per database handle: `perDatabase(build)` gives a function that calls `build`
 * the first time it sees a handle and returns the same statements afterwards. For the prepared
 * statements (`.prepare(name)` with `sql.placeholder`) of hot reads, which Drizzle then neither rebuilds
 * nor re-renders per call. Prepared statements run on the handle, never inside a transaction.
 */
export function perDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const built = new WeakMap<Database, T>();
  return (db) => {
    let statements = built.get(db);
    if (!statements) {
      statements = build(db);
      built.set(db, statements);
    }
    return statements;
  };
}
