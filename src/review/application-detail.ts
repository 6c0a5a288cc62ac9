import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import type { UserRow } from '../accounts/sessions.ts';
import { openForUser } from '../accounts/user-crypto.ts';
import { findUserById } from '../accounts/users.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { maskEmail, maskPhone } from '../domain/identifiers.ts';
import { toLocale } from '../notify/render.ts';
import { checkEligibility, type EligibilityReport } from '../eligibility/check-eligibility.ts';
import { listApplicationDocuments } from '../documents/document-links.ts';
import { findApplication, subjectIdOf, toApplicationView, type ApplicationView } from '../cancellation/public.ts';

export interface ReviewDetail {
  application: ApplicationView & {
    version: number;
    riskFlags: string[];
    claimedBy: string | null;
    claimExpiresAt: string | null;
    firstApprovalBy: string | null;
    slaBreachedAt: string | null;
  };
  /** What the reviewer compares the identity document with; contacts stay masked. */
  buyer: { subjectId: string; displayName: string | null; email: string | null; phone: string | null; createdAt: string; status: string };
  eligibility: EligibilityReport;
  documents: Array<{ documentId: string; kind: string }>;
}

/**
 * One case for the review console: the application with its full timeline, the buyer's blockers
 * checked now, and the identity documents. Staff reading a buyer's case is audited.
 */
export async function reviewDetail(ctx: AppContext, reviewer: UserRow, applicationId: string): Promise<ReviewDetail> {
  const application = await findApplication(ctx.db, applicationId);
  if (!application) throw new AppError('APPLICATION_NOT_FOUND');
  const buyer = await findUserById(ctx.db, application.userId);
  if (!buyer) throw new AppError('APPLICATION_NOT_FOUND');
  const closed = ['erasing', 'erased', 'withdrawn'].includes(application.status);
  const [view, eligibility, documents, displayName, email, phone] = await Promise.all([
    toApplicationView(ctx, ctx.db, application, 'staff'),
    closed
      ? Promise.resolve<EligibilityReport>({ eligible: false, blockers: [], warnings: [], consequences: [] })
      : checkEligibility(ctx, ctx.db, buyer.id, toLocale(reviewer.locale)),
    listApplicationDocuments(ctx.db, application.id),
    openForUser(ctx, buyer.id, 'displayName', buyer.displayNameEnc),
    openForUser(ctx, buyer.id, 'email', buyer.emailEnc),
    openForUser(ctx, buyer.id, 'phone', buyer.phoneEnc),
  ]);
  await ctx.db.transaction(async (tx) =>
    appendAudit(tx, { at: ctx.clock.now(), actor: reviewer.subjectId, action: 'application.viewed', subject: await subjectIdOf(tx, buyer.id), target: application.id }),
  );
  return {
    application: {
      ...view,
      version: application.version,
      riskFlags: application.riskFlags,
      claimedBy: application.claimedBy,
      claimExpiresAt: application.claimExpiresAt?.toISOString() ?? null,
      firstApprovalBy: application.firstApprovalBy,
      slaBreachedAt: application.slaBreachedAt?.toISOString() ?? null,
    },
    buyer: {
      subjectId: buyer.subjectId,
      displayName,
      email: email ? maskEmail(email) : null,
      phone: phone ? maskPhone(phone) : null,
      createdAt: buyer.createdAt.toISOString(),
      status: buyer.status,
    },
    eligibility,
    documents,
  };
}
