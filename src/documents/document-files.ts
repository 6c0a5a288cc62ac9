import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppContext } from '../context.ts';

/** Random storage names only: nothing of the buyer, the id or the client's filename reaches the disk. */
const STORAGE_NAME = /^[A-Za-z0-9_-]{43}$/;

export const newStorageName = (): string => randomBytes(32).toString('base64url');

/** `dataDir/documents`: outside the web UI's served folder; nothing serves it statically. */
export const documentsDir = (ctx: AppContext): string => join(ctx.config.dataDir, 'documents');

function pathOf(ctx: AppContext, storageName: string): string {
  // Defence in depth: a storage name read back from the database never becomes a path elsewhere.
  if (!STORAGE_NAME.test(storageName)) throw new Error('invalid storage name');
  return join(documentsDir(ctx), storageName);
}

/** Writes a new encrypted file (never overwrites one), readable by this user only. */
export async function writeDocumentFile(ctx: AppContext, storageName: string, sealed: Buffer): Promise<void> {
  await mkdir(documentsDir(ctx), { recursive: true, mode: 0o700 });
  const handle = await open(pathOf(ctx, storageName), 'wx', 0o600);
  try {
    await handle.writeFile(sealed);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The encrypted bytes, or null when the file is gone. */
export async function readDocumentFile(ctx: AppContext, storageName: string): Promise<Buffer | null> {
  try {
    return await readFile(pathOf(ctx, storageName));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * Deletes the file; safe to call twice. No overwrite first: on SSDs and copy-on-write file systems
 * it would not reach the old blocks anyway — the key destruction is what makes old copies unreadable.
 */
export async function removeDocumentFile(ctx: AppContext, storageName: string): Promise<void> {
  await rm(pathOf(ctx, storageName), { force: true });
}
