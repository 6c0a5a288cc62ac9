import { and, eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError, type ErrorCode } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotification, type NotificationJob } from '../accounts/notifications.ts';
import { newId } from '../ids.ts';
import { nextStatus, type ApplicationEvent, type TransitionActor } from '../domain/application-transitions.ts';
import { applicationEvents, applications } from './cancellation.tables.ts';
import { subjectIdOf, type ApplicationRow } from './application-store.ts';

/** Where the buyer reads the status of their request; the only link cancellation mail carries. */
export const BUYER_STATUS_PATH = '/account/cancel/status';

/** Timeline event name of each transition (what the buyer and reviewers read). */
export const TIMELINE_EVENT: Record<ApplicationEvent, string> = {
  claim: 'in_review',
  first_approval: 'first_approval',
  approve: 'approved',
  reject: 'rejected',
  request_info: 'needs_info',
  start_grace: 'grace_started',
  resubmit: 'resubmitted',
  withdraw: 'withdrawn',
  grace_blocked: 'returned_to_review',
  start_erasure: 'erasure_started',
  complete_erasure: 'erased',
};

export interface TransitionActorInfo {
  role: TransitionActor;
  /** Pseudonymous actor for the audit log: the reviewer's or buyer's subject id, or `system`. */
  subjectId: string;
  /** The acting user (reviewer or buyer), when a person acts. */
  userId?: string;
}

export interface TransitionRequest {
  /** The application as the caller read it: its `version` is the optimistic-concurrency guard. */
  application: ApplicationRow;
  event: ApplicationEvent;
  actor: TransitionActorInfo;
  /** Other columns that change with the status (decision, deadlines, claim…). */
  set?: Partial<Omit<typeof applications.$inferInsert, 'id' | 'userId' | 'status' | 'version'>>;
  /** Non-personal detail for the timeline and the audit entry (reason codes, dates, counts). */
  detail?: Record<string, unknown>;
  /** Write no timeline entry (e.g. renewing a claim does not change anything the buyer sees). */
  silent?: boolean;
  /** The buyer's notification this transition causes. */
  notify?: Pick<NotificationJob, 'template' | 'vars' | 'linkPath' | 'secretRef'>;
  /** Audit action, when it should say more than the timeline event (e.g. `application.claimed`). */
  auditAction?: string;
  /** Error when someone else changed the application first. */
  staleError?: ErrorCode;
}

/**
 * The one way an application changes status. In the caller's transaction: checks the transition
 * table, writes the new status with `UPDATE … WHERE id AND version` (optimistic concurrency, so of
 * two concurrent changes exactly one wins), the timeline entry, the audit entry and the buyer's
 * notification. Returns the updated row.
 */
export async function applyTransition(ctx: AppContext, tx: Db, request: TransitionRequest): Promise<ApplicationRow> {
  const { application, event, actor } = request;
  const verdict = nextStatus(application.status, event, actor.role);
  if (!verdict.ok) throw new AppError('INVALID_TRANSITION', { status: application.status });
  const now = ctx.clock.now();
  const [updated] = await tx
    .update(applications)
    .set({ ...request.set, status: verdict.to, version: sql`${applications.version} + 1`, updatedAt: now })
    .where(and(eq(applications.id, application.id), eq(applications.version, application.version)))
    .returning();
  if (!updated) throw new AppError(request.staleError ?? 'STALE_APPLICATION');

  if (!request.silent) {
    await tx.insert(applicationEvents).values({
      id: newId('evt'),
      applicationId: application.id,
      at: now,
      event: TIMELINE_EVENT[event],
      detail: request.detail ?? null,
      actorRole: actor.role,
    });
  }
  await appendAudit(tx, {
    at: now,
    actor: actor.subjectId,
    action: request.auditAction ?? `application.${TIMELINE_EVENT[event]}`,
    subject: await subjectIdOf(tx, application.userId),
    target: application.id,
    data: { from: application.status, to: verdict.to, ...(request.detail ?? {}) },
  });
  if (request.notify) {
    await enqueueNotification(ctx, tx, {
      userId: application.userId,
      template: request.notify.template,
      vars: request.notify.vars,
      linkPath: request.notify.linkPath ?? BUYER_STATUS_PATH,
      secretRef: request.notify.secretRef,
    });
  }
  return updated;
}

/** Records a timeline entry that is not a status change (the submission itself). */
export async function addTimelineEvent(
  ctx: AppContext,
  tx: Db,
  applicationId: string,
  event: string,
  actorRole: TransitionActor,
  detail?: Record<string, unknown>,
): Promise<void> {
  await tx.insert(applicationEvents).values({ id: newId('evt'), applicationId, at: ctx.clock.now(), event, detail: detail ?? null, actorRole });
}
