import { createDevflowClient, type DevflowClient } from './client';
import type { TokenStore } from './token-store';

/** What `login` needs: an email or username and the password. */
export type LoginCredentials = { login: string; password: string };

/** What `login` returns: the session token and who it belongs to. */
export type LoginResult = { token: string; user: { id: string; username: string } };

/**
 * Signs in with `auth.login` and returns the session token (send it as `token` to
 * `createDevflowClient`). `target` is a client or the server URL. With a `store`, the token is saved for
 * the next run. Failures reject with the server's tRPC error (convert with `toDevflowError`).
 */
export async function login(
  target: DevflowClient | string,
  credentials: LoginCredentials,
  options: { store?: TokenStore; url?: string } = {},
): Promise<LoginResult> {
  const client = typeof target === 'string' ? createDevflowClient({ url: target }) : target;
  const { token, user } = await client.auth.login.mutate(credentials);
  const url = typeof target === 'string' ? target : options.url;
  if (options.store && url) {
    await options.store.save({ url, token, username: user.username, savedAt: new Date().toISOString() });
  }
  return { token, user: { id: user.id, username: user.username } };
}
