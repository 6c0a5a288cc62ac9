import type { Application, Eligibility, Message } from '../../api/types.ts';

export interface ReviewQueueItem {
  id: string;
  status: Application['status'];
  reasonCode: string;
  submittedAt: string;
  dueAt: string;
  claimedBy?: string;
  claimExpiresAt?: string;
  claimedByMe: boolean;
  blockersNow: number;
  riskFlags: string[];
  firstApprovalBy?: string;
  needsOtherReviewer: boolean;
  slaBreached: boolean;
  unreadMessages: number;
}

export interface ReviewDetail {
  application: Application & {
    version: number;
    riskFlags: string[];
    claimedBy: string | null;
    claimExpiresAt: string | null;
    firstApprovalBy: string | null;
    slaBreachedAt: string | null;
  };
  buyer: { subjectId: string; displayName: string | null; email: string | null; phone: string | null; createdAt: string; status: string };
  eligibility: Eligibility;
  documents: Array<{ documentId: string; kind: string }>;
}

export interface GuidanceTemplate {
  reasonCode: string;
  locale: string;
  body: string;
  edited?: boolean;
}

export type ThreadAnswer = { items: Message[] } | Message[];

/** How close a case is to its deadline: drives the queue's colours and words. */
export function slaState(dueAt: string, now: number, breached = false): 'overdue' | 'due_soon' | 'on_track' {
  const due = new Date(dueAt).getTime();
  if (breached || due <= now) return 'overdue';
  return due - now <= 2 * 86_400_000 ? 'due_soon' : 'on_track';
}
