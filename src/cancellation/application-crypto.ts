import type { AppContext } from '../context.ts';
import { decryptField, encryptField } from '../keys/field-cipher.ts';
import { KeyDestroyedError } from '../keys/key-store.ts';

/**
 * Free text around an application (the buyer's reason, the reviewer's message, the message
 * thread) may name people or places, so it is sealed with the buyer's own key, exactly like
 * `sealForUser`: erasing the buyer destroys the key and every copy becomes unreadable.
 */
export type ApplicationTextField = 'reasonText' | 'decisionMessage' | 'message';

export async function sealApplicationText(ctx: AppContext, buyerId: string, field: ApplicationTextField, value: string): Promise<string> {
  return encryptField(await ctx.keys.subjectKey(buyerId), value, `${buyerId}:${field}`);
}

/** The text, or null when absent or when the buyer's key was destroyed (erased). */
export async function openApplicationText(ctx: AppContext, buyerId: string, field: ApplicationTextField, stored: string | null | undefined): Promise<string | null> {
  if (!stored) return null;
  const key = await ctx.keys.findSubjectKey(buyerId);
  if (!key) return null;
  try {
    return decryptField(key, stored, `${buyerId}:${field}`);
  } catch (error) {
    if (error instanceof KeyDestroyedError) return null;
    throw error;
  }
}
