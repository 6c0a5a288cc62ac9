import { asc, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from './audit.tables.ts';
import { auditContentText, auditHash, GENESIS_HASH } from './audit-hash.ts';

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

/**
 * The lock every append takes first (`appendAuditEntries`). A statement may take it with its own
 * work, and the append then skips it (`locked`): the append must be a later statement, whose
 * snapshot sees the entries of whoever held the lock before.
 */
export const AUDIT_LOCK = sql`pg_advisory_xact_lock(7242001)`;

/**
 * Appends entries in this order, each linked to the one before: with the lock taken, one
 * statement reads the last hash and inserts the entries, hashing them as `auditHash` does (the
 * previous hash, a newline and the entry's canonical JSON, as UTF-8 bytes: the JSON travels as
 * hex, so the database's encoding cannot change a byte). Its rows take their sequence numbers in
 * the order listed.
 */
export async function appendAuditEntries(tx: Db, entries: AuditEntry[], options: { locked?: boolean } = {}): Promise<void> {
  if (entries.length === 0) return;
  if (!options.locked) await tx.execute(sql`SELECT ${AUDIT_LOCK}`);
  const rows = entries.map((entry, i) => {
    const content = { at: entry.at, actor: entry.actor, action: entry.action, subject: entry.subject ?? null, target: entry.target ?? null, data: entry.data ?? {} };
    return { ...content, i: i + 1, at: entry.at.toISOString(), content: Buffer.from(auditContentText(content), 'utf8').toString('hex') };
  });
  await tx.execute(sql`WITH RECURSIVE e AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(i integer, at timestamptz, actor text, action text, subject text, target text, data jsonb, content text)
    ), c(i, prev, hash) AS (
      SELECT 0, NULL::text, coalesce((SELECT hash FROM ${auditLog} ORDER BY seq DESC LIMIT 1), ${GENESIS_HASH})
      UNION ALL
      SELECT e.i, c.hash, encode(sha256(convert_to(c.hash || chr(10), 'UTF8') || decode(e.content, 'hex')), 'hex') FROM c JOIN e ON e.i = c.i + 1
    )
    INSERT INTO ${auditLog} (at, actor, action, subject, target, data, prev_hash, hash)
    SELECT e.at, e.actor, e.action, e.subject, e.target, e.data, c.prev, c.hash FROM e JOIN c ON c.i = e.i ORDER BY e.i`);
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
