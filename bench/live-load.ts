/**
 * A load generator process of bench/live.ts (started with `fork`, driven by messages). It opens raw SSE
 * subscriptions to `live.question` (plain HTTP GET, no tRPC client, no browser), records when each
 * `answer.created` event reaches each subscriber, and polls `question.byId` as the same clients would.
 * Every client sends its own `X-Forwarded-For` address (the bench server trusts one proxy hop), so the
 * per-IP and per-session stream limits see many visitors, as they would behind a load balancer.
 */
import { Agent, type ClientRequest, type IncomingMessage, request } from 'node:http';

/** What the parent asks. */
export type LoadCommand =
  | { op: 'open'; url: string; questionId: string; count: number; firstClient: number }
  | { op: 'arrivals'; answerId: string }
  | { op: 'close' }
  | {
      op: 'poll';
      url: string;
      questionId: string;
      count: number;
      firstClient: number;
      intervalMs: number;
      durationMs: number;
    };

/** What the generator answers (one answer per command, in order). */
export type LoadAnswer =
  | { op: 'opened'; open: number; failed: number; errors: string[] }
  | { op: 'arrivals'; count: number; first: number; last: number }
  | { op: 'closed' }
  | { op: 'polled'; requests: number; failed: number; p50: number; p99: number; errors: string[] };

/** Wall-clock milliseconds with sub-millisecond resolution (the parent uses the same clock). */
const now = () => performance.timeOrigin + performance.now();

/** The address client `n` claims in `X-Forwarded-For` (10.0.0.0/8: 16 million distinct clients). */
const addressOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

type Stream = { req: ClientRequest; res: IncomingMessage | null };

const streams: Stream[] = [];
/** Per answer id: how many subscribers have it, and when the first and the last got it. */
const arrivals = new Map<string, { count: number; first: number; last: number }>();

function received(data: string, at: number): void {
  // Only answers are timed; the prefix test keeps JSON.parse off pings and other events.
  if (!data.startsWith('{"type":"answer.created"')) return;
  const event = JSON.parse(data) as { answer?: { id?: string } };
  const id = event.answer?.id;
  if (!id) return;
  const entry = arrivals.get(id);
  if (entry) {
    entry.count += 1;
    entry.last = Math.max(entry.last, at);
    entry.first = Math.min(entry.first, at);
  } else arrivals.set(id, { count: 1, first: at, last: at });
}

/** Opens one subscription; resolves true once the server sent `connected`, false on a refusal or error. */
function subscribe(url: string, questionId: string, client: number, errors: string[]): Promise<boolean> {
  const input = encodeURIComponent(JSON.stringify({ questionId }));
  return new Promise((resolve) => {
    let settled = false;
    const settle = (ok: boolean, why?: string) => {
      if (settled) return;
      settled = true;
      if (!ok && why && errors.length < 5) errors.push(why);
      resolve(ok);
    };
    const req = request(
      `${url}/trpc/live.question?input=${input}`,
      { agent: false, headers: { accept: 'text/event-stream', 'x-forwarded-for': addressOf(client) } },
      (res) => {
        stream.res = res;
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on('end', () => settle(false, `HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
          return;
        }
        res.setEncoding('utf8');
        let pending = '';
        res.on('data', (chunk: string) => {
          const at = now();
          pending += chunk;
          let end = pending.indexOf('\n\n');
          while (end >= 0) {
            const block = pending.slice(0, end);
            pending = pending.slice(end + 2);
            if (block.includes('event: connected')) settle(true);
            for (const line of block.split('\n')) if (line.startsWith('data: ')) received(line.slice(6), at);
            end = pending.indexOf('\n\n');
          }
        });
        res.on('error', () => settle(false, 'stream error'));
        res.on('end', () => settle(false, 'stream ended'));
      },
    );
    const stream: Stream = { req, res: null };
    streams.push(stream);
    req.on('error', (error) => settle(false, String(error)));
    req.end();
  });
}

/** Opens `count` subscriptions, 200 at a time (a browser crowd arrives over seconds, not in one tick). */
async function open(command: Extract<LoadCommand, { op: 'open' }>): Promise<LoadAnswer> {
  const errors: string[] = [];
  let ok = 0;
  let failed = 0;
  for (let start = 0; start < command.count; start += 200) {
    const batch = Array.from({ length: Math.min(200, command.count - start) }, (_, i) =>
      subscribe(command.url, command.questionId, command.firstClient + start + i, errors),
    );
    for (const opened of await Promise.all(batch)) opened ? ok++ : failed++;
  }
  return { op: 'opened', open: ok, failed, errors };
}

function closeAll(): LoadAnswer {
  for (const stream of streams.splice(0)) {
    stream.res?.destroy();
    stream.req.destroy();
  }
  return { op: 'closed' };
}

/**
 * `count` clients each GET `question.byId` every `intervalMs` (phases spread evenly), for `durationMs`.
 * Keep-alive connections, as a browser tab polling a page would hold one.
 */
async function poll(command: Extract<LoadCommand, { op: 'poll' }>): Promise<LoadAnswer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 20_000 });
  const path = `/trpc/question.byId?input=${encodeURIComponent(JSON.stringify({ id: command.questionId }))}`;
  const latencies: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  const get = (client: number) =>
    new Promise<void>((resolve) => {
      const began = now();
      const req = request(
        `${command.url}${path}`,
        { agent, headers: { 'x-forwarded-for': addressOf(client) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(now() - began);
            else {
              failed++;
              if (errors.length < 5) errors.push(`HTTP ${res.statusCode}`);
            }
            resolve();
          });
        },
      );
      // A poll the server has not answered in 10 s counts as failed (a browser would retry on its next tick).
      req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
      req.on('error', (error) => {
        failed++;
        if (errors.length < 5) errors.push(String(error));
        resolve();
      });
      req.end();
    });
  const started = now();
  const inFlight: Promise<void>[] = [];
  const timers: NodeJS.Timeout[] = [];
  await new Promise<void>((resolve) => {
    for (let i = 0; i < command.count; i++) {
      const phase = (i / command.count) * command.intervalMs;
      const tick = () => {
        if (now() - started >= command.durationMs) return;
        inFlight.push(get(command.firstClient + i));
        timers.push(setTimeout(tick, command.intervalMs));
      };
      timers.push(setTimeout(tick, phase));
    }
    setTimeout(resolve, command.durationMs);
  });
  for (const timer of timers) clearTimeout(timer);
  await Promise.all(inFlight);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { op: 'polled', requests: latencies.length, failed, p50: at(0.5), p99: at(0.99), errors };
}

async function handle(command: LoadCommand): Promise<LoadAnswer> {
  switch (command.op) {
    case 'open':
      return open(command);
    case 'arrivals': {
      const entry = arrivals.get(command.answerId);
      return { op: 'arrivals', count: entry?.count ?? 0, first: entry?.first ?? 0, last: entry?.last ?? 0 };
    }
    case 'close':
      return closeAll();
    case 'poll':
      return poll(command);
  }
}

process.on('message', (command: LoadCommand) => {
  void handle(command).then((answer) => process.send?.(answer));
});
process.on('disconnect', () => {
  closeAll();
  process.exit(0);
});
