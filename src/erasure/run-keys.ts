import { createHmac, hkdfSync } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { decryptField, encryptField } from '../keys/field-cipher.ts';
import { KeyExistsError } from '../keys/key-store.ts';

/**
 * Each run has a random key of its own in the KeyStore (apart from the database, like the buyer's
 * key). From it come the pseudonymisation key and the key that keeps the buyer's identifiers
 * readable for the run's verification scan and last mail. The run destroys it as its final act,
 * so pseudonyms become unlinkable and the identifiers unreadable for good.
 */
export const runKeyId = (runId: string) => `run-${runId}`;
const keyId = runKeyId;

function derive(runKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', runKey, Buffer.alloc(0), `adieu-erasure:${purpose}`, 32));
}

/**
 * The run's key, read only: `KeyMissingError` when the store lost it (a new key would pseudonymise
 * differently from the rows already done), `KeyDestroyedError` once the run destroyed it.
 */
export async function runKey(ctx: AppContext, runId: string): Promise<Buffer> {
  return ctx.keys.subjectKey(keyId(runId));
}

/**
 * The run mints its own key in its first step (prepare), the only place a run key is created.
 * Prepare may run again after a crash: the key it made before is reused. Nothing was sealed or
 * pseudonymised under a run key before prepare committed, so making it here can orphan nothing.
 */
async function mintRunKey(ctx: AppContext, runId: string): Promise<Buffer> {
  try {
    return await ctx.keys.createSubjectKey(keyId(runId));
  } catch (error) {
    if (error instanceof KeyExistsError) return ctx.keys.subjectKey(keyId(runId));
    throw error;
  }
}

export async function destroyRunKey(ctx: AppContext, runId: string): Promise<void> {
  await ctx.keys.destroySubjectKey(keyId(runId));
}

export async function runKeyExists(ctx: AppContext, runId: string): Promise<boolean> {
  return (await ctx.keys.findSubjectKey(keyId(runId))) !== null;
}

/** The pseudonymisation key as the two padded HMAC halves SQL needs: (K ⊕ opad), (K ⊕ ipad), hex. */
export async function hmacHalves(ctx: AppContext, runId: string): Promise<{ outer: string; inner: string; key: Buffer }> {
  return hmacHalvesOf(derive(await runKey(ctx, runId), 'pseudonymise'));
}

/** The padded halves of any HMAC key (a re-applied erasure pseudonymises under a key it then drops). */
export function hmacHalvesOf(key: Buffer): { outer: string; inner: string; key: Buffer } {
  const block = Buffer.alloc(64);
  key.copy(block);
  const outer = Buffer.from(block.map((b) => b ^ 0x5c));
  const inner = Buffer.from(block.map((b) => b ^ 0x36));
  return { outer: outer.toString('hex'), inner: inner.toString('hex'), key };
}

/** The same pseudonym the SQL expression yields, computed here (tests, retention handles). */
export function pseudonym(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** Called by the prepare step only: it mints the run's key (see `mintRunKey`). */
export async function sealRunSecrets(ctx: AppContext, runId: string, value: unknown): Promise<string> {
  return encryptField(derive(await mintRunKey(ctx, runId), 'secrets'), JSON.stringify(value), `${runId}:secrets`);
}

export async function openRunSecrets<T>(ctx: AppContext, runId: string, sealed: string): Promise<T | null> {
  const key = await ctx.keys.findSubjectKey(keyId(runId));
  if (!key) return null;
  return JSON.parse(decryptField(derive(key, 'secrets'), sealed, `${runId}:secrets`)) as T;
}
