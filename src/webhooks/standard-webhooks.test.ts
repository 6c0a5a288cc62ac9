import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateSecret, isStandardSecret, secretKey, signature, signedHeaders, verifySignature } from './standard-webhooks.ts';

const SPEC_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('Standard Webhooks signing', () => {
  it('matches the example of the Standard Webhooks specification', () => {
    expect(signature([secretKey(SPEC_SECRET)], 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('verifies its own headers and refuses a changed body, another secret or an old timestamp', () => {
    const now = 1_772_359_200;
    const body = '{"subjectId":"sub_x"}';
    const keys = [secretKey(generateSecret())];
    const h = signedHeaders(keys, 'msg_1', now, body);
    const headers = { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] };
    expect(verifySignature(keys, headers, body, now)).toBe(true);
    expect(verifySignature(keys, headers, '{"subjectId":"sub_y"}', now)).toBe(false);
    expect(verifySignature([secretKey(generateSecret())], headers, body, now)).toBe(false);
    expect(verifySignature(keys, headers, body, now + 10 * 60)).toBe(false);
    expect(verifySignature(keys, { ...headers, signature: undefined }, body, now)).toBe(false);
  });

  it('signs with both keys of a rotation, and the official library accepts either secret', () => {
    const [next, previous] = [generateSecret(), generateSecret()];
    const body = '{"a":1}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signedHeaders([secretKey(next), secretKey(previous)], 'msg_2', timestamp, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(next).verify(body, headers)).toEqual({ a: 1 });
    expect(new Webhook(previous).verify(body, headers)).toEqual({ a: 1 });
    expect(() => new Webhook(generateSecret()).verify(body, headers)).toThrow();
  });

  it('knows a conforming secret: whsec_ + base64 of 24–64 bytes', () => {
    expect(isStandardSecret(SPEC_SECRET)).toBe(true);
    expect(isStandardSecret(generateSecret())).toBe(true);
    expect(isStandardSecret('whsec_' + Buffer.alloc(64).toString('base64'))).toBe(true);
    expect(isStandardSecret('whsec_' + Buffer.alloc(23).toString('base64'))).toBe(false);
    expect(isStandardSecret('whsec_' + Buffer.alloc(65).toString('base64'))).toBe(false);
    expect(isStandardSecret('a-long-raw-shared-secret-0123456789')).toBe(false);
    expect(isStandardSecret('whsec_not base64 at all!!!!!!!!!!!!!!!!')).toBe(false);
  });
});
