import { decryptField, encryptField } from './field-cipher.ts';
import { KeyDestroyedError, type KeyStore } from './key-store.ts';

/**
 * One field of one subject (a buyer's email, their reason text, a message…) sealed with that
 * subject's own key: erasing the subject destroys the key and every copy becomes unreadable.
 * The associated data `subject:field` keeps a value from being opened in another place.
 */
export async function sealForSubject(keys: KeyStore, subjectId: string, field: string, value: string): Promise<string> {
  return encryptField(await keys.subjectKey(subjectId), value, `${subjectId}:${field}`);
}

/**
 * The value, or null when it is absent or the subject's key was destroyed (erased). A key that is
 * missing (the store lost it, no tombstone) throws `KeyMissingError`: that is not an erasure, and
 * reading it as "erased" would hide a broken key store.
 */
export async function openForSubject(keys: KeyStore, subjectId: string, field: string, stored: string | null | undefined): Promise<string | null> {
  if (!stored) return null;
  let key: Buffer;
  try {
    key = await keys.subjectKey(subjectId);
  } catch (error) {
    if (error instanceof KeyDestroyedError) return null;
    throw error;
  }
  return decryptField(key, stored, `${subjectId}:${field}`);
}
