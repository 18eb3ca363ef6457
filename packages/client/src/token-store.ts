import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What a client remembers after signing in: the token and the server it belongs to. */
export type StoredCredentials = {
  /** Server origin the token was issued by. */
  url: string;
  token: string;
  /** Username at sign-in, for messages like "signed in as ada". */
  username?: string | undefined;
  /** ISO time of sign-in. */
  savedAt: string;
};

/** Where a client keeps its session between runs (a file for the CLI, memory in tests, keychains elsewhere). */
export type TokenStore = {
  /** The saved credentials, or null when signed out. */
  load(): Promise<StoredCredentials | null>;
  save(credentials: StoredCredentials): Promise<void>;
  /** Forgets the saved credentials; no error when there are none. */
  clear(): Promise<void>;
};

/** A `TokenStore` in a file; `path` says which. */
export type FileTokenStore = TokenStore & { readonly path: string };

/** A store that forgets everything when the process ends (tests, short scripts). */
export function createMemoryTokenStore(initial: StoredCredentials | null = null): TokenStore {
  let current = initial;
  return {
    load: async () => current,
    save: async (credentials) => {
      current = credentials;
    },
    clear: async () => {
      current = null;
    },
  };
}

/**
 * The default credentials file: `$DEVFLOW_CONFIG_DIR/credentials.json`, else
 * `$XDG_CONFIG_HOME/devflow/credentials.json`, else `~/.config/devflow/credentials.json`.
 */
export function defaultCredentialsPath(env: Record<string, string | undefined> = process.env): string {
  if (env.DEVFLOW_CONFIG_DIR) return join(env.DEVFLOW_CONFIG_DIR, 'credentials.json');
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'devflow', 'credentials.json');
}

function isCredentials(value: unknown): value is StoredCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const url: unknown = Reflect.get(value, 'url');
  const token: unknown = Reflect.get(value, 'token');
  return typeof url === 'string' && typeof token === 'string' && token.length > 0;
}

/**
 * A store backed by a JSON file readable by its owner only (mode 0600, folder 0700), written atomically
 * (temporary file + rename) so a crash never leaves half a token. A corrupt or foreign file reads as
 * signed out.
 */
export function createFileTokenStore(path: string = defaultCredentialsPath()): FileTokenStore {
  return {
    path,
    load: async () => {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if (error instanceof Error && Reflect.get(error, 'code') === 'ENOENT') return null;
        throw error;
      }
      try {
        const parsed: unknown = JSON.parse(text);
        return isCredentials(parsed) ? parsed : null;
      } catch {
        return null;
      }
    },
    save: async (credentials) => {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
      await chmod(temporary, 0o600);
      await rename(temporary, path);
    },
    clear: async () => {
      await rm(path, { force: true });
    },
  };
}
