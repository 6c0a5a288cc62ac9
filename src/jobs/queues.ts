/**
 * Every job queue, with its retry policy. Payloads carry ids only, never personal data.
 * `migrate` creates them; the worker serves them.
 */
export interface QueueDefinition {
  name: string;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
}

export const QUEUES = {
  /** Runs every timer that is due by the service clock (grace ends, SLA reminders, disposal…). */
  tick: { name: 'tick', retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 300 },
  /** Sends one notification (email and/or SMS) to a user. */
  notify: { name: 'notify', retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  /** Destroys identity documents (key and file) of one application, one buyer's stale uploads, or leftover files. */
  'documents.dispose': { name: 'documents.dispose', retryLimit: 8, retryDelay: 60, retryBackoff: true, expireInSeconds: 300 },
  /** Runs the next step of an erasure run (each step once, in its own transaction). */
  'erasure.step': { name: 'erasure.step', retryLimit: 5, retryDelay: 15, retryBackoff: true, expireInSeconds: 900 },
  /** Delivers one erasure request to one downstream receiver (its own backoff schedule, up to 72 h). */
  'erasure.webhook': { name: 'erasure.webhook', retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  /** Tells one downstream receiver that an account was frozen or unfrozen (its own backoff, like erasure deliveries). */
  'freeze.webhook': { name: 'freeze.webhook', retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  /** Hard-deletes retained records of one erased buyer whose legal retention period ended. */
  'erasure.retention': { name: 'erasure.retention', retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 900 },
  /** Builds one buyer's data export, part by part (a resumed job skips the finished parts). */
  'export.build': { name: 'export.build', retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600 },
  /** Destroys the files of one data export (expired, or at erasure). */
  'export.destroy': { name: 'export.destroy', retryLimit: 8, retryDelay: 60, retryBackoff: true, expireInSeconds: 300 },
} satisfies Record<string, QueueDefinition>;

export type QueueName = keyof typeof QUEUES;

export function registerQueue(definition: QueueDefinition): void {
  (QUEUES as Record<string, QueueDefinition>)[definition.name] = definition;
}
