import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotification } from '../accounts/notifications.ts';
import { toLocale } from '../notify/render.ts';
import { newId } from '../ids.ts';
import { isReauthenticated, type SessionRow, type UserRow } from '../accounts/sessions.ts';
import { checkEligibility } from '../eligibility/check-eligibility.ts';
import type { ApplicationDocuments } from './application-documents.ts';
import { OPEN_STATUSES } from '../domain/application-transitions.ts';
import { applications } from './cancellation.tables.ts';
import { openApplicationText, sealApplicationText } from './application-crypto.ts';
import { findApplication, latestApplicationIn } from './application-store.ts';
import { addTimelineEvent, BUYER_STATUS_PATH } from './apply-transition.ts';
import { lockBuyerForUpdate } from './buyer-lock.ts';
import { findStoredAnswer, requestHash, storeAnswer, type StoredAnswer } from './idempotency.ts';
import { riskFlagsFor } from './risk-flags.ts';
import { toApplicationView, type ApplicationView } from './application-view.ts';
import { reviewDeadlines } from './work-calendar.ts';
import type { BuyerReasonCode } from './reason-codes.ts';

export interface SubmitInput {
  reasonCode: BuyerReasonCode;
  reasonText?: string;
  documentIds: string[];
  acknowledge: true;
}

export interface SubmitAnswer {
  status: number;
  body: ApplicationView;
}

/**
 * Submits a cancellation application. Needs a step-up younger than 10 minutes, at least one
 * identity document and no blockers at this moment (checked under the buyer's row lock, so an order
 * committing meanwhile is seen). One open application per buyer: the partial unique index decides
 * between concurrent submissions. With an `Idempotency-Key` a repeat returns the first answer.
 */
export async function submitApplication(
  ctx: AppContext,
  auth: { user: UserRow; session: SessionRow },
  input: SubmitInput,
  documents: ApplicationDocuments,
  idempotencyKey?: string,
): Promise<SubmitAnswer> {
  const { user, session } = auth;
  if (!isReauthenticated(ctx, session)) throw new AppError('REAUTH_REQUIRED');
  const hash = idempotencyKey ? requestHash(input) : '';
  if (idempotencyKey) {
    const stored = await findStoredAnswer(ctx.db, user.id, idempotencyKey, hash, ctx.clock.now());
    if (stored) return replay(ctx, user.id, stored);
  }
  if (input.documentIds.length === 0) throw new AppError('DOCUMENTS_REQUIRED');
  const reasonText = input.reasonText?.trim() || null;

  try {
    return await ctx.db.transaction(async (tx) => {
      const buyer = await lockBuyerForUpdate(tx, user.id);
      if (buyer.status !== 'active') throw new AppError('ACCOUNT_FROZEN');
      if (await latestApplicationIn(tx, user.id, OPEN_STATUSES)) throw new AppError('CANCELLATION_ALREADY_OPEN');
      const eligibility = await checkEligibility(ctx, tx, user.id, toLocale(buyer.locale));
      if (!eligibility.eligible || eligibility.blockers.length > 0) throw new AppError('CANCELLATION_BLOCKED', { blockers: eligibility.blockers });

      const now = ctx.clock.now();
      const { dueAt, slaRemindAt } = reviewDeadlines(ctx.config, now);
      const riskFlags = await riskFlagsFor(tx, buyer, now);
      const id = newId('app');
      const [row] = await tx
        .insert(applications)
        .values({
          id,
          userId: user.id,
          status: 'submitted',
          reasonCode: input.reasonCode,
          reasonTextEnc: reasonText ? await sealApplicationText(ctx, user.id, 'reasonText', reasonText) : null,
          submittedAt: now,
          cycleStartedAt: now,
          dueAt,
          slaRemindAt,
          riskFlags,
          updatedAt: now,
        })
        .returning();
      await documents.attach(ctx, tx, user.id, id, input.documentIds);
      await addTimelineEvent(ctx, tx, id, 'submitted', 'buyer', { dueAt: dueAt.toISOString() });
      await appendAudit(tx, {
        at: now,
        actor: buyer.subjectId,
        action: 'application.submitted',
        subject: buyer.subjectId,
        target: id,
        data: { reasonCode: input.reasonCode, riskFlags, documents: new Set(input.documentIds).size, dueAt: dueAt.toISOString() },
      });
      await enqueueNotification(ctx, tx, {
        userId: user.id,
        template: 'application_received',
        vars: { dueDate: dueAt.toISOString() },
        linkPath: BUYER_STATUS_PATH,
      });
      const body = await toApplicationView(ctx, tx, row);
      if (idempotencyKey) await storeAnswer(tx, user.id, idempotencyKey, hash, { status: 201, body: withoutFreeText(body) }, now);
      return { status: 201, body };
    });
  } catch (error) {
    const alreadyOpen = (error instanceof AppError && error.code === 'CANCELLATION_ALREADY_OPEN') || isUniqueViolation(error, 'applications_one_open_per_user');
    if (alreadyOpen || isUniqueViolation(error, 'idempotency_keys_pk')) {
      // A concurrent request with the same key may have won: then its answer is ours too.
      if (idempotencyKey) {
        const stored = await findStoredAnswer(ctx.db, user.id, idempotencyKey, hash, ctx.clock.now());
        if (stored) return replay(ctx, user.id, stored);
      }
      throw new AppError('CANCELLATION_ALREADY_OPEN');
    }
    throw error;
  }
}

/** The stored answer keeps no free text in clear; it is read again from the sealed column. */
function withoutFreeText(view: ApplicationView): Record<string, unknown> {
  const { reasonText: _omitted, ...rest } = view;
  return rest;
}

async function replay(ctx: AppContext, userId: string, stored: StoredAnswer): Promise<SubmitAnswer> {
  const body = { ...stored.body } as unknown as ApplicationView;
  const row = await findApplication(ctx.db, body.id);
  const reasonText = row ? await openApplicationText(ctx, userId, 'reasonText', row.reasonTextEnc) : null;
  if (reasonText !== null) body.reasonText = reasonText;
  return { status: stored.status, body };
}
