import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { KeyStore } from '../keys/key-store.ts';

/** The KeyStore secret whose 32 bytes are the Ed25519 private key's seed. */
export const SIGNING_SEED = 'certificate-signing-ed25519';

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKey {
  privateKey: KeyObject;
  publicJwk: JWK & { kid: string };
  kid: string;
}

let cached: { seed: string; key: SigningKey } | null = null;

/**
 * The certificate signing key, derived from a service secret of the KeyStore (so every server and
 * worker signs with the same key, and it lives apart from the database). `kid` is the RFC 7638
 * thumbprint of the public key.
 */
export async function signingKey(keys: KeyStore): Promise<SigningKey> {
  const seed = await keys.serviceSecret(SIGNING_SEED);
  const fingerprint = seed.toString('base64');
  if (cached?.seed === fingerprint) return cached.key;
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x! });
  const key: SigningKey = { privateKey, kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid, alg: 'EdDSA', use: 'sig' } };
  cached = { seed: fingerprint, key };
  return key;
}

/** The public keys as a JWKS, for `/.well-known/adieu/certificate-keys` and offline verification. */
export async function certificateJwks(keys: KeyStore): Promise<{ keys: JWK[] }> {
  return { keys: [(await signingKey(keys)).publicJwk] };
}
