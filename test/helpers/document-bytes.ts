import { existsSync, readdirSync } from 'node:fs';
import type { AppContext } from '../../src/context.ts';
import { documentBlobs } from '../../src/documents/documents.tables.ts';
import { FolderDocumentStorage } from '../../src/documents/storage/folder-storage.ts';

/**
 * What the document storage holds, read around the service (the folder itself, or the table), so
 * tests see the bytes on PostgreSQL (`document_blobs`) and embedded (`dataDir/documents`) alike.
 */
export async function storedDocumentNames(ctx: AppContext): Promise<string[]> {
  const storage = ctx.documentStorage;
  if (storage instanceof FolderDocumentStorage) return existsSync(storage.dir) ? readdirSync(storage.dir).sort() : [];
  const rows = await ctx.db.select({ name: documentBlobs.storageName }).from(documentBlobs);
  return rows.map((r) => r.name).sort();
}

export async function hasDocumentBytes(ctx: AppContext, storageName: string): Promise<boolean> {
  return (await storedDocumentNames(ctx)).includes(storageName);
}
