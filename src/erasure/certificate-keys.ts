import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import type { KeyStore } from '../keys/key-store.ts';
import { loadJose } from '../keys/load-jose.ts';

/** The KeyStore secret whose 32 bytes are the first Ed25519 private key's seed. */
export const SIGNING_SEED = 'certificate-signing-ed25519';
/** The key store record listing every signing key (public halves, states), see `SigningKeyEntry`. */
const REGISTRY = 'signing-keys';

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export type PublicJwk = JWK & { kid: string };

export interface SigningKey {
  privateKey: KeyObject;
  publicJwk: PublicJwk;
  kid: string;
}

/**
 * One certificate signing key. `active`: signs new certificates (exactly one); `previous`: signed
 * earlier ones, private half kept; `retired`: private half destroyed. Every state stays in the JWKS,
 * so every certificate ever issued keeps verifying.
 */
export interface SigningKeyEntry {
  kid: string;
  /** The key store service secret holding the seed. */
  secret: string;
  state: 'active' | 'previous' | 'retired';
  createdAt: string;
  retiredAt?: string;
  publicJwk: PublicJwk;
}

const cache = new Map<string, SigningKey>();

/** The Ed25519 key of a seed; `kid` is the RFC 7638 thumbprint of its public key. */
async function keyFromSeed(seed: Buffer): Promise<SigningKey> {
  const fingerprint = seed.toString('base64');
  const cached = cache.get(fingerprint);
  if (cached) return cached;
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed.subarray(0, 32)]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const { calculateJwkThumbprint } = await loadJose();
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x! });
  const key: SigningKey = { privateKey, kid, publicJwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, kid, alg: 'EdDSA', use: 'sig' } };
  cache.set(fingerprint, key);
  return key;
}

async function entryFor(keys: KeyStore, secret: string, state: SigningKeyEntry['state']): Promise<SigningKeyEntry> {
  const key = await keyFromSeed(await keys.serviceSecret(secret));
  return { kid: key.kid, secret, state, createdAt: new Date().toISOString(), publicJwk: key.publicJwk };
}

/** Every signing key. The first call of a deployment records its first key (the seed it always had). */
export async function signingKeys(keys: KeyStore): Promise<SigningKeyEntry[]> {
  const text = await keys.readMeta(REGISTRY);
  if (text) return JSON.parse(text) as SigningKeyEntry[];
  const first = [await entryFor(keys, SIGNING_SEED, 'active')];
  return JSON.parse(await keys.writeMeta(REGISTRY, JSON.stringify(first), { ifAbsent: true })) as SigningKeyEntry[];
}

/** The key new certificates are signed with. Read each time, so a rotation reaches every process. */
export async function signingKey(keys: KeyStore): Promise<SigningKey> {
  const active = (await signingKeys(keys)).find((entry) => entry.state === 'active');
  if (!active) throw new Error('no active certificate signing key: run `adieu keys rotate-signing`');
  const key = await keyFromSeed(await keys.serviceSecret(active.secret));
  if (key.kid !== active.kid) throw new Error(`certificate signing key ${active.kid} does not match its seed in the key store`);
  return key;
}

/** The public keys as a JWKS, for `/.well-known/adieu/certificate-keys` and offline verification. */
export async function certificateJwks(keys: KeyStore): Promise<{ keys: JWK[] }> {
  const entries = await signingKeys(keys);
  // The active key first, then the newest: a verifier that only looks at the first key still checks new certificates.
  return { keys: [...entries.filter((e) => e.state === 'active'), ...entries.filter((e) => e.state !== 'active').reverse()].map((e) => e.publicJwk) };
}

/** `adieu keys rotate-signing`: a new key signs from now on; the one before stays in the JWKS. */
export async function rotateSigningKey(keys: KeyStore): Promise<SigningKeyEntry> {
  const entries = await signingKeys(keys);
  const added = await entryFor(keys, `${SIGNING_SEED}-${randomBytes(6).toString('hex')}`, 'active');
  const next = [...entries.map((e) => (e.state === 'active' ? { ...e, state: 'previous' as const } : e)), added];
  await keys.writeMeta(REGISTRY, JSON.stringify(next));
  return added;
}

/**
 * `adieu keys retire-signing KID`: destroys a previous key's private half; its public half stays in
 * the JWKS, so what it signed keeps verifying. The active key cannot be retired (rotate first).
 */
export async function retireSigningKey(keys: KeyStore, kid: string): Promise<SigningKeyEntry> {
  const entries = await signingKeys(keys);
  const entry = entries.find((e) => e.kid === kid);
  if (!entry) throw new Error(`no certificate signing key ${kid} (known: ${entries.map((e) => e.kid).join(', ')})`);
  if (entry.state === 'active') throw new Error(`${kid} is the active signing key: run \`adieu keys rotate-signing\` first`);
  const retired: SigningKeyEntry = { ...entry, state: 'retired', retiredAt: entry.retiredAt ?? new Date().toISOString() };
  // The record first: a crash in between leaves a retired key whose seed is still there (retire again).
  await keys.writeMeta(REGISTRY, JSON.stringify(entries.map((e) => (e.kid === kid ? retired : e))));
  await keys.destroyServiceSecret(entry.secret);
  return retired;
}
