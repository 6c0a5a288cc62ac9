import { join } from 'node:path';
import type { Database } from '../../db/database.ts';
import type { DocumentStorage } from './document-storage.ts';
import { DatabaseDocumentStorage } from './database-storage.ts';
import { FolderDocumentStorage } from './folder-storage.ts';

/**
 * PostgreSQL (several processes, perhaps on several hosts): the database itself, never a server's
 * disk. The embedded database (a single process): `dataDir/documents`.
 */
export function openDocumentStorage(database: Database, dataDir: string): DocumentStorage {
  return database.kind === 'postgres' ? new DatabaseDocumentStorage(database.db) : new FolderDocumentStorage(join(dataDir, 'documents'));
}
