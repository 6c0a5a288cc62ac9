import { and, asc, eq, isNull } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { documents } from '../documents/documents.tables.ts';
import { fileContext, openBytes, unwrapDocumentKey } from '../documents/document-crypto.ts';
import { readDocumentFile } from '../documents/document-files.ts';
import type { ExportPart } from './export.tables.ts';
import { SealedFileWriter } from './export-files.ts';
import { partName } from './part-names.ts';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * The buyer's identity documents that are still kept, as the stored (cleaned, redacted) images,
 * one part each: `documents/<kind>-<documentId>.<ext>`. One image at a time in memory (≤ 10 MB).
 */
export async function writeDocumentFiles(ctx: AppContext, exportId: string, userId: string, fileKey: Buffer): Promise<ExportPart[]> {
  const rows = await ctx.db
    .select()
    .from(documents)
    .where(and(eq(documents.userId, userId), isNull(documents.destroyedAt)))
    .orderBy(asc(documents.createdAt), asc(documents.id));
  const parts: ExportPart[] = [];
  for (const row of rows) {
    const key = await unwrapDocumentKey(ctx, row.userId, row.id, row.wrappedKey);
    const sealed = key ? await readDocumentFile(ctx, row.storageName) : null;
    if (!key || !sealed) continue;
    let image: Buffer;
    try {
      image = openBytes(key, sealed, fileContext(row.id));
    } catch {
      ctx.logger.error({ documentId: row.id }, 'document file failed authentication; left out of the export');
      continue;
    } finally {
      key.fill(0);
    }
    const path = `documents/${row.kind}-${row.id}.${EXTENSIONS[row.mediaType] ?? 'bin'}`;
    const writer = await SealedFileWriter.create(ctx, exportId, partName(path), fileKey);
    await writer.write(image);
    parts.push({ path, rows: 1, ...(await writer.close()) });
  }
  return parts;
}
