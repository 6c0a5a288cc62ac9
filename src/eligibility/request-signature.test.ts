import { describe, expect, it } from 'vitest';
import { signature, signedHeaders, verifySignedHeaders } from './request-signature.ts';

describe('Standard Webhooks request signature', () => {
  it('matches the example of the Standard Webhooks specification', () => {
    expect(signature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('verifies its own headers and refuses a changed body, another secret or an old timestamp', () => {
    const now = new Date('2026-03-01T10:00:00Z');
    const body = '{"subjectId":"sub_x"}';
    const headers = signedHeaders('a-secret-of-enough-length', body, now);
    expect(verifySignedHeaders('a-secret-of-enough-length', headers, body, { now })).toBe(true);
    expect(verifySignedHeaders('a-secret-of-enough-length', headers, '{"subjectId":"sub_y"}', { now })).toBe(false);
    expect(verifySignedHeaders('another-secret-entirely', headers, body, { now })).toBe(false);
    expect(verifySignedHeaders('a-secret-of-enough-length', headers, body, { now: new Date(now.getTime() + 10 * 60_000) })).toBe(false);
    expect(verifySignedHeaders('a-secret-of-enough-length', { ...headers, 'webhook-signature': undefined }, body, { now })).toBe(false);
  });
});
