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

/** The hash of one entry: its content chained to the hash of the entry before it. */
export function auditHash(prevHash: string, entry: AuditContent): string {
  const content = canonicalJson({
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject,
    target: entry.target,
    data: entry.data,
  });
  return createHash('sha256').update(prevHash).update('\n').update(content).digest('hex');
}
