import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';

/** 256 random bits: nothing of the buyer, the id or the client's filename names the bytes. */
export const newStorageName = (): string => randomBytes(32).toString('base64url');

/** Stores the encrypted bytes of a new document (never overwrites), wherever `ctx.documentStorage` keeps them. */
export async function writeDocumentFile(ctx: AppContext, storageName: string, sealed: Buffer): Promise<void> {
  await ctx.documentStorage.write(storageName, sealed);
}

/** The encrypted bytes, or null when they are gone. */
export async function readDocumentFile(ctx: AppContext, storageName: string): Promise<Buffer | null> {
  return ctx.documentStorage.read(storageName);
}

/** Deletes the bytes; safe to call twice. */
export async function removeDocumentFile(ctx: AppContext, storageName: string): Promise<void> {
  await ctx.documentStorage.remove([storageName]);
}
