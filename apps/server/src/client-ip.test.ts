import { describe, expect, it } from 'vitest';
import { clientIp } from './client-ip';

describe('client IP', () => {
  it('uses the socket address and ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIp('::ffff:10.0.0.5', '1.2.3.4', 0)).toBe('10.0.0.5');
  });

  it('believes exactly the trusted hops, not what a client wrote before them', () => {
    expect(clientIp('10.0.0.1', 'spoofed, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientIp('10.0.0.1', 'spoofed, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7');
  });
});
