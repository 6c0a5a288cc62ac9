import type { ApplicationStatus } from '../cancellation/cancellation.tables.ts';
import type { DisposalReason } from './documents.tables.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Uploads never submitted with an application are destroyed after this long. */
export const UNATTACHED_TTL_MS = DAY_MS;

/**
 * Why the documents of an application in this state must go now, or null while they are still
 * needed. Pure: verification data serves verification only (GB/T 35273), so it lives no longer than
 * the decision it supports — kept after a rejection only for the window in which the buyer may
 * resubmit.
 */
export function disposalReasonFor(
  application: { status: ApplicationStatus; decidedAt: Date | null },
  now: Date,
  retainDaysAfterDecision: number,
): DisposalReason | null {
  switch (application.status) {
    case 'withdrawn':
      return 'withdrawn';
    case 'erasing':
    case 'erased':
      return 'erasure';
    case 'rejected':
      return application.decidedAt && application.decidedAt.getTime() + retainDaysAfterDecision * DAY_MS <= now.getTime() ? 'rejected' : null;
    default:
      return null;
  }
}

/** The latest decision time whose rejected application is due for disposal. */
export const rejectedBefore = (now: Date, retainDaysAfterDecision: number) => new Date(now.getTime() - retainDaysAfterDecision * DAY_MS);
