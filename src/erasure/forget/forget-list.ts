import { createHmac } from 'node:crypto';
import type { StepSpec } from '../../domain/erasure-plan.ts';
import type { KeyStore } from '../../keys/key-store.ts';

/**
 * The forget list: who was erased, and what each run did, kept apart from the main database (in
 * the key store's database or folder), so a restore of the main database — or of a platform's
 * store — from a backup taken before an erasure can be followed by `adieu erase --reapply`, which
 * erases every subject on it again. Nothing personal: a subject appears only as a keyed hash of
 * its random user id (the key is a service secret of the key store), and steps are table names
 * and actions.
 */
export interface ForgetEntry {
  /** HMAC-SHA256 of the user id under the `forget-list` service secret, hex. */
  subjectHash: string;
  /** When the erasure started: a backup older than this holds the subject's data. */
  startedAt: Date;
  /** When the run completed (null while it runs). */
  completedAt: Date | null;
  /** The steps of the run, as planned, with the rows each touched once done. */
  steps: ForgetStep[];
  /** The last time `--reapply` erased the subject again (null: never). */
  reappliedAt: Date | null;
}

export interface ForgetStep {
  spec: StepSpec;
  rows: number | null;
}

export interface ForgetList {
  /** Adds the subject (a run starting); a second call keeps the first start and updates the steps. */
  record(entry: { subjectHash: string; startedAt: Date; steps: ForgetStep[] }): Promise<void>;
  /** The run completed: the steps it performed, with their rows. */
  complete(subjectHash: string, completedAt: Date, steps: ForgetStep[]): Promise<void>;
  markReapplied(subjectHash: string, at: Date): Promise<void>;
  /** Entries whose erasure started at or after `since` (every entry without it), oldest first. */
  list(since?: Date): Promise<ForgetEntry[]>;
  close(): Promise<void>;
}

export const FORGET_SECRET = 'forget-list';

/** The keyed hash under which a user id appears on the forget list. */
export function forgetHashWith(secret: Buffer, userId: string): string {
  return createHmac('sha256', secret).update(`user:${userId}`, 'utf8').digest('hex');
}

export async function forgetHash(keys: KeyStore, userId: string): Promise<string> {
  return forgetHashWith(await keys.serviceSecret(FORGET_SECRET), userId);
}

const byStart = (a: ForgetEntry, b: ForgetEntry) => a.startedAt.getTime() - b.startedAt.getTime() || a.subjectHash.localeCompare(b.subjectHash);
export { byStart };
