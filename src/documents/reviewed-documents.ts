import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from '../audit/audit.tables.ts';
import { documents } from './documents.tables.ts';

export interface DocumentReview {
  /** The application's documents that are still kept. */
  documentIds: string[];
  /** Those of them this reviewer has opened for this application (from the audited views). */
  viewedIds: string[];
}

/**
 * Which of an application's kept documents one reviewer has opened. The audit log is the record of
 * views (every view is audited before the image leaves), read through its subject index.
 */
export async function documentReview(tx: Db, applicationId: string, buyerSubjectId: string, reviewerSubjectId: string): Promise<DocumentReview> {
  const kept = await tx
    .select({ id: documents.id })
    .from(documents)
    .where(and(eq(documents.applicationId, applicationId), isNull(documents.destroyedAt)));
  if (kept.length === 0) return { documentIds: [], viewedIds: [] };
  const views = await tx
    .selectDistinct({ target: auditLog.target })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.subject, buyerSubjectId),
        eq(auditLog.action, 'document.viewed'),
        eq(auditLog.actor, reviewerSubjectId),
        sql`${auditLog.data}->>'applicationId' = ${applicationId}`,
      ),
    );
  const viewed = new Set(views.map((v) => v.target));
  const documentIds = kept.map((d) => d.id).sort();
  return { documentIds, viewedIds: documentIds.filter((id) => viewed.has(id)) };
}
