/** The environment variables the CLI reads, read once here (nothing else touches `process.env`). */
export type CliEnv = {
  /** Server URL when `--url` is not given. */
  DEVFLOW_URL: string | undefined;
  /** Folder of credentials.json (tests); else `$XDG_CONFIG_HOME/devflow` or `~/.config/devflow`. */
  DEVFLOW_CONFIG_DIR: string | undefined;
  XDG_CONFIG_HOME: string | undefined;
  /** Password for `login` in scripts (instead of the prompt). */
  DEVFLOW_PASSWORD: string | undefined;
  /** `seed`: PostgreSQL to fill; unset means embedded PGlite in DATA_DIR, like the server. */
  DATABASE_URL: string | undefined;
  DATA_DIR: string | undefined;
};

const nonEmpty = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Reads the CLI's variables from `source`; empty values count as unset. */
export function readCliEnv(source: NodeJS.ProcessEnv = process.env): CliEnv {
  return {
    DEVFLOW_URL: nonEmpty(source.DEVFLOW_URL),
    DEVFLOW_CONFIG_DIR: nonEmpty(source.DEVFLOW_CONFIG_DIR),
    XDG_CONFIG_HOME: nonEmpty(source.XDG_CONFIG_HOME),
    DEVFLOW_PASSWORD: source.DEVFLOW_PASSWORD || undefined,
    DATABASE_URL: nonEmpty(source.DATABASE_URL),
    DATA_DIR: nonEmpty(source.DATA_DIR),
  };
}

/** This process's CLI environment. */
export const cliEnv: CliEnv = readCliEnv();
