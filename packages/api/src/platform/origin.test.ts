import { describe, expect, it } from 'vitest';
import { trustedOrigins } from './origin';

describe('trustedOrigins (the cookie CSRF check)', () => {
  it('accepts the loopback aliases of a loopback PUBLIC_URL, with the same scheme and port only', () => {
    expect([...trustedOrigins('http://localhost:3000')].sort()).toEqual([
      'http://127.0.0.1:3000',
      'http://[::1]:3000',
      'http://localhost:3000',
    ]);
    expect([...trustedOrigins('http://127.0.0.1:3000/')].sort()).toEqual([
      'http://127.0.0.1:3000',
      'http://[::1]:3000',
      'http://localhost:3000',
    ]);
    expect([...trustedOrigins('https://[::1]')].sort()).toEqual([
      'https://127.0.0.1',
      'https://[::1]',
      'https://localhost',
    ]);
  });

  it('gives a public PUBLIC_URL no aliases', () => {
    expect([...trustedOrigins('https://devflow.example.com/')]).toEqual(['https://devflow.example.com']);
    expect([...trustedOrigins('http://192.168.1.20:3000')]).toEqual(['http://192.168.1.20:3000']);
  });

  it('never lets another port, scheme or a look-alike host through', () => {
    const origins = trustedOrigins('http://localhost:3000');
    for (const origin of [
      'http://localhost:3001',
      'https://localhost:3000',
      'http://127.0.0.2:3000',
      'http://localhost.evil.example:3000',
      'http://evil.localhost:3000',
      'null',
    ]) {
      expect(origins.has(origin), origin).toBe(false);
    }
  });
});
