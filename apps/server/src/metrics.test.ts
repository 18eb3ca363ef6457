import { createTestQuestion, createTestUser } from '@devflow/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing/server';

/** Reads one counter of the Prometheus text at /metrics. */
function counter(text: string, name: string, area: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`devflow_cache_${name}_total{area="${area}"}`));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
}

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it('counts page-cache misses and hits of question pages over HTTP', async () => {
    const author = await createTestUser(server.deps);
    const question = await createTestQuestion(server.deps, author);
    const before = await (await fetch(`${server.url}/metrics`)).text();
    const url = `${server.url}/trpc/question.byId?input=${encodeURIComponent(JSON.stringify({ id: String(question.id) }))}`;
    for (let i = 0; i < 3; i += 1) expect((await fetch(url)).status).toBe(200);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const after = await response.text();
    expect(counter(after, 'misses', 'question') - counter(before, 'misses', 'question')).toBe(1);
    expect(counter(after, 'hits', 'question') - counter(before, 'hits', 'question')).toBe(2);
    expect(counter(after, 'errors', 'question')).toBe(0);
  });
});
