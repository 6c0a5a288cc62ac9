import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditContent {
  at: Date;
  actor: string;
  action: string;
  subject: string | null;
  target: string | null;
  data: Record<string, unknown>;
}

/** What an entry's hash covers besides the previous hash: its content as canonical JSON. */
export function auditContentText(entry: AuditContent): string {
  return canonicalJson({
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    target: entry.target,
    data: entry.data,
  });
}

/** The hash of one entry: its content chained to the hash of the entry before it. */
export function auditHash(prevHash: string, entry: AuditContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(auditContentText(entry)).digest('hex');
}
