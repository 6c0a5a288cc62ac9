import { describe, expect, it } from 'vitest';
import {
  APPLICATION_EVENTS,
  APPLICATION_STATUSES,
  isResubmittable,
  isWithdrawable,
  nextStatus,
  OPEN_STATUSES,
  TRANSITIONS,
  type ApplicationEvent,
  type ApplicationStatus,
  type TransitionActor,
} from './application-transitions.ts';

/** The expected table, written out by hand so a change to the real one must be made twice. */
const ALLOWED: Array<[ApplicationStatus, ApplicationEvent, ApplicationStatus, TransitionActor]> = [
  ['submitted', 'claim', 'in_review', 'reviewer'],
  ['in_review', 'claim', 'in_review', 'reviewer'],
  ['in_review', 'first_approval', 'in_review', 'reviewer'],
  ['in_review', 'approve', 'approved', 'reviewer'],
  ['in_review', 'reject', 'rejected', 'reviewer'],
  ['in_review', 'request_info', 'needs_info', 'reviewer'],
  ['approved', 'start_grace', 'grace', 'system'],
  ['rejected', 'resubmit', 'submitted', 'buyer'],
  ['needs_info', 'resubmit', 'submitted', 'buyer'],
  ['submitted', 'withdraw', 'withdrawn', 'buyer'],
  ['in_review', 'withdraw', 'withdrawn', 'buyer'],
  ['needs_info', 'withdraw', 'withdrawn', 'buyer'],
  ['rejected', 'withdraw', 'withdrawn', 'buyer'],
  ['approved', 'withdraw', 'withdrawn', 'buyer'],
  ['grace', 'withdraw', 'withdrawn', 'buyer'],
  ['grace', 'grace_blocked', 'in_review', 'system'],
  ['grace', 'start_erasure', 'erasing', 'system'],
  ['erasing', 'complete_erasure', 'erased', 'system'],
];
const ACTORS: TransitionActor[] = ['buyer', 'reviewer', 'system'];

describe('application transition table', () => {
  it('holds exactly the expected transitions', () => {
    expect(TRANSITIONS.map((t) => [t.from, t.event, t.to, t.by])).toEqual(expect.arrayContaining(ALLOWED));
    expect(TRANSITIONS).toHaveLength(ALLOWED.length);
  });

  it.each(ALLOWED)('%s --%s--> %s by %s', (from, event, to, by) => {
    expect(nextStatus(from, event, by)).toEqual({ ok: true, to });
    for (const other of ACTORS.filter((a) => a !== by)) expect(nextStatus(from, event, other)).toEqual({ ok: false, reason: 'wrong_actor' });
  });

  const forbidden: Array<[ApplicationStatus, ApplicationEvent]> = [];
  for (const from of APPLICATION_STATUSES) {
    for (const event of APPLICATION_EVENTS) if (!ALLOWED.some(([f, e]) => f === from && e === event)) forbidden.push([from, event]);
  }

  it.each(forbidden)('forbids %s --%s-->', (from, event) => {
    for (const actor of ACTORS) expect(nextStatus(from, event, actor)).toEqual({ ok: false, reason: 'not_allowed' });
  });

  it('has no way out of erased and withdrawn', () => {
    expect(TRANSITIONS.filter((t) => t.from === 'erased' || t.from === 'withdrawn')).toEqual([]);
  });

  it('allows withdrawal from every state before erasing, never after', () => {
    expect(APPLICATION_STATUSES.filter(isWithdrawable)).toEqual(['submitted', 'in_review', 'needs_info', 'rejected', 'approved', 'grace']);
    expect(isWithdrawable('erasing')).toBe(false);
    expect(isWithdrawable('erased')).toBe(false);
  });

  it('allows resubmission only after rejected or needs_info', () => {
    expect(APPLICATION_STATUSES.filter(isResubmittable)).toEqual(['needs_info', 'rejected']);
  });

  it('reaches every status from submitted', () => {
    const seen = new Set<ApplicationStatus>(['submitted']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of TRANSITIONS) {
        if (seen.has(t.from) && !seen.has(t.to)) {
          seen.add(t.to);
          changed = true;
        }
      }
    }
    expect([...seen].sort()).toEqual([...APPLICATION_STATUSES].sort());
  });

  it('keeps the open statuses in line with the database index (rejected, withdrawn, erased are closed)', () => {
    expect(APPLICATION_STATUSES.filter((s) => !OPEN_STATUSES.includes(s)).sort()).toEqual(['erased', 'rejected', 'withdrawn']);
  });
});
