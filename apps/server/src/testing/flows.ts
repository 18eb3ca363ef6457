import { callHttp, errorCodeOf } from './procedures';

/** The outcome of one call made the way any HTTP client would make it. */
export type CallResult = {
  status: number;
  /** `result.data` of a success, or null. */
  data: unknown;
  /** `error.data.code` of a failure, or null. */
  code: string | null;
  message: string | null;
  headers: Headers;
};

/** Reads a property of an unknown JSON value, or undefined. */
export function field(value: unknown, ...path: string[]): unknown {
  let node: unknown = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = Reflect.get(node, key);
  }
  return node;
}

/** Calls `path` over HTTP (`/trpc`) with an optional Bearer token and returns what came back. */
export async function call(
  baseUrl: string,
  path: string,
  type: 'query' | 'mutation',
  input?: unknown,
  token?: string | null,
): Promise<CallResult> {
  const answer = await callHttp(baseUrl, { path, type }, input, { token: token ?? null });
  const message = field(answer.json, 'error', 'message');
  return {
    status: answer.status,
    data: field(answer.json, 'result', 'data') ?? null,
    code: errorCodeOf(answer),
    message: typeof message === 'string' ? message : null,
    headers: answer.headers,
  };
}

/** Like `call`, but throws with the server's answer unless it succeeded; returns `result.data`. */
export async function ok(
  baseUrl: string,
  path: string,
  type: 'query' | 'mutation',
  input?: unknown,
  token?: string | null,
): Promise<unknown> {
  const result = await call(baseUrl, path, type, input, token);
  if (result.status !== 200)
    throw new Error(`${path} answered ${result.status} ${result.code}: ${result.message}`);
  return result.data;
}

/** A signed-up user: the token to call with and the id the API returned. */
export type SignedUp = { token: string; id: string; username: string; email: string; password: string };

/** Registers a user through `auth.register` over HTTP and returns their token and id. */
export async function register(baseUrl: string, username: string): Promise<SignedUp> {
  const email = `${username}@example.com`;
  const password = `Correct-Horse-${username}-Battery-9`;
  const data = await ok(baseUrl, 'auth.register', 'mutation', { email, username, password });
  const token = field(data, 'token');
  const id = field(data, 'user', 'id');
  if (typeof token !== 'string' || typeof id !== 'string')
    throw new Error('auth.register returned no token/id');
  return { token, id, username, email, password };
}

/** Posts a question through `question.create` and returns its id. */
export async function postQuestion(baseUrl: string, token: string, title: string): Promise<string> {
  const data = await ok(
    baseUrl,
    'question.create',
    'mutation',
    { title, body: `${title} — the details of the problem, long enough to be valid.`, tags: ['reliability'] },
    token,
  );
  const id = field(data, 'id');
  if (typeof id !== 'string') throw new Error('question.create returned no id');
  return id;
}
