import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { enqueueNotification, type SecretResolver } from '../accounts/notifications.ts';
import { toLocale } from '../notify/render.ts';
import { checkEligibility } from '../eligibility/check-eligibility.ts';
import { applyTransition, freezeBuyer, openApplicationText, sealApplicationText, toApplicationView, type ApplicationView, reviewerCasePath, workingDaysTaken, findApplication } from '../cancellation/public.ts';
import { documentReview } from '../documents/reviewed-documents.ts';
import { claimedByOther, lockApplication } from './claim-application.ts';
import { guidanceFor } from './guidance-templates.ts';
import { allStaffIds } from '../accounts/staff-recipients.ts';
import { APPROVAL_REASON_CODE, DECISION_REASON_CODES, type DecisionOutcome, type DecisionReasonCode } from './decision-reasons.ts';

export interface DecisionInput {
  outcome: DecisionOutcome;
  /** Required for reject and request_info; an approval's code is always `APPROVED`. */
  reasonCode?: string;
  /** The message to the buyer; defaults to the guidance template of the reason code in their language. */
  message?: string;
  /** The version the reviewer looked at; when given, any later change makes this 409 STALE_APPLICATION. */
  version?: number;
}

const DAY_MS = 86_400_000;

/**
 * A reviewer decides an application in review. Everything happens in one transaction under the
 * buyer's row lock and the application's version: of two concurrent decisions exactly one wins
 * (the other gets 409 STALE_APPLICATION) and exactly one mail goes out.
 *
 * - approve: eligibility is checked again at this moment (409 CANCELLATION_BLOCKED). A risky
 *   application (risk flags) needs two different reviewers: the first approval is recorded and the
 *   case stays in review; a second reviewer's approval completes it. Approval freezes the account
 *   and starts the grace period (`erasure.graceDays`).
 * - reject / request_info: with a reason code and a message built from the guidance templates.
 */
export async function decideApplication(ctx: AppContext, reviewer: UserRow, applicationId: string, input: DecisionInput): Promise<ApplicationView> {
  const reasonCode = decisionReasonCode(input);
  return ctx.db.transaction(async (tx) => {
    const { application, buyer } = await lockApplication(tx, applicationId);
    if (application.userId === reviewer.id) throw new AppError('FORBIDDEN', {}, { message: 'You cannot review your own request.' });
    if (input.version !== undefined && input.version !== application.version) throw new AppError('STALE_APPLICATION', { status: application.status });
    if (application.status === 'submitted') throw new AppError('NOT_CLAIMED');
    if (application.status !== 'in_review') throw new AppError('STALE_APPLICATION', { status: application.status });
    const now = ctx.clock.now();
    if (claimedByOther(application, reviewer.id, now)) throw new AppError('ALREADY_CLAIMED', { claimExpiresAt: application.claimExpiresAt!.toISOString() });
    if (input.outcome === 'approve' && application.riskFlags.length > 0 && application.firstApprovalBy === reviewer.id) throw new AppError('SECOND_REVIEWER_REQUIRED');
    // Only the holder of a live claim decides: the claim is what let them see the documents.
    if (application.claimedBy !== reviewer.id || !application.claimExpiresAt || application.claimExpiresAt <= now) throw new AppError('NOT_CLAIMED');

    const locale = toLocale(buyer.locale);
    const guidance = await guidanceFor(tx, reasonCode, locale);
    const message = input.message?.trim() || guidance;
    const actor = { role: 'reviewer' as const, subjectId: reviewer.subjectId, userId: reviewer.id };
    const decision = {
      decisionOutcome: input.outcome,
      decisionReasonCode: reasonCode,
      decisionMessageEnc: await sealApplicationText(ctx, buyer.id, 'decisionMessage', message),
      decidedAt: now,
      decidedBy: reviewer.id,
      claimedBy: null,
      claimExpiresAt: null,
    };
    // Kept on the decision's timeline entry: the SLA report takes its medians from there.
    const workingDays = workingDaysTaken(ctx.config, application.cycleStartedAt, now);
    const days = Math.round(((now.getTime() - application.cycleStartedAt.getTime()) / DAY_MS) * 10) / 10;

    if (input.outcome === 'approve') {
      const review = await documentReview(tx, application.id, buyer.subjectId, reviewer.subjectId);
      const unviewed = review.documentIds.filter((id) => !review.viewedIds.includes(id));
      if (unviewed.length > 0) throw new AppError('DOCUMENTS_NOT_REVIEWED', { documentIds: unviewed });
      const eligibility = await checkEligibility(ctx, tx, buyer.id, locale);
      if (!eligibility.eligible || eligibility.blockers.length > 0) throw new AppError('CANCELLATION_BLOCKED', { blockers: eligibility.blockers });
      const risky = application.riskFlags.length > 0;
      if (risky && !application.firstApprovalBy) {
        const updated = await applyTransition(ctx, tx, {
          application,
          event: 'first_approval',
          actor,
          set: { firstApprovalBy: reviewer.id, claimedBy: null, claimExpiresAt: null },
          detail: { riskFlags: application.riskFlags, documentsViewed: review.viewedIds },
        });
        for (const staffId of (await allStaffIds(tx)).filter((id) => id !== reviewer.id)) {
          await enqueueNotification(ctx, tx, { userId: staffId, template: 'second_review_needed', linkPath: reviewerCasePath(application.id) });
        }
        return toApplicationView(ctx, tx, updated, 'staff');
      }
      const approved = await applyTransition(ctx, tx, {
        application,
        event: 'approve',
        actor,
        set: decision,
        detail: { reasonCode, workingDays, days, documentsViewed: review.viewedIds, ...(risky ? { secondReviewer: true } : {}) },
      });
      const graceEndsAt = new Date(now.getTime() + ctx.config.erasure.graceDays * DAY_MS);
      const inGrace = await applyTransition(ctx, tx, {
        application: approved,
        event: 'start_grace',
        actor: { role: 'system', subjectId: 'system' },
        set: { graceEndsAt },
        detail: { graceEndsAt: graceEndsAt.toISOString() },
        notify: { template: 'application_approved', vars: { erasureDate: graceEndsAt.toISOString() } },
      });
      await freezeBuyer(ctx, tx, buyer.id, application.id);
      return toApplicationView(ctx, tx, inGrace, 'staff');
    }

    const rejected = input.outcome === 'reject';
    const { viewedIds } = await documentReview(tx, application.id, buyer.subjectId, reviewer.subjectId);
    const updated = await applyTransition(ctx, tx, {
      application,
      event: rejected ? 'reject' : 'request_info',
      actor,
      set: { ...decision, ...(rejected ? { closedAt: now } : {}) },
      detail: { reasonCode, workingDays, days, documentsViewed: viewedIds },
      notify: {
        template: rejected ? 'application_rejected' : 'application_needs_info',
        vars: { reasonCode, guidance },
        // The reviewer's own words are free text: the job names the application, and the message is
        // read (and decrypted) only when the mail is sent.
        ...(message !== guidance ? { secretRef: { kind: 'decision_message' as const, id: application.id } } : {}),
      },
    });
    return toApplicationView(ctx, tx, updated, 'staff');
  });
}

function decisionReasonCode(input: DecisionInput): DecisionReasonCode {
  if (input.outcome === 'approve') return APPROVAL_REASON_CODE;
  const code = input.reasonCode as DecisionReasonCode | undefined;
  if (!code || !(DECISION_REASON_CODES as readonly string[]).includes(code)) {
    throw new AppError('VALIDATION_FAILED', { fields: { reasonCode: `one of ${DECISION_REASON_CODES.join(', ')}` } });
  }
  return code;
}

/** The reviewer's message of the application's current decision, for the buyer's mail and text. */
export const decisionMessageSecret: SecretResolver = async (ctx, ref) => {
  const application = await findApplication(ctx.db, ref.id);
  if (!application) return null;
  // Without the message (erased meanwhile) the mail still goes out, with the guidance only.
  const message = await openApplicationText(ctx, application.userId, 'decisionMessage', application.decisionMessageEnc);
  return message ? { vars: { reviewerMessage: message } } : {};
};
