import type { AppContext } from '../context.ts';
import { openForSubject, sealForSubject } from '../keys/subject-seal.ts';

/**
 * Free text around an application (the buyer's reason, the reviewer's message, the message
 * thread) may name people or places, so it is sealed with the buyer's own key, the same seal as
 * the buyer's account fields: erasing the buyer destroys the key and every copy becomes unreadable.
 */
export type ApplicationTextField = 'reasonText' | 'decisionMessage' | 'message';

export async function sealApplicationText(ctx: AppContext, buyerId: string, field: ApplicationTextField, value: string): Promise<string> {
  return sealForSubject(ctx.keys, buyerId, field, value);
}

/** The text, or null when absent or when the buyer's key was destroyed (erased). */
export async function openApplicationText(ctx: AppContext, buyerId: string, field: ApplicationTextField, stored: string | null | undefined): Promise<string | null> {
  return openForSubject(ctx.keys, buyerId, field, stored);
}
