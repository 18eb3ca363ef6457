import { users } from '@devflow/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../../testing';
import { insertUser } from './account';

describe('insertUser', () => {
  let deps: TestDeps;
  beforeAll(async () => {
    deps = await createTestDeps();
  });
  afterAll(() => deps.close());

  it('makes exactly one admin when the first accounts are created at the same time', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        deps.db.transaction((tx) =>
          insertUser(tx, {
            email: `first${i}@example.com`,
            username: `first${i}`,
            passwordHash: null,
            emailVerified: true,
          }),
        ),
      ),
    );
    expect(results.filter((row) => row.role === 'admin')).toHaveLength(1);
    const rows = await deps.db.select({ role: users.role }).from(users);
    expect(rows.filter((row) => row.role === 'admin')).toHaveLength(1);
    expect(rows).toHaveLength(6);
  });

  it('names the taken field in a CONFLICT, also for a different case', async () => {
    await expect(
      deps.db.transaction((tx) =>
        insertUser(tx, {
          email: 'FIRST0@example.com',
          username: 'fresh',
          passwordHash: null,
          emailVerified: false,
        }),
      ),
    ).rejects.toMatchObject({ kind: 'CONFLICT', message: 'That email address is already taken.' });
    await expect(
      deps.db.transaction((tx) =>
        insertUser(tx, {
          email: 'fresh@example.com',
          username: 'First1',
          passwordHash: null,
          emailVerified: false,
        }),
      ),
    ).rejects.toMatchObject({ kind: 'CONFLICT', message: 'That username is already taken.' });
  });
});
