import type { AppContext } from '../context.ts';
import { blindIndex } from '../keys/field-cipher.ts';
import { openForSubject, sealForSubject } from '../keys/subject-seal.ts';
import type { Identifier } from '../domain/identifiers.ts';

export type UserField = 'email' | 'phone' | 'displayName' | 'antiPhishing' | 'totpSecret' | 'resetToken' | 'externalId';

/** Encrypts one field of one user with that user's key. */
export async function sealForUser(ctx: AppContext, userId: string, field: UserField, value: string): Promise<string> {
  return sealForSubject(ctx.keys, userId, field, value);
}

/** Decrypts, or null when the value is absent or the user's key was destroyed (erased). */
export async function openForUser(ctx: AppContext, userId: string, field: UserField, stored: string | null | undefined): Promise<string | null> {
  return openForSubject(ctx.keys, userId, field, stored);
}

/** The keyed blind index of a normalised identifier (emails and phones in separate spaces). */
export async function identifierIndex(ctx: AppContext, identifier: Identifier): Promise<string> {
  return blindIndex(await ctx.keys.serviceSecret('blind-index'), `${identifier.kind}:${identifier.value}`);
}
