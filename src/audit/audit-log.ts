import { asc, desc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from './audit.tables.ts';
import { auditHash, GENESIS_HASH } from './audit-hash.ts';

export interface AuditEntry {
  at: Date;
  /** Pseudonymous actor: a user's subject id, `system`, or `webhook:<name>`. */
  actor: string;
  action: string;
  /** Pseudonymous subject id of the buyer concerned, if any. */
  subject?: string | null;
  /** Id of the object acted on (application, document, run…). */
  target?: string | null;
  data?: Record<string, unknown>;
}

/**
 * Appends one entry inside the caller's transaction. The advisory lock orders concurrent writers,
 * so the chain never forks.
 */
export async function appendAudit(tx: Db, entry: AuditEntry): Promise<void> {
  await appendAuditEntries(tx, [entry]);
}

/** Appends entries in this order, each linked to the one before, with one lock and one insert. */
export async function appendAuditEntries(tx: Db, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.execute(sql`SELECT pg_advisory_xact_lock(7242001)`);
  const last = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  const rows = entries.map((entry) => {
    const content = {
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      subject: entry.subject ?? null,
      target: entry.target ?? null,
      data: entry.data ?? {},
    };
    const row = { ...content, prevHash, hash: auditHash(prevHash, content) };
    prevHash = row.hash;
    return row;
  });
  // One statement: its rows take their sequence numbers in the order listed.
  await tx.insert(auditLog).values(rows);
}

export type ChainVerdict = { intact: true; entries: number } | { intact: false; entries: number; firstBadSeq: number; reason: string };

/** Walks the whole chain in pages and reports the first entry whose link or content is wrong. */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let afterSeq = 0;
  let count = 0;
  for (;;) {
    const page = await db.select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(pageSize);
    if (page.length === 0) return { intact: true, entries: count };
    for (const row of page) {
      count += 1;
      if (row.prevHash !== prevHash) return { intact: false, entries: count, firstBadSeq: row.seq, reason: 'link to the previous entry is broken' };
      const expected = auditHash(prevHash, { ...row, data: row.data ?? {} });
      if (expected !== row.hash) return { intact: false, entries: count, firstBadSeq: row.seq, reason: 'content does not match its hash' };
      prevHash = row.hash;
      afterSeq = row.seq;
    }
  }
}
