import type { AppContext } from '../context.ts';
import { blindIndex, decryptField, encryptField } from '../keys/field-cipher.ts';
import { KeyDestroyedError } from '../keys/key-store.ts';
import type { Identifier } from '../domain/identifiers.ts';

export type UserField = 'email' | 'phone' | 'displayName' | 'antiPhishing' | 'totpSecret' | 'resetToken';

/** Encrypts one field of one user with that user's key. */
export async function sealForUser(ctx: AppContext, userId: string, field: UserField, value: string): Promise<string> {
  return encryptField(await ctx.keys.subjectKey(userId), value, `${userId}:${field}`);
}

/** Decrypts, or null when the value is absent or the user's key was destroyed (erased). */
export async function openForUser(ctx: AppContext, userId: string, field: UserField, stored: string | null | undefined): Promise<string | null> {
  if (!stored) return null;
  const key = await ctx.keys.findSubjectKey(userId);
  if (!key) return null;
  try {
    return decryptField(key, stored, `${userId}:${field}`);
  } catch (error) {
    if (error instanceof KeyDestroyedError) return null;
    throw error;
  }
}

/** The keyed blind index of a normalised identifier (emails and phones in separate spaces). */
export async function identifierIndex(ctx: AppContext, identifier: Identifier): Promise<string> {
  return blindIndex(await ctx.keys.serviceSecret('blind-index'), `${identifier.kind}:${identifier.value}`);
}
