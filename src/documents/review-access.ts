import type { Role } from '../accounts/accounts.tables.ts';

/**
 * Who may see an application's documents: admins, and reviewers who are on that application — the
 * one holding a live claim, the one who decided it, or the first approver of a four-eyes decision.
 * Pure: no I/O.
 */
export function mayViewApplicationDocuments(
  viewer: { id: string; roles: readonly Role[] },
  application: { claimedBy: string | null; claimExpiresAt: Date | null; decidedBy: string | null; firstApprovalBy: string | null },
  now: Date,
): boolean {
  if (viewer.roles.includes('admin')) return true;
  if (!viewer.roles.includes('reviewer')) return false;
  const liveClaim = application.claimedBy === viewer.id && (!application.claimExpiresAt || application.claimExpiresAt.getTime() > now.getTime());
  return liveClaim || application.decidedBy === viewer.id || application.firstApprovalBy === viewer.id;
}
