import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { type ChildServer, spawnServer } from './testing/child-server';
import { freePort } from './testing/private-services';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The parts of docker-compose.yml this test reads. */
const composeSchema = z.object({
  services: z.object({
    server: z.object({
      environment: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)),
      ports: z.array(z.string()).min(1),
      healthcheck: z.object({ test: z.array(z.string()) }),
    }),
  }),
});

const compose = composeSchema.parse(parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')));
const service = compose.services.server;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');

/** The `ENV` of the Dockerfile's last stage (the image compose runs), as variables. */
function imageEnv(): Record<string, string> {
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const [, pairs = ''] of runtime.matchAll(/^ENV (.+)$/gm)) {
    for (const pair of pairs.trim().split(/\s+/)) {
      const [key = '', ...value] = pair.split('=');
      env[key] = value.join('=');
    }
  }
  return env;
}

/** The published port: `[ip:]hostPort:containerPort`. */
function publishedPort(): { ip: string | null; host: number; container: number } {
  const parts = (service.ports[0] ?? '').split(':');
  const container = Number(parts.pop());
  const host = Number(parts.pop());
  return { ip: parts.pop() ?? null, host, container };
}

/** What a plain HTTP call answered. */
type Answer = { status: number; body: string; setCookie: string[] };

/**
 * A POST as a browser sends it through compose's port mapping: to the server's real port, with the
 * `Host` and `Origin` headers of the address the browser opened (given in `headers`).
 */
function post(server: string, path: string, body: unknown, headers: Record<string, string>): Promise<Answer> {
  const target = new URL(path, server);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers['set-cookie'] ?? [] }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Runs a healthcheck command with the container's environment; resolves with its exit code. */
function runHealthcheck(command: string[], env: Record<string, string>): Promise<number> {
  const [file = '', ...args] = command;
  return new Promise((resolve) => {
    execFile(file === 'node' ? process.execPath : file, args, { env, timeout: 10_000 }, (error) =>
      resolve(error ? Number(Reflect.get(error, 'code') ?? 1) : 0),
    );
  });
}

describe('docker-compose.yml: the server service, started with its environment', () => {
  const published = publishedPort();
  // The container's environment: the image's ENV, then compose's; a required `${VAR:?message}` gets a
  // value here as `docker compose` takes it from .env (it refuses to start without it).
  const required = Object.entries(service.environment).filter(([, value]) => /^\$\{\w+:\?.+\}$/.test(value));
  const containerEnv = {
    ...imageEnv(),
    ...service.environment,
    ...Object.fromEntries(required.map(([key]) => [key, `compose-test-${key}-0123456789abcdef0123456789`])),
  };
  const publicUrl = new URL(containerEnv.PUBLIC_URL ?? '');
  const hostHeader = `${publicUrl.hostname}:${published.host}`;
  let server: ChildServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'devflow-compose-'));
    // DATABASE_URL and REDIS_URL name compose's own containers: the embedded defaults stand in (the
    // Origin check does not depend on them). HOST/PORT are the container side of the port mapping:
    // loopback and a free port here; requests still carry the published address as their Host.
    const { DATABASE_URL: _database, REDIS_URL: _redis, ...env } = containerEnv;
    server = await spawnServer({ ...env, HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir });
  }, 120_000);
  afterAll(async () => {
    server.kill();
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('publishes on loopback the port PUBLIC_URL names, mapped to the PORT the server listens on', () => {
    expect(published.ip).toBe('127.0.0.1');
    expect(published.container).toBe(Number(containerEnv.PORT));
    expect(Number(publicUrl.port || 80)).toBe(published.host);
  });

  it('takes cookie-authenticated writes from http://127.0.0.1:3000 and http://localhost:3000 and refuses other origins', async () => {
    const browser = `http://127.0.0.1:${published.host}`;
    const registered = await post(
      server.url,
      '/trpc/auth.register',
      { email: 'ada@devflow.dev', username: 'ada', password: 'correct horse battery staple' },
      { origin: browser, host: hostHeader },
    );
    expect(registered.status).toBe(200);
    const cookie = registered.setCookie
      .map((line) => line.split(';')[0])
      .find((pair) => pair?.startsWith('devflow_session='));
    expect(cookie).toBeDefined();

    const write = (origin: string) =>
      post(
        server.url,
        '/trpc/user.updateProfile',
        { displayName: `From ${origin}` },
        {
          origin,
          cookie: cookie ?? '',
          host: new URL(origin).host,
        },
      );
    for (const origin of [`http://127.0.0.1:${published.host}`, `http://localhost:${published.host}`]) {
      const answer = await write(origin);
      expect({ origin, status: answer.status }).toEqual({ origin, status: 200 });
      expect(JSON.parse(answer.body)).toMatchObject({ result: { data: { displayName: `From ${origin}` } } });
    }
    for (const origin of [
      'https://evil.example',
      `http://127.0.0.1:${published.host + 1}`,
      `http://192.168.1.20:${published.host}`,
    ]) {
      const answer = await write(origin);
      expect({ origin, status: answer.status }).toEqual({ origin, status: 403 });
      expect(answer.body).toContain('Cross-site request refused');
    }
  });

  it("runs compose's and the image's healthchecks against the PORT the server listens on", async () => {
    const port = new URL(server.url).port;
    const closed = String(await freePort());
    const compose = service.healthcheck.test;
    expect(compose[0]).toBe('CMD');
    const image = /HEALTHCHECK .*? CMD (.+)$/m.exec(dockerfile)?.[1] ?? '';
    expect(image).not.toBe('');
    for (const [label, command] of [
      ['compose', compose.slice(1)],
      ['Dockerfile', ['/bin/sh', '-c', image]],
    ] as const) {
      const env = { ...containerEnv, PATH: process.env.PATH ?? '' };
      expect({ label, up: await runHealthcheck([...command], { ...env, PORT: port }) }).toEqual({
        label,
        up: 0,
      });
      expect({ label, down: await runHealthcheck([...command], { ...env, PORT: closed }) }).toEqual({
        label,
        down: 1,
      });
    }
  });
});
