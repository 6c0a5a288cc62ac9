import type { AppContext } from '../context.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { AppError } from '../errors.ts';
import { isReauthenticated, type SessionRow, type UserRow } from '../accounts/sessions.ts';
import { toLocale } from '../notify/render.ts';
import { checkEligibility } from '../eligibility/check-eligibility.ts';
import type { ApplicationDocuments } from './application-documents.ts';
import { isResubmittable, OPEN_STATUSES } from '../domain/application-transitions.ts';
import { latestApplicationIn, latestApplicationOf } from './application-store.ts';
import { applyTransition } from './apply-transition.ts';
import { lockBuyerForUpdate } from './buyer-lock.ts';
import { sealApplicationText } from './application-crypto.ts';
import { riskFlagsFor } from './risk-flags.ts';
import { toApplicationView, type ApplicationView } from './application-view.ts';
import { newReviewCycle } from './work-calendar.ts';

export interface ResubmitInput {
  reasonText?: string;
  documentIds?: string[];
}

/**
 * After `rejected` or `needs_info` the buyer answers on the same application: same id, the
 * timeline goes on, documents are kept unless new ones are given (then they replace the old set).
 * A new review cycle starts: new deadline, no claim, no earlier first approval, risk judged again.
 * Blockers are checked again and a fresh step-up is needed, as for a first submission: a stolen
 * cookie alone must not put the account back on the erasure path.
 */
export async function resubmitApplication(ctx: AppContext, auth: { user: UserRow; session: SessionRow }, input: ResubmitInput, documents: ApplicationDocuments): Promise<ApplicationView> {
  const { user, session } = auth;
  if (!isReauthenticated(ctx, session)) throw new AppError('REAUTH_REQUIRED');
  try {
    return await ctx.db.transaction(async (tx) => {
      const buyer = await lockBuyerForUpdate(tx, user.id);
      const application = await latestApplicationOf(tx, user.id);
      if (!application) throw new AppError('APPLICATION_NOT_FOUND');
      if (!isResubmittable(application.status)) throw new AppError('NOT_RESUBMITTABLE', { status: application.status });
      // A rejected application is closed: the buyer may have opened a new one since.
      const open = await latestApplicationIn(tx, user.id, OPEN_STATUSES);
      if (open && open.id !== application.id) throw new AppError('CANCELLATION_ALREADY_OPEN');
      const eligibility = await checkEligibility(ctx, tx, user.id, toLocale(buyer.locale));
      if (!eligibility.eligible || eligibility.blockers.length > 0) throw new AppError('CANCELLATION_BLOCKED', { blockers: eligibility.blockers });

      const now = ctx.clock.now();
      const cycle = newReviewCycle(ctx.config, now);
      const { dueAt } = cycle;
      const reasonText = input.reasonText?.trim();
      const documentIds = input.documentIds ?? [];
      if (documentIds.length > 0) await documents.attach(ctx, tx, user.id, application.id, documentIds);
      const updated = await applyTransition(ctx, tx, {
        application,
        event: 'resubmit',
        actor: { role: 'buyer', subjectId: buyer.subjectId, userId: buyer.id },
        set: {
          ...(reasonText ? { reasonTextEnc: await sealApplicationText(ctx, user.id, 'reasonText', reasonText) } : {}),
          ...cycle,
          closedAt: null,
          riskFlags: await riskFlagsFor(tx, buyer, now),
        },
        detail: { dueAt: dueAt.toISOString(), documentsReplaced: documentIds.length > 0, reasonTextChanged: !!reasonText },
        notify: { template: 'application_received', vars: { dueDate: dueAt.toISOString() } },
      });
      return toApplicationView(ctx, tx, updated);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'applications_one_open_per_user')) throw new AppError('CANCELLATION_ALREADY_OPEN');
    throw error;
  }
}
