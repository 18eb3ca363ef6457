import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/**
 * Reporters for every vitest config: the default one, plus a JSON report when CI collects them
 * (`VITEST_JSON_DIR`, set by `.ci/run`) so the run ends with one "N passed, N failed" line.
 */
export function reporters(): (string | [string, Record<string, unknown>])[] {
  const dir = process.env.VITEST_JSON_DIR;
  if (!dir) return ['default'];
  return ['default', ['json', { outputFile: join(dir, `${randomBytes(4).toString('hex')}.json`) }]];
}
