import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signatures: `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`. A secret of the
 * form `whsec_<base64>` is used as its decoded bytes (as the spec's libraries do); any other
 * configured secret as its UTF-8 bytes.
 */
export function secretBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function signPayload(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** Standard Webhooks headers for one attempt (`webhook-id` is the same on every retry). */
export function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signPayload(secret, id, timestamp, body),
  };
}

export const TOLERANCE_SECONDS = 5 * 60;

/**
 * Checks a signed request: the timestamp within the tolerance of `nowSeconds` (replays of old
 * requests fail), and one of the space-separated `v1` signatures matching, in constant time.
 */
export function verifySignature(secret: string, headers: { id?: string; timestamp?: string; signature?: string }, body: string, nowSeconds: number): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(signPayload(secret, id, Number(timestamp), body).slice(3), 'base64');
  return signature.split(' ').some((part) => {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
