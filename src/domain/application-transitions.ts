/**
 * The cancellation application's state machine, as ONE explicit table: every allowed move is a row
 * (from status × event → to status, and who may cause it). Anything not in the table is forbidden.
 * Services never set a status directly; they ask `nextStatus` and persist the answer with an
 * optimistic-concurrency UPDATE.
 */

export const APPLICATION_STATUSES = ['submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace', 'erasing', 'erased', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const APPLICATION_EVENTS = [
  'claim',
  'first_approval',
  'approve',
  'reject',
  'request_info',
  'start_grace',
  'resubmit',
  'withdraw',
  'grace_blocked',
  'start_erasure',
  'complete_erasure',
] as const;
export type ApplicationEvent = (typeof APPLICATION_EVENTS)[number];

/** Who causes an event: the buyer themself, a reviewer (admins act as reviewers) or a job. */
export type TransitionActor = 'buyer' | 'reviewer' | 'system';

export interface Transition {
  from: ApplicationStatus;
  event: ApplicationEvent;
  to: ApplicationStatus;
  by: TransitionActor;
}

/** Statuses before erasure begins: the buyer may still withdraw from each of them. */
const WITHDRAWABLE: ApplicationStatus[] = ['submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace'];

export const TRANSITIONS: readonly Transition[] = [
  // A reviewer takes the case (a later claim of an in-review case only renews the lease).
  { from: 'submitted', event: 'claim', to: 'in_review', by: 'reviewer' },
  { from: 'in_review', event: 'claim', to: 'in_review', by: 'reviewer' },
  // Four eyes: the first approval of a risky case is recorded; the case stays in review.
  { from: 'in_review', event: 'first_approval', to: 'in_review', by: 'reviewer' },
  { from: 'in_review', event: 'approve', to: 'approved', by: 'reviewer' },
  { from: 'in_review', event: 'reject', to: 'rejected', by: 'reviewer' },
  { from: 'in_review', event: 'request_info', to: 'needs_info', by: 'reviewer' },
  // Approval starts the grace period at once, in the same transaction.
  { from: 'approved', event: 'start_grace', to: 'grace', by: 'system' },
  // The buyer answers a rejection or a request for information on the same application.
  { from: 'rejected', event: 'resubmit', to: 'submitted', by: 'buyer' },
  { from: 'needs_info', event: 'resubmit', to: 'submitted', by: 'buyer' },
  ...WITHDRAWABLE.map((from): Transition => ({ from, event: 'withdraw', to: 'withdrawn', by: 'buyer' })),
  // End of grace: a blocker that appeared sends the case back to review, else erasure starts.
  { from: 'grace', event: 'grace_blocked', to: 'in_review', by: 'system' },
  { from: 'grace', event: 'start_erasure', to: 'erasing', by: 'system' },
  { from: 'erasing', event: 'complete_erasure', to: 'erased', by: 'system' },
];

/** Statuses that count as "open" (at most one per buyer; mirrors the partial unique index). */
export const OPEN_STATUSES: readonly ApplicationStatus[] = ['submitted', 'in_review', 'needs_info', 'approved', 'grace', 'erasing'];
/** Statuses a reviewer's queue shows by default. */
export const REVIEWABLE_STATUSES: readonly ApplicationStatus[] = ['submitted', 'in_review'];
/** Statuses whose review deadline is still running (SLA reminders and breaches). */
export const SLA_RUNNING_STATUSES: readonly ApplicationStatus[] = ['submitted', 'in_review'];

export function findTransition(from: ApplicationStatus, event: ApplicationEvent): Transition | undefined {
  return TRANSITIONS.find((t) => t.from === from && t.event === event);
}

export type TransitionVerdict = { ok: true; to: ApplicationStatus } | { ok: false; reason: 'not_allowed' | 'wrong_actor' };

/** Whether `actor` may cause `event` in `from`, and the status it leads to. */
export function nextStatus(from: ApplicationStatus, event: ApplicationEvent, actor: TransitionActor): TransitionVerdict {
  const transition = findTransition(from, event);
  if (!transition) return { ok: false, reason: 'not_allowed' };
  if (transition.by !== actor) return { ok: false, reason: 'wrong_actor' };
  return { ok: true, to: transition.to };
}

export const isWithdrawable = (status: ApplicationStatus) => WITHDRAWABLE.includes(status);
export const isResubmittable = (status: ApplicationStatus) => findTransition(status, 'resubmit') !== undefined;
