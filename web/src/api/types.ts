/**
 * Shapes of the API answers the UI reads: taken from the generated types of the server's OpenAPI
 * document (schema.gen.ts), so a change of the server's answers shows up as a type error here.
 * Only what the UI itself sends or derives is written by hand.
 */
import type { Answer, Schema } from './typed.ts';

export type SignedInUser = Schema<'SignedInUser'>;
export type Role = SignedInUser['roles'][number];
export type SessionInfo = Schema<'SessionInfo'>;
/** The signed-in user of the session (sign-in answers carry the first three fields only). */
export type SessionUser = SignedInUser & Partial<Pick<NonNullable<SessionInfo['user']>, 'status' | 'locale' | 'hasPassword'>>;
export type Account = Schema<'Account'>;
export type SessionRow = Schema<'SessionRow'>;

/** Money as the API sends it: minor units (fen, cents) with an ISO 4217 currency (the shop adds `formatted`). */
export type Money = Schema<'Money'> & { formatted?: string };

export type Blocker = Schema<'Blocker'>;
export type Eligibility = Schema<'Eligibility'>;
export type Application = Schema<'Application'>;
export type ApplicationStatus = Application['status'];
export type Decision = NonNullable<Application['decision']>;
export type TimelineEntry = Schema<'TimelineEntry'>;

export type UploadedDocument = Schema<'UploadedDocument'>;
export type DocumentKind = UploadedDocument['kind'];

/** A redaction rectangle the UI sends with an upload (pixels of the upright image). */
export interface Redaction {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Message = Schema<'Message'>;
export type QueueItem = Schema<'QueueItem'>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type MailboxMessage = Answer<'/api/dev/mailbox', 'get'>[number];
