import { z } from 'zod';

/**
 * Every job queue, with its retry policy. `migrate` creates them; the worker serves them.
 *
 * A queue with a `payload` schema is "ids only": `enqueue` refuses any other payload shape, and a
 * failed job keeps only its error class or SQLSTATE (job-queue.ts), so its rows provably hold no
 * personal data and the erasure's residue scan can leave them out (src/erasure/job-scan.ts). A
 * queue without one (notify: template variables) may carry free text and is scanned.
 */
export interface QueueDefinition {
  name: string;
  retryLimit: number;
  retryDelay: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  payload?: z.ZodType;
}

/**
 * One of our ids (`newId`: a lower-case prefix, `_`, random base64url): no room for an email, a
 * name with a space or a formatted phone number.
 */
const id = z.string().regex(/^[a-z]{2,8}_[A-Za-z0-9_-]{1,64}$/);
/** A configured receiver's name (config: lower-case letters, digits, - and _). */
const receiverName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/);

export const QUEUES = {
  /** Runs every timer that is due by the service clock (grace ends, SLA reminders, disposal…). */
  tick: { name: 'tick', retryLimit: 0, retryDelay: 0, retryBackoff: false, expireInSeconds: 300, payload: z.strictObject({}) },
  /** Sends one notification (email and/or SMS) to a user. Template variables: free text, scanned. */
  notify: { name: 'notify', retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  /** Destroys identity documents (key and file) of one application, one buyer's stale uploads, or leftover files. */
  'documents.dispose': {
    name: 'documents.dispose',
    retryLimit: 8,
    retryDelay: 60,
    retryBackoff: true,
    expireInSeconds: 300,
    payload: z.discriminatedUnion('scope', [
      z.strictObject({ scope: z.literal('application'), applicationId: id }),
      z.strictObject({ scope: z.literal('unattached'), userId: id }),
      z.strictObject({ scope: z.literal('files') }),
    ]),
  },
  /** Runs the next step of an erasure run (each step once, in its own transaction). */
  'erasure.step': { name: 'erasure.step', retryLimit: 5, retryDelay: 15, retryBackoff: true, expireInSeconds: 900, payload: z.strictObject({ runId: id }) },
  /** Delivers one erasure request to one downstream receiver (its own backoff schedule, up to 72 h). */
  'erasure.webhook': {
    name: 'erasure.webhook',
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: true,
    expireInSeconds: 120,
    payload: z.strictObject({ runId: id, name: receiverName }),
  },
  /** Tells one downstream receiver that an account was frozen or unfrozen (its own backoff, like erasure deliveries). */
  'freeze.webhook': { name: 'freeze.webhook', retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 120, payload: z.strictObject({ messageId: id }) },
  /** Hard-deletes retained records of one erased buyer whose legal retention period ended. */
  'erasure.retention': { name: 'erasure.retention', retryLimit: 5, retryDelay: 300, retryBackoff: true, expireInSeconds: 900, payload: z.strictObject({ runId: id }) },
  /** Builds one buyer's data export, part by part (a resumed job skips the finished parts). */
  'export.build': { name: 'export.build', retryLimit: 5, retryDelay: 30, retryBackoff: true, expireInSeconds: 3600, payload: z.strictObject({ exportId: id }) },
  /** Destroys the files of one data export (expired, or at erasure). */
  'export.destroy': { name: 'export.destroy', retryLimit: 8, retryDelay: 60, retryBackoff: true, expireInSeconds: 300, payload: z.strictObject({ exportId: id }) },
} satisfies Record<string, QueueDefinition>;

export type QueueName = keyof typeof QUEUES;

export function registerQueue(definition: QueueDefinition): void {
  (QUEUES as Record<string, QueueDefinition>)[definition.name] = definition;
}

/** The ids-only queues' names: their rows hold no personal data (see above). */
export function idsOnlyQueues(): string[] {
  return Object.values(QUEUES as Record<string, QueueDefinition>)
    .filter((q) => q.payload)
    .map((q) => q.name)
    .sort();
}
