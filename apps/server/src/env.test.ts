import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAppSecret, loadEnv, oauthConfig } from './env';

describe('configuration', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const env = loadEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.publicUrl).toBe('http://127.0.0.1:3000');
    expect(env.mailOutbox).toMatch(/\.data\/outbox\.jsonl$/);
    expect(env.RATE_LIMITS.loginAccountIp).toEqual({ points: 10, durationSeconds: 900 });
  });

  it('treats empty variables as unset, as docker-compose and .env files produce them', () => {
    const env = loadEnv({ DATABASE_URL: '', REDIS_URL: ' ', SMTP_URL: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
  });

  it('reads real services and overrides', () => {
    const env = loadEnv({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: '8080',
      PUBLIC_URL: 'https://devflow.example.com/',
      RATE_LIMITS: '{"writes":{"points":120,"durationSeconds":60}}',
    });
    expect(env.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(env.PORT).toBe(8080);
    expect(env.publicUrl).toBe('https://devflow.example.com');
    expect(env.RATE_LIMITS.writes).toEqual({ points: 120, durationSeconds: 60 });
    expect(env.RATE_LIMITS.register).toEqual({ points: 20, durationSeconds: 3600 });
  });

  it('names every invalid variable in one error', () => {
    let error: unknown;
    try {
      loadEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://db', LOG_LEVEL: 'loud', GITHUB_CLIENT_ID: 'abc' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((p) => p.variable).sort();
    expect(variables).toEqual(['DATABASE_URL', 'GITHUB_CLIENT_SECRET', 'LOG_LEVEL', 'PORT']);
    expect((error as ConfigError).message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect((error as ConfigError).message).toMatch(/DATABASE_URL: must be a URL like postgres:\/\//);
  });

  it('refuses RATE_LIMITS that is not JSON or has unknown limits', () => {
    expect(() => loadEnv({ RATE_LIMITS: '{nope' })).toThrow(/RATE_LIMITS: must be a JSON object/);
    expect(() => loadEnv({ RATE_LIMITS: '{"logins":3}' })).toThrow(/RATE_LIMITS/);
    expect(() => loadEnv({ RATE_LIMITS: '{"writes":{"points":-1,"durationSeconds":60}}' })).toThrow(
      /RATE_LIMITS: .*\(writes\.points\)/,
    );
  });

  it('reads the per-network code limits from RATE_LIMITS, with the defaults for the rest', () => {
    const env = loadEnv({
      RATE_LIMITS:
        '{"otpTriesIp":{"points":3,"durationSeconds":60},"otpRequestAccountIp":{"points":2,"durationSeconds":600}}',
    });
    expect(env.RATE_LIMITS.otpTriesIp).toEqual({ points: 3, durationSeconds: 60 });
    expect(env.RATE_LIMITS.otpRequestAccountIp).toEqual({ points: 2, durationSeconds: 600 });
    expect(env.RATE_LIMITS.otpTries).toBe(30);
    expect(loadEnv({}).RATE_LIMITS.otpTriesIp).toEqual({ points: 5, durationSeconds: 15 * 60 });
  });

  it('never echoes secrets back in the error', () => {
    expect(() => loadEnv({ REDIS_URL: 'http://:hunter2@cache' })).toThrow(/REDIS_URL/);
    try {
      loadEnv({ REDIS_URL: 'http://:hunter2@cache' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('turns OAuth on per provider, with the real endpoints unless overridden', () => {
    expect(oauthConfig(loadEnv({}))).toMatchObject({ github: null, google: null, timeoutMs: 10_000 });
    const config = oauthConfig(
      loadEnv({
        GITHUB_CLIENT_ID: 'gh-id',
        GITHUB_CLIENT_SECRET: 'gh-secret',
        GOOGLE_CLIENT_ID: 'g-id',
        GOOGLE_CLIENT_SECRET: 'g-secret',
        GOOGLE_TOKEN_URL: 'http://127.0.0.1:9999/token',
        GOOGLE_ISSUER: 'http://127.0.0.1:9999',
        OAUTH_TIMEOUT_MS: '2500',
      }),
    );
    expect(config.github).toEqual({
      clientId: 'gh-id',
      clientSecret: 'gh-secret',
      authorizeUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      apiUrl: 'https://api.github.com',
    });
    expect(config.google).toMatchObject({
      tokenUrl: 'http://127.0.0.1:9999/token',
      jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
      issuers: ['http://127.0.0.1:9999'],
    });
    expect(config.timeoutMs).toBe(2500);
  });

  it('names an unpaired OAuth secret and a malformed provider endpoint', () => {
    expect(() => loadEnv({ GOOGLE_CLIENT_SECRET: 'lonely' })).toThrow(
      /GOOGLE_CLIENT_ID: must be set together with GOOGLE_CLIENT_SECRET/,
    );
    expect(() => loadEnv({ GITHUB_TOKEN_URL: 'ftp://github.example' })).toThrow(
      /GITHUB_TOKEN_URL: must be a URL/,
    );
  });

  it('requires APP_SECRET in production, long enough, and never prints it', () => {
    expect(() => loadEnv({ NODE_ENV: 'production' })).toThrow(
      /APP_SECRET: is required when NODE_ENV=production/,
    );
    const short = (() => {
      try {
        loadEnv({ APP_SECRET: 'hunter2-hunter2' });
      } catch (error) {
        return error instanceof ConfigError ? error.message : '';
      }
      return '';
    })();
    expect(short).toMatch(/APP_SECRET: .*at least 32 characters/);
    expect(short).not.toContain('hunter2');
    const secret = 'a'.repeat(64);
    const env = loadEnv({ NODE_ENV: 'production', APP_SECRET: secret });
    expect(loadAppSecret(env)).toBe(secret);
  });

  it('generates APP_SECRET once into DATA_DIR (mode 0600) and keeps it across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'devflow-secret-'));
    try {
      const first = loadAppSecret(loadEnv({ DATA_DIR: dir }));
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      const file = join(dir, 'app-secret');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8').trim()).toBe(first);
      expect(loadAppSecret(loadEnv({ DATA_DIR: dir }))).toBe(first);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the mail retry schedule from MAIL_RETRY and refuses a malformed one', () => {
    expect(loadEnv({}).MAIL_RETRY).toEqual({ limit: 34, delaySeconds: 2, maxDelaySeconds: 3600 });
    expect(loadEnv({ MAIL_RETRY: '{"limit":5,"delaySeconds":1,"maxDelaySeconds":1}' }).MAIL_RETRY).toEqual({
      limit: 5,
      delaySeconds: 1,
      maxDelaySeconds: 1,
    });
    expect(() => loadEnv({ MAIL_RETRY: 'often' })).toThrow(/MAIL_RETRY: must be a JSON object/);
    expect(() => loadEnv({ MAIL_RETRY: '{"limit":-1}' })).toThrow(/MAIL_RETRY/);
  });
});
