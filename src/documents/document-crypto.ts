import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { KeyDestroyedError } from '../keys/key-store.ts';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh AES-256 key for one document. */
export const newDocumentKey = (): Buffer => randomBytes(32);

/** AES-256-GCM: `iv | tag | ciphertext`. The associated data binds the bytes to their document. */
export function sealBytes(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

export function openBytes(key: Buffer, sealed: Buffer, context: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

const wrapContext = (userId: string, documentId: string) => `${userId}:document-key:${documentId}`;
export const fileContext = (documentId: string) => `document-file:${documentId}`;

/**
 * Wraps a document key with the buyer's key, so that destroying the buyer's key (erasure) makes
 * every document of theirs unreadable at once, wherever a copy of the file or row survives.
 */
export async function wrapDocumentKey(ctx: AppContext, userId: string, documentId: string, documentKey: Buffer): Promise<string> {
  return sealBytes(await ctx.keys.subjectKey(userId), documentKey, wrapContext(userId, documentId)).toString('base64');
}

/** The document key, or null when it or the buyer's key was destroyed. */
export async function unwrapDocumentKey(ctx: AppContext, userId: string, documentId: string, wrapped: string | null): Promise<Buffer | null> {
  if (!wrapped) return null;
  let subjectKey: Buffer | null;
  try {
    subjectKey = await ctx.keys.findSubjectKey(userId);
  } catch (error) {
    if (error instanceof KeyDestroyedError) return null;
    throw error;
  }
  if (!subjectKey) return null;
  return openBytes(subjectKey, Buffer.from(wrapped, 'base64'), wrapContext(userId, documentId));
}
