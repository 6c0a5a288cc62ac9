import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks (https://www.standardwebhooks.com) signing, for every signed request Adieu
 * sends or accepts: erasure deliveries, receivers' confirmations, eligibility requests.
 * `webhook-signature` is `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, several
 * space-separated; the key is the base64-decoded part of a `whsec_` secret, as the specification
 * and its official libraries use it.
 */

const SECRET_PREFIX = 'whsec_';
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

export const TOLERANCE_SECONDS = 5 * 60;

/** What a start-up refusal says, in one line. */
export const SECRET_RULE = `expected a Standard Webhooks secret (whsec_ + base64 of ${MIN_KEY_BYTES}–${MAX_KEY_BYTES} random bytes): generate one with \`npx adieu secret webhook\` (legacyRawSecret: true only for an old receiver)`;

/** True for `whsec_` followed by padded base64 of 24–64 bytes. */
export function isStandardSecret(secret: string): boolean {
  if (!secret.startsWith(SECRET_PREFIX)) return false;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= MIN_KEY_BYTES && bytes <= MAX_KEY_BYTES;
}

/** A fresh secret: 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** One configured secret as HMAC key: decoded; a legacy receiver's raw secret as its UTF-8 bytes. */
export function secretKey(secret: string, legacyRawSecret = false): Buffer {
  return legacyRawSecret ? Buffer.from(secret, 'utf8') : Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

/** The keys of a receiver or provider: its secret, then (during a rotation) its previous one. */
export function configuredKeys(entry: { secret: string; previousSecret?: string; legacyRawSecret?: boolean }): Buffer[] {
  const secrets = entry.previousSecret ? [entry.secret, entry.previousSecret] : [entry.secret];
  return secrets.map((secret) => secretKey(secret, entry.legacyRawSecret));
}

function mac(key: Buffer, id: string, timestamp: number, body: string): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
}

/** `webhook-signature`: one `v1,` signature per key, space-separated. */
export function signature(keys: Buffer[], id: string, timestamp: number, body: string): string {
  return keys.map((key) => `v1,${mac(key, id, timestamp, body).toString('base64')}`).join(' ');
}

/** The three Standard Webhooks headers for one request. */
export function signedHeaders(keys: Buffer[], id: string, timestamp: number, body: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature(keys, id, timestamp, body) };
}

/** A fresh message id, for requests that are not retried under the same id. */
export function messageId(): string {
  return `msg_${randomBytes(12).toString('base64url')}`;
}

/**
 * Checks a signed request: the timestamp within the tolerance of `nowSeconds` (replays of old
 * requests fail), and one of the space-separated `v1` signatures matching one of the keys, in
 * constant time.
 */
export function verifySignature(keys: Buffer[], headers: { id?: string; timestamp?: string; signature?: string }, body: string, nowSeconds: number): boolean {
  const { id, timestamp, signature: presented } = headers;
  if (!id || !timestamp || !presented || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const expected = keys.map((key) => mac(key, id, Number(timestamp), body));
  return presented.split(' ').some((part) => {
    const [version, value] = part.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return expected.some((want) => given.length === want.length && timingSafeEqual(given, want));
  });
}
