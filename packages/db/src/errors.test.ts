import { createServer } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from './client';
import { isDatabaseUnavailable, PgErrorCode } from './errors';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      server.close(() => resolve(port));
    });
  });
}

describe('telling an outage from a bug', () => {
  it('recognizes a refused connection from postgres.js through Drizzle as "unavailable"', async () => {
    const port = await closedPort();
    const handle = await createDb({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/none`, poolSize: 1 });
    const error = await handle.db.execute(sql`select 1`).then(
      () => null,
      (e: unknown) => e,
    );
    await handle.close();
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(await handle.ping(500)).toBe(false);
  });

  it('recognizes server shutdown and connection-loss codes, also inside wrappers', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(isDatabaseUnavailable(shutdown)).toBe(true);
    expect(isDatabaseUnavailable(new Error('query failed', { cause: shutdown }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('closed'), { code: 'CONNECTION_CLOSED' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
  });

  it('does not mistake query errors for outages (those stay bugs or clean refusals)', async () => {
    expect(
      isDatabaseUnavailable(Object.assign(new Error('dup'), { code: PgErrorCode.uniqueViolation })),
    ).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error('syntax'), { code: '42601' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('plain'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    const handle = await createDb({ dataDir: 'memory' });
    const error = await handle.db.execute(sql`select * from no_such_table`).then(
      () => null,
      (e: unknown) => e,
    );
    await handle.close();
    expect(error).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
