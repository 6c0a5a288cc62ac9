import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/database.ts';
import { documentBlobs } from '../documents.tables.ts';
import { checkStorageName, type DocumentStorage } from './document-storage.ts';

/**
 * In the main PostgreSQL database (`document_blobs`), which every server and worker already
 * shares: an upload through one server is viewable through any other and disposable by any
 * worker, and backups hold the bytes with the rows that describe them. Old copies (dead tuples,
 * WAL, backups) stay ciphertext whose key is destroyed with the buyer's.
 */
export class DatabaseDocumentStorage implements DocumentStorage {
  readonly kind = 'database';

  constructor(private readonly db: Db) {}

  async write(name: string, sealed: Buffer): Promise<void> {
    await this.db.insert(documentBlobs).values({ storageName: checkStorageName(name), bytes: sealed });
  }

  async read(name: string): Promise<Buffer | null> {
    const [row] = await this.db
      .select({ bytes: documentBlobs.bytes })
      .from(documentBlobs)
      .where(inArray(documentBlobs.storageName, [checkStorageName(name)]))
      .limit(1);
    return row ? Buffer.from(row.bytes) : null;
  }

  async remove(names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.delete(documentBlobs).where(inArray(documentBlobs.storageName, names.map(checkStorageName)));
  }

  async present(names: string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await this.db
      .select({ name: documentBlobs.storageName })
      .from(documentBlobs)
      .where(inArray(documentBlobs.storageName, names.map(checkStorageName)));
    return rows.map((r) => r.name);
  }
}
