import {
  createDevflowClient,
  createFileTokenStore,
  type DevflowClient,
  defaultCredentialsPath,
  type FileTokenStore,
  type StoredCredentials,
} from '@devflow/client';
import type { CliEnv } from './env';
import { signedOut } from './exit-codes';

/** Server used when neither `--url` nor `DEVFLOW_URL` nor a saved sign-in names one. */
export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** What every command gets: where the server is, the saved session, and a client. */
export type Session = {
  url: string;
  store: FileTokenStore;
  /** Saved credentials for this server, or null. */
  credentials: StoredCredentials | null;
  /** A client that sends the saved token (if any). */
  client: DevflowClient;
  /** Print JSON instead of text. */
  json: boolean;
};

/** The global options every command accepts. */
export type GlobalOptions = { url?: string | undefined; json?: boolean | undefined };

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Resolves the server (`--url`, else `DEVFLOW_URL`, else the server of the saved sign-in, else
 * localhost:3000) and loads the saved token, which is only ever sent to the server that issued it.
 */
export async function openSession(options: GlobalOptions, env: CliEnv): Promise<Session> {
  const store = createFileTokenStore(
    defaultCredentialsPath({
      DEVFLOW_CONFIG_DIR: env.DEVFLOW_CONFIG_DIR,
      XDG_CONFIG_HOME: env.XDG_CONFIG_HOME,
    }),
  );
  const saved = await store.load();
  const url = normalizeUrl(options.url ?? env.DEVFLOW_URL ?? saved?.url ?? DEFAULT_URL);
  const credentials = saved && normalizeUrl(saved.url) === url ? saved : null;
  const client = createDevflowClient({
    url,
    token: credentials?.token ?? null,
    headers: { 'user-agent': 'devflow-cli' },
  });
  return { url, store, credentials, client, json: options.json === true };
}

/** The saved credentials, or a "not signed in" error (exit 4) for commands that need a session. */
export function requireSignIn(session: Session): StoredCredentials {
  if (!session.credentials) throw signedOut();
  return session.credentials;
}
