import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from './audit.tables.ts';

const AUDIT_PAGE = 50;

export interface AuditFilter {
  /** The `seq` of the last entry of the previous page (newest first). */
  cursor?: number;
  subject?: string;
  action?: string;
}

/** One page of the audit log, newest first (GET /api/admin/audit). */
export async function listAuditEntries(db: Db, filter: AuditFilter) {
  const { cursor, subject, action } = filter;
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(cursor ? lt(auditLog.seq, cursor) : undefined, subject ? eq(auditLog.subject, subject) : undefined, action ? eq(auditLog.action, action) : undefined))
    .orderBy(desc(auditLog.seq))
    .limit(AUDIT_PAGE + 1);
  const page = rows.slice(0, AUDIT_PAGE);
  return {
    items: page.map((r) => ({ seq: r.seq, at: r.at.toISOString(), actor: r.actor, action: r.action, subject: r.subject, target: r.target, data: r.data, hash: r.hash })),
    nextCursor: rows.length > AUDIT_PAGE ? String(page[page.length - 1].seq) : null,
  };
}
