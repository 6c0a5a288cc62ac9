import { createHash } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { canonicalJson } from '../audit/canonical-json.ts';
import { idempotencyKeys } from './cancellation.tables.ts';

/** How long a key is remembered (a client retrying after a lost answer does so within minutes). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface StoredAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Fingerprint of a request body: the same body in any key order gives the same hash. */
export const requestHash = (body: unknown) => createHash('sha256').update(canonicalJson(body)).digest('hex');

/**
 * The answer stored for this key, null when the key is new, or 422 IDEMPOTENCY_KEY_REUSED when the
 * key came with a different body (a client bug that must not silently get someone else's answer).
 */
export async function findStoredAnswer(db: Db, userId: string, key: string, hash: string, now: Date): Promise<StoredAnswer | null> {
  const rows = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
    .limit(1);
  const row = rows[0];
  if (!row || row.createdAt.getTime() + IDEMPOTENCY_TTL_MS <= now.getTime()) return null;
  if (row.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED');
  return { status: row.status, body: row.response as Record<string, unknown> };
}

/** Remembers the answer, in the transaction that produced it (so it exists exactly when the change does). */
export async function storeAnswer(tx: Db, userId: string, key: string, hash: string, answer: StoredAnswer, now: Date): Promise<void> {
  await tx
    .insert(idempotencyKeys)
    .values({ userId, key, requestHash: hash, status: answer.status, response: answer.body, createdAt: now })
    .onConflictDoUpdate({
      target: [idempotencyKeys.userId, idempotencyKeys.key],
      set: { requestHash: hash, status: answer.status, response: answer.body, createdAt: now },
      // Only an expired key may be taken over; a live one makes this insert a no-op and the caller
      // sees the earlier answer on its next read.
      setWhere: lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
    });
}

/** Forgets keys past their lifetime (timer). */
export async function purgeExpiredKeys(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
