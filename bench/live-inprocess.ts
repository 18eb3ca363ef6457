/**
 * The live path without HTTP, to split bench/live.ts's costs: N `live.question` subscribers opened through
 * tRPC's caller in one process (hub, service, procedure — no SSE, no sockets) on the embedded default,
 * then 10 answers. Prints the heap each subscriber holds (after GC) and the CPU one answer costs with N
 * subscribers against the same answer with one subscriber.
 *
 *   LIVE_BENCH_MAX=10000 node --expose-gc --import tsx bench/live-inprocess.ts
 */
import { createCaller, createContextInner, liveHubFor, type RequestInfo } from '@devflow/api';
import { callerFor, createTestDeps, createTestQuestion, createTestUser } from '@devflow/api/testing';

const deps = await createTestDeps();
const [asker, writer] = [await createTestUser(deps), await createTestUser(deps)];
const question = await createTestQuestion(deps, asker);
const stop = new AbortController();
const settle = async () => {
  for (let i = 0; i < 2; i++) {
    const gc: unknown = Reflect.get(globalThis, 'gc');
    if (typeof gc === 'function') gc();
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
};
let received = 0;

/** Opens `count` more subscribers, each a distinct visitor (IP), reading every event. */
async function subscribe(count: number, first: number) {
  for (let i = first; i < first + count; i++) {
    const req: RequestInfo = { ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` } as RequestInfo;
    const caller = createCaller(createContextInner({ deps, user: null, req }), { signal: stop.signal });
    const stream = await caller.live.question({ questionId: String(question.id) });
    void (async () => {
      for await (const _ of stream) received++;
    })();
  }
  // Streams attach to the hub as they start; an answer posted before would not be theirs.
  while (liveHubFor(deps).open < first + count) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** CPU milliseconds per answer (the write and its delivery to every subscriber), over 10 answers. */
async function cpuPerAnswer(subscribers: number) {
  const before = process.cpuUsage();
  for (let k = 0; k < 10; k++) {
    const target = received + subscribers;
    await callerFor(deps, writer).answer.create({
      questionId: String(question.id),
      body: `In-process answer ${k}, long enough to be an answer.`,
    });
    while (received < target) await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / 10;
}

const max = Number(process.env.LIVE_BENCH_MAX ?? 10_000);
await subscribe(1, 0);
const alone = await cpuPerAnswer(1);
await settle();
const heapBefore = process.memoryUsage().heapUsed;
await subscribe(max - 1, 1);
await settle();
const heapPerSubscriber = (process.memoryUsage().heapUsed - heapBefore) / (max - 1);
const withAll = await cpuPerAnswer(max);
console.log(
  JSON.stringify({
    subscribers: max,
    heapPerSubscriberKb: Number((heapPerSubscriber / 1024).toFixed(1)),
    cpuMsPerAnswerOneSubscriber: Number(alone.toFixed(1)),
    cpuMsPerAnswerAllSubscribers: Number(withAll.toFixed(1)),
    deliveryCpuMicrosecondsPerSubscriber: Number((((withAll - alone) * 1000) / (max - 1)).toFixed(1)),
  }),
);
stop.abort();
await deps.close().catch(() => undefined);
process.exit(0);
