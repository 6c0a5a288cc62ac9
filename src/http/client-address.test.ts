import { describe, expect, it } from 'vitest';
import { rateLimitAddress } from './client-address.ts';

describe('rateLimitAddress', () => {
  it('keeps IPv4 as it is, also when mapped into IPv6', () => {
    expect(rateLimitAddress('203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(rateLimitAddress('unknown')).toBe('unknown');
  });

  it('counts IPv6 by its /64, however it is written', () => {
    const a = rateLimitAddress('2001:db8:85a3:42:1:2:3:4');
    expect(a).toBe('2001:db8:85a3:42::/64');
    expect(rateLimitAddress('2001:0db8:85a3:0042:ffff:ffff:ffff:ffff')).toBe(a);
    expect(rateLimitAddress('2001:db8:85a3:42::9')).toBe(a);
    expect(rateLimitAddress('2001:db8:85a3:43::9')).not.toBe(a);
    expect(rateLimitAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitAddress('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitAddress('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
  });
});
