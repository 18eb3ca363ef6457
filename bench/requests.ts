/** The HTTP requests the bench sends, and one call outside the load generator (setup, checks). */
import type { CannonRequest } from './cannon';

/** A tRPC query: `GET /trpc/<path>?input=<json>`. */
export function get(path: string, input: unknown, headers?: Record<string, string>): CannonRequest {
  return {
    method: 'GET',
    path: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
    ...(headers ? { headers } : {}),
  };
}

/** A tRPC mutation: `POST /trpc/<path>` with a JSON body. */
export function post(path: string, input: unknown, headers?: Record<string, string>): CannonRequest {
  return {
    method: 'POST',
    path: `/trpc/${path}`,
    body: JSON.stringify(input),
    ...(headers ? { headers } : {}),
  };
}

/** One route of the bare baseline server (bench/baseline-server.ts). */
export function bare(path: string): CannonRequest {
  return { method: 'GET', path: `/bare/${path}` };
}

/** A write to the bare baseline server: `POST /bare/<path>` with a JSON body (bench/write-twins.ts). */
export function barePost(path: string, input: unknown, headers: Record<string, string>): CannonRequest {
  return { method: 'POST', path: `/bare/${path}`, body: JSON.stringify(input), headers };
}

/** Sends one request to `base` and returns tRPC's `result.data`; throws with the status and body otherwise. */
export async function call<T>(base: string, request: CannonRequest): Promise<T> {
  const response = await fetch(`${base}${request.path}`, {
    method: request.method,
    headers: { 'content-type': 'application/json', ...request.headers },
    ...(request.body ? { body: request.body } : {}),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(
      `${request.method} ${request.path.slice(0, 80)} → ${response.status} ${text.slice(0, 300)}`,
    );
  return (JSON.parse(text) as { result: { data: T } }).result.data;
}
