import { describe, expect, it } from 'vitest';
import { disposalReasonFor } from './disposal-rules.ts';
import { mayViewApplicationDocuments } from './review-access.ts';

const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('document disposal rules', () => {
  it('destroy at once on withdrawal and erasure', () => {
    expect(disposalReasonFor({ status: 'withdrawn', decidedAt: null }, now, 30)).toBe('withdrawn');
    expect(disposalReasonFor({ status: 'erasing', decidedAt: daysAgo(8) }, now, 30)).toBe('erasure');
    expect(disposalReasonFor({ status: 'erased', decidedAt: daysAgo(8) }, now, 30)).toBe('erasure');
  });

  it('keep a rejection for the retention window, then destroy', () => {
    expect(disposalReasonFor({ status: 'rejected', decidedAt: daysAgo(29) }, now, 30)).toBeNull();
    expect(disposalReasonFor({ status: 'rejected', decidedAt: daysAgo(30) }, now, 30)).toBe('rejected');
    expect(disposalReasonFor({ status: 'rejected', decidedAt: daysAgo(0) }, now, 0)).toBe('rejected');
  });

  it('keep documents while the application is open', () => {
    for (const status of ['submitted', 'in_review', 'needs_info', 'approved', 'grace'] as const) {
      expect(disposalReasonFor({ status, decidedAt: daysAgo(100) }, now, 30)).toBeNull();
    }
  });
});

describe('who may view documents', () => {
  const app = { claimedBy: 'r1', claimExpiresAt: new Date(now.getTime() + 60_000), decidedBy: 'r2', firstApprovalBy: 'r3', };
  it('admins and the reviewers on the application', () => {
    expect(mayViewApplicationDocuments({ id: 'a', roles: ['admin'] }, app, now)).toBe(true);
    for (const id of ['r1', 'r2', 'r3']) expect(mayViewApplicationDocuments({ id, roles: ['reviewer'] }, app, now)).toBe(true);
  });
  it('not other reviewers, buyers, or a reviewer whose claim lapsed', () => {
    expect(mayViewApplicationDocuments({ id: 'r9', roles: ['reviewer'] }, app, now)).toBe(false);
    expect(mayViewApplicationDocuments({ id: 'r1', roles: ['buyer'] }, app, now)).toBe(false);
    expect(mayViewApplicationDocuments({ id: 'r1', roles: ['reviewer'] }, { ...app, claimExpiresAt: daysAgo(1) }, now)).toBe(false);
  });
});
