import { and, eq, isNotNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import type { KeyStore } from '../keys/key-store.ts';
import { users } from '../accounts/accounts.tables.ts';
import { erasureRuns, erasureSteps } from './erasure.tables.ts';
import { runKeyId } from './run-keys.ts';

/**
 * A record of what was erased: the ids of key-store keys that must stay destroyed. Today the main
 * database's tombstones; a separate forget list (kept apart from both databases, so it survives the
 * restore of either) can implement this too and be passed beside it.
 */
export interface ErasureRecord {
  readonly name: string;
  /** Subject-key ids (a user id, or `run-<id>` for an erasure run's own key). */
  destroyedKeyIds(): Promise<string[]>;
}

/**
 * The main database's record: accounts that are erased or whose erasure passed its shred step
 * (their key), and finished erasure runs (the run's own key, destroyed as the run's last act).
 */
export function mainDatabaseRecord(db: Db): ErasureRecord {
  return {
    name: 'main database',
    async destroyedKeyIds() {
      const erased = await db
        .select({ id: users.id })
        .from(users)
        .where(or(eq(users.status, 'erased'), isNotNull(users.erasedAt)));
      const shredded = await db
        .selectDistinct({ id: erasureRuns.userId })
        .from(erasureRuns)
        .innerJoin(erasureSteps, eq(erasureSteps.runId, erasureRuns.id))
        .where(and(eq(erasureSteps.state, 'done'), sql`${erasureSteps.spec}->>'kind' = 'shred'`));
      const finished = await db.select({ id: erasureRuns.id }).from(erasureRuns).where(eq(erasureRuns.state, 'completed'));
      return [...new Set([...erased.map((r) => r.id), ...shredded.map((r) => r.id), ...finished.map((r) => runKeyId(r.id))])];
    },
  };
}

/**
 * `adieu keys reconcile`: after a key store was restored from a backup, destroys again every key
 * the erasure record says was destroyed (a backup taken before an erasure holds that buyer's key).
 * Safe to run any time, and twice.
 */
export async function reconcileKeys(keys: KeyStore, records: ErasureRecord[], options: { dryRun?: boolean } = {}): Promise<{ checked: number; resurrected: string[] }> {
  const ids = new Set<string>();
  for (const record of records) for (const id of await record.destroyedKeyIds()) ids.add(id);
  const resurrected: string[] = [];
  for (const id of [...ids].sort()) {
    // A key wrapped by a KEK no longer configured still counts: it is there, and goes.
    if ((await keys.findSubjectKey(id).catch(() => Buffer.alloc(0))) !== null) resurrected.push(id);
    // Also when absent: the tombstone keeps a late writer from minting the key again.
    if (!options.dryRun) await keys.destroySubjectKey(id);
  }
  return { checked: ids.size, resurrected };
}
