/** Shapes of the API answers the UI reads (API.md); extra fields the server adds are ignored. */

export type Role = 'buyer' | 'reviewer' | 'admin';

export interface SessionUser {
  id: string;
  displayName: string;
  roles: Role[];
  status?: string;
  locale?: string;
  /** False for buyers who sign in only through the platform (step-up then goes through it too). */
  hasPassword?: boolean;
}

export interface SessionInfo {
  user: SessionUser | null;
  csrfToken: string | null;
  reauthenticatedUntil?: string | null;
  expiresAt?: string;
  /** How one may sign in here: Adieu's password, the platform's OpenID Provider, a handoff. */
  methods?: Array<'password' | 'oidc' | 'handoff'>;
  oidcLabel?: string;
}

export interface Account {
  id: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  roles: Role[];
  status?: string;
  locale?: string;
  antiPhishingCode?: string;
  totpEnabled: boolean;
  recoveryCodesLeft?: number;
  createdAt: string;
}

export interface SessionRow {
  id: string;
  current: boolean;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/** Money as the API sends it: minor units (fen, cents) with an ISO 4217 currency. */
export interface Money {
  value?: number;
  amount?: number;
  amountMinor?: number;
  cents?: number;
  currency?: string;
}

export interface Blocker {
  code: string;
  title: string;
  detail: string;
  count?: number;
  amount?: number | Money;
  currency?: string;
  resolveHint: string;
  link?: string;
  href?: string;
  items?: Array<{ id: string; label?: string; link?: string; href?: string }>;
}

export interface Eligibility {
  eligible: boolean;
  blockers: Blocker[];
  warnings: Blocker[];
  consequences: string[];
  checkedAt?: string;
}

export type ApplicationStatus = 'submitted' | 'in_review' | 'needs_info' | 'rejected' | 'approved' | 'grace' | 'erasing' | 'erased' | 'withdrawn';

export interface Decision {
  outcome: 'approve' | 'reject' | 'request_info' | string;
  reasonCode: string;
  message: string;
  decidedAt: string;
}

export interface TimelineEntry {
  at: string;
  event: string;
  detail?: Record<string, unknown> | string | null;
}

export interface Application {
  id: string;
  status: ApplicationStatus;
  reasonCode: string;
  reasonText?: string | null;
  submittedAt: string;
  dueAt: string;
  decision?: Decision | null;
  graceEndsAt?: string | null;
  erasedAt?: string | null;
  certificateId?: string | null;
  timeline: TimelineEntry[];
  documents?: Array<{ documentId: string; kind: string }>;
}

export interface UploadedDocument {
  documentId: string;
  kind: DocumentKind;
  width: number;
  height: number;
}

export type DocumentKind = 'id_front' | 'id_back' | 'other';

export interface Redaction {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Message {
  id: string;
  authorRole: 'buyer' | 'reviewer' | string;
  body: string;
  at: string;
  authorName?: string | null;
}

export interface QueueItem {
  id: string;
  status: ApplicationStatus;
  submittedAt: string;
  dueAt: string;
  claimedBy?: string | null;
  claimedByMe?: boolean;
  claimedByName?: string | null;
  blockersNow: number | Blocker[] | string[];
  reasonCode?: string;
  riskFlags?: string[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface MailboxMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  channel?: 'email' | 'sms';
  sentAt: string;
}
