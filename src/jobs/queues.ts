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
} satisfies Record<string, QueueDefinition>;

export type QueueName = keyof typeof QUEUES;

export function registerQueue(definition: QueueDefinition): void {
  (QUEUES as Record<string, QueueDefinition>)[definition.name] = definition;
}
