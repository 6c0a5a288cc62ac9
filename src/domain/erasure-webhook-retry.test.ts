import { describe, expect, it } from 'vitest';
import { nextAttempt, parseRetryAfter } from './erasure-webhook-retry.ts';

const now = new Date('2026-03-01T12:00:00Z');
const base = { firstAttemptAt: now, now, retryAfterSeconds: null, windowHours: 72 };

describe('webhook retries', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:05:00 GMT', now)).toBe(300);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it('backs off exponentially with jitter in the upper half, capped', () => {
    const low = nextAttempt({ ...base, attempt: 1, random: () => 0 });
    const high = nextAttempt({ ...base, attempt: 1, random: () => 0.999 });
    expect(low).toEqual({ retry: true, delaySeconds: 15 });
    expect(high).toEqual({ retry: true, delaySeconds: 30 });
    expect(nextAttempt({ ...base, attempt: 4, random: () => 0 })).toEqual({ retry: true, delaySeconds: 120 });
    expect(nextAttempt({ ...base, attempt: 30, random: () => 0 })).toEqual({ retry: true, delaySeconds: 3 * 3600 });
  });

  it('honours Retry-After, and stops at the end of the window', () => {
    expect(nextAttempt({ ...base, attempt: 1, retryAfterSeconds: 900, random: () => 0 })).toEqual({ retry: true, delaySeconds: 900 });
    const late = new Date(now.getTime() + 71.9 * 3600_000);
    expect(nextAttempt({ ...base, now: late, attempt: 9, random: () => 0.5 })).toEqual({ retry: true, delaySeconds: 360 });
    expect(nextAttempt({ ...base, now: new Date(now.getTime() + 72 * 3600_000), attempt: 10, random: () => 0.5 })).toEqual({ retry: false });
  });
});
