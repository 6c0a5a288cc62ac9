import type { Config } from '../config/schema.ts';
import { addWorkingDays, workingDaysBetween, type WorkCalendar } from '../domain/working-days.ts';

/** The working-day calendar of the configuration (`calendar.*`). */
export function workCalendarOf(config: Config): WorkCalendar {
  const { region, holidays, workdays, timeZone } = config.calendar;
  return { region, holidays, workdays, timeZone };
}

/** Share of the deadline after which reviewers are reminded. */
export const SLA_REMINDER_SHARE = 0.8;

/**
 * The deadlines of a review cycle that starts at `start`: due after `review.slaWorkingDays`
 * working days, reminder after 80 % of them (rounded down, at least one working day).
 */
export function reviewDeadlines(config: Config, start: Date): { dueAt: Date; slaRemindAt: Date } {
  const calendar = workCalendarOf(config);
  const days = config.review.slaWorkingDays;
  return {
    dueAt: addWorkingDays(start, days, calendar),
    slaRemindAt: addWorkingDays(start, Math.max(1, Math.floor(days * SLA_REMINDER_SHARE)), calendar),
  };
}

/**
 * The columns that start a new review cycle at `now` (after a blocked grace end, or a
 * resubmission): fresh deadlines, no reminder or breach yet, no claim, no earlier first approval.
 */
export function newReviewCycle(config: Config, now: Date) {
  const { dueAt, slaRemindAt } = reviewDeadlines(config, now);
  return {
    cycleStartedAt: now,
    dueAt,
    slaRemindAt,
    slaReminderSentAt: null,
    slaBreachedAt: null,
    claimedBy: null,
    claimExpiresAt: null,
    firstApprovalBy: null,
  };
}

export const workingDaysTaken = (config: Config, start: Date, end: Date) => workingDaysBetween(start, end, workCalendarOf(config));
