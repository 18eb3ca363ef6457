import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from './testing/server';

/**
 * Two outside judges of the served `/openapi.json`: Redocly's linter with its recommended rules (what
 * API teams gate their documents on) and @apidevtools/swagger-parser (what many client generators load
 * documents with). Both run offline: Redocly with telemetry and its update check turned off.
 */

const run = promisify(execFile);

/** The pinned Redocly CLI of this package (a dev dependency), run with this Node. */
function redoclyBin(): string {
  const manifest = createRequire(import.meta.url).resolve('@redocly/cli/package.json');
  return join(dirname(manifest), 'bin', 'cli.js');
}

/** What `redocly lint --format=json` prints. */
const lintReport = z.object({
  totals: z.object({ errors: z.number(), warnings: z.number() }),
  problems: z.array(
    z.object({
      ruleId: z.string(),
      severity: z.string(),
      message: z.string(),
      location: z.array(z.object({ pointer: z.string() })),
    }),
  ),
});

/**
 * Warnings of the recommended rules the document keeps, each for a reason: the project names no
 * license, and a few operations (`/health`, `/auth/me`, `/oauth/providers`) take no input and answer
 * anyone, so no 4xx can happen there. Any other warning fails the test.
 */
const ACCEPTED_WARNINGS = new Set(['info-license', 'operation-4xx-response']);

describe('the served OpenAPI document, judged by Redocly and swagger-parser', () => {
  let server: TestServer;
  let dir: string;
  let file: string;
  let doc: unknown;

  beforeAll(async () => {
    server = await startTestServer();
    doc = await (await fetch(`${server.url}/openapi.json`)).json();
    dir = await mkdtemp(join(tmpdir(), 'devflow-openapi-'));
    file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc, null, 2));
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('passes `redocly lint` (recommended rules) with no error, offline', async () => {
    const { stdout } = await run(process.execPath, [redoclyBin(), 'lint', file, '--format=json'], {
      // Only what the linter needs: no telemetry, no update check, no proxy or token from the machine.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        CI: 'true',
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      },
      timeout: 60_000,
    }).catch((failure: { stdout?: string; stderr?: string }) => {
      // A failed lint exits 1 and still prints its report.
      if (failure.stdout) return { stdout: failure.stdout };
      throw new Error(`redocly did not run: ${failure.stderr ?? String(failure)}`);
    });
    const report = lintReport.parse(JSON.parse(stdout));
    const show = (problem: (typeof report.problems)[number]) =>
      `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`;
    expect(report.problems.filter((problem) => problem.severity === 'error').map(show)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(report.problems.filter((problem) => !ACCEPTED_WARNINGS.has(problem.ruleId)).map(show)).toEqual([]);
  });

  it('is a valid OpenAPI 3.1 document for @apidevtools/swagger-parser, references and all', async () => {
    const api = await SwaggerParser.validate(structuredClone(doc) as never);
    expect(api.info.title).toBe('DevFlow');
    // The recursive reply tree survives dereferencing (a cycle, not an error).
    const dereferenced = await SwaggerParser.dereference(structuredClone(doc) as never, {
      dereference: { circular: true },
    });
    expect(JSON.stringify(Object.keys(dereferenced.paths ?? {}))).toContain('/reply/thread');
  });
});
