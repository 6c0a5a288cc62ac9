import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Request signing as Standard Webhooks does it: HMAC-SHA256 over `id.timestamp.body`, sent as
 * `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature: v1,<base64>`. A receiver
 * checks the signature and that the timestamp is recent, which stops forgeries and replays.
 * A secret written `whsec_<base64>` is used decoded, as the spec says; any other secret as its bytes.
 */
export function secretBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

export function signature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function signedHeaders(secret: string, body: string, now: Date = new Date()): Record<string, string> {
  const id = `msg_${randomBytes(12).toString('base64url')}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(secret, id, timestamp, body) };
}

/** Verifies headers produced by `signedHeaders` (any of several space-separated signatures may match). */
export function verifySignedHeaders(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const one = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = one('webhook-id');
  const timestamp = Number(one('webhook-timestamp'));
  const presented = one('webhook-signature');
  if (!id || !presented || !Number.isInteger(timestamp)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signature(secret, id, timestamp, body));
  return presented.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
