import { request } from 'node:http';
import { appRouter } from '@devflow/api';
import { z } from 'zod';

/** One procedure of the app router, as the generic (router-wide) test suites see it. */
export type ProcedureInfo = {
  /** Dotted path, e.g. `question.create`. */
  path: string;
  type: 'query' | 'mutation';
  /** Top-level input keys when the input is an object; `null` when the procedure takes no input. */
  inputKeys: string[] | null;
  /** The declared input schema (the first, when several are merged), if any. */
  input: z.ZodType | null;
  /** The declared output schema, if any. */
  output: z.ZodType | null;
};

type ProcedureDef = { type: string; inputs: unknown[]; output?: unknown };

function defOf(procedure: unknown): ProcedureDef | null {
  if (typeof procedure !== 'function' && (typeof procedure !== 'object' || procedure === null)) return null;
  const def: unknown = Reflect.get(procedure, '_def');
  if (typeof def !== 'object' || def === null) return null;
  const type: unknown = Reflect.get(def, 'type');
  const inputs: unknown = Reflect.get(def, 'inputs');
  if (typeof type !== 'string' || !Array.isArray(inputs)) return null;
  return { type, inputs, output: Reflect.get(def, 'output') };
}

/** Top-level property names of a zod input schema (as JSON Schema sees its input side). */
function inputKeysOf(schemas: unknown[]): string[] {
  const keys = new Set<string>();
  for (const schema of schemas) {
    if (!(schema instanceof z.ZodType)) continue;
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    for (const key of Object.keys(json.properties ?? {})) keys.add(key);
  }
  return [...keys];
}

/**
 * Every procedure of `appRouter` with the type tRPC records for it, subscriptions included: suites that
 * must call everything (`vendor-client.test.ts`) fail on a type they have no link for instead of
 * skipping it.
 */
export function listProcedureTypes(): { path: string; type: string }[] {
  const procedures: Record<string, unknown> = appRouter._def.procedures;
  return Object.entries(procedures)
    .map(([path, procedure]) => ({ path, type: defOf(procedure)?.type ?? 'unknown' }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Every query and mutation of `appRouter`, read from the router itself: suites built on this cover
 * procedures as they are added, without a list to keep up to date.
 */
export function listProcedures(): ProcedureInfo[] {
  return proceduresOfType(['query', 'mutation']);
}

/** A subscription of `appRouter` (served over SSE), as the generic suites see it. */
export type SubscriptionInfo = Omit<ProcedureInfo, 'type'> & { type: 'subscription' };

/**
 * Every subscription of `appRouter`, read from the router itself: they need their own calls (`openSse`),
 * since a stream that opens never ends by itself.
 */
export function listSubscriptions(): SubscriptionInfo[] {
  return proceduresOfType(['subscription']);
}

function proceduresOfType<Type extends string>(
  types: Type[],
): (Omit<ProcedureInfo, 'type'> & { type: Type })[] {
  const procedures: Record<string, unknown> = appRouter._def.procedures;
  const result: (Omit<ProcedureInfo, 'type'> & { type: Type })[] = [];
  const wanted: readonly string[] = types;
  for (const [path, procedure] of Object.entries(procedures)) {
    const def = defOf(procedure);
    if (!def || !wanted.includes(def.type)) continue;
    result.push({
      path,
      type: def.type as Type,
      inputKeys: def.inputs.length === 0 ? null : inputKeysOf(def.inputs),
      input: def.inputs[0] instanceof z.ZodType ? def.inputs[0] : null,
      output: def.output instanceof z.ZodType ? def.output : null,
    });
  }
  return result.sort((a, b) => a.path.localeCompare(b.path));
}

/** A procedure of a tRPC caller (`createCaller(ctx)`), looked up by its dotted path. */
export function procedureAt(caller: unknown, path: string): (input?: unknown) => Promise<unknown> {
  let node: unknown = caller;
  for (const part of path.split('.')) {
    if (typeof node !== 'function' && (typeof node !== 'object' || node === null)) break;
    node = Reflect.get(node, part);
  }
  if (typeof node !== 'function') throw new Error(`no procedure ${path} on the caller`);
  const call = node;
  return (input?: unknown) => Promise.resolve(Reflect.apply(call, undefined, [input]));
}

/** What a raw HTTP call to `/trpc` answered. */
export type HttpAnswer = { status: number; headers: Headers; text: string; json: unknown };

/** Options of `callHttp`. */
export type HttpCallOptions = {
  token?: string | null;
  /** Sent verbatim instead of `JSON.stringify(input)` (malformed JSON, deep nesting). */
  rawBody?: string;
  origin?: string;
};

/**
 * Calls a procedure over HTTP the way any client could: queries as `GET ?input=`, mutations as a POST
 * body, with a Bearer token when given. No tRPC client in the way, so any bytes can be sent.
 */
export async function callHttp(
  baseUrl: string,
  procedure: Pick<ProcedureInfo, 'path' | 'type'>,
  input: unknown,
  options: HttpCallOptions = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.origin) headers.origin = options.origin;
  const encoded = options.rawBody ?? (input === undefined ? undefined : JSON.stringify(input));
  let response: Response;
  if (procedure.type === 'query') {
    const query = encoded === undefined ? '' : `?input=${encodeURIComponent(encoded)}`;
    response = await fetch(`${baseUrl}/trpc/${procedure.path}${query}`, { headers });
  } else if (encoded === undefined) {
    // No input: sent the way tRPC's own (batching) client sends it, as a batch of one without input.
    response = await fetch(`${baseUrl}/trpc/${procedure.path}?batch=1`, {
      method: 'POST',
      headers,
      body: '{}',
    });
  } else {
    response = await fetch(`${baseUrl}/trpc/${procedure.path}`, { method: 'POST', headers, body: encoded });
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  if (Array.isArray(json) && encoded === undefined && procedure.type === 'mutation') json = json[0] ?? null;
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * POSTs raw bytes with node:http and resolves with the answer as soon as it arrives, even when the
 * server answers (e.g. UNAUTHORIZED) before reading the whole body and closes the connection — the
 * way a server should treat a body it does not need.
 */
export function postRaw(
  baseUrl: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(
      `${baseUrl}${path}`,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        answered = true;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => {
          let json: unknown = null;
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') responseHeaders.set(key, value);
          }
          resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json });
        });
      },
    );
    req.on('error', (error) => {
      // A write cut short after the server already answered is not a failure of the server.
      if (!answered) reject(error);
    });
    req.end(body);
  });
}

/** What opening a subscription over HTTP answered: the status, and the body or the stream's first event. */
export type SseAnswer = HttpAnswer & {
  /** The stream opened (tRPC's `connected` event). */
  connected: boolean;
  /**
   * The first event after `connected` other than a ping (`event:` name, null for a data event, and its
   * `data:`), e.g. a `serialized-error`; null when none came within the wait (or the stream did not open).
   */
  firstEvent: { event: string | null; data: string } | null;
};

/**
 * Opens a subscription the way EventSource does (`GET /trpc/<path>?input=…`, `Accept: text/event-stream`)
 * and returns the error answer, or what the stream sent within `waitMs` (default 2 s) after it opened: tRPC opens the
 * stream first and reports a refused call (bad input, no session) as its first event. `rawInput` is sent
 * verbatim as `input`; `undefined` input sends none. The stream is closed before returning.
 */
export async function openSse(
  baseUrl: string,
  path: string,
  input: unknown,
  options: { token?: string | null; rawInput?: string; waitMs?: number } = {},
): Promise<SseAnswer> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const encoded = options.rawInput ?? (input === undefined ? undefined : JSON.stringify(input));
  const query = encoded === undefined ? '' : `?input=${encodeURIComponent(encoded)}`;
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/trpc/${path}${query}`, { headers, signal: abort.signal });
  const streaming = response.ok && (response.headers.get('content-type') ?? '').includes('text/event-stream');
  if (!streaming) {
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: parsed(text),
      connected: false,
      firstEvent: null,
    };
  }
  let text = '';
  let connected = false;
  let firstEvent: SseAnswer['firstEvent'] = null;
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  // A generous deadline for `connected` (a busy machine), then `waitMs` for what follows it.
  let timer = setTimeout(() => abort.abort(), 30_000);
  try {
    while (reader && firstEvent === null) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0 && firstEvent === null) {
        const lines = text.slice(0, end).split('\n');
        text = text.slice(end + 2);
        const event =
          lines
            .find((line) => line.startsWith('event:'))
            ?.slice(6)
            .trim() ?? null;
        const data = lines
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (event === 'connected') {
          connected = true;
          clearTimeout(timer);
          timer = setTimeout(() => abort.abort(), options.waitMs ?? 2000);
        } else if (event !== 'ping') firstEvent = { event, data };
        end = text.indexOf('\n\n');
      }
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return {
    status: response.status,
    headers: response.headers,
    text: firstEvent?.data ?? '',
    json: firstEvent ? parsed(firstEvent.data) : null,
    connected,
    firstEvent,
  };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The `error.data.code` of a tRPC error answer, or null for a success. */
export function errorCodeOf(answer: HttpAnswer): string | null {
  const error: unknown =
    typeof answer.json === 'object' && answer.json ? Reflect.get(answer.json, 'error') : null;
  if (typeof error !== 'object' || error === null) return null;
  const data: unknown = Reflect.get(error, 'data');
  const code: unknown = typeof data === 'object' && data ? Reflect.get(data, 'code') : null;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** The error codes the contract allows a client to see for bad input or a refusal. */
export const CLIENT_ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'TOO_MANY_REQUESTS',
] as const;
