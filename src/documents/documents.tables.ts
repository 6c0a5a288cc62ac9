import { sql } from 'drizzle-orm';
import { customType, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';
import { applications } from '../cancellation/cancellation.tables.ts';

export type DocumentKind = 'id_front' | 'id_back' | 'other';
export const DOCUMENT_KINDS = ['id_front', 'id_back', 'other'] as const satisfies readonly DocumentKind[];

/** Why a document was destroyed (no personal data: a fixed word). */
export type DisposalReason = 'withdrawn' | 'rejected' | 'erasure' | 'unattached' | 'replaced' | 'deleted_by_buyer' | 'closed';

/**
 * Identity documents. Nothing here is personal in the clear: the image itself lives encrypted under
 * `storage_name` (a random name, unrelated to the id) in the document storage, under a per-document
 * AES-256-GCM key that is stored only wrapped by the buyer's key. Destroying the buyer's key, or
 * nulling `wrapped_key`, makes the file unreadable; disposal also deletes the file. The client's
 * filename and Content-Type are never stored.
 */
export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** The application the document was submitted with; null while it is only uploaded. */
    applicationId: text('application_id').references(() => applications.id),
    kind: text('kind').$type<DocumentKind>().notNull(),
    /** Of the cleaned, stored image. */
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** Media type of the stored (re-encoded) image, e.g. `image/jpeg`. */
    mediaType: text('media_type').notNull(),
    byteSize: integer('byte_size').notNull(),
    storageName: text('storage_name').notNull(),
    /** The document key, AES-256-GCM-encrypted with the buyer's key; null once destroyed. */
    wrappedKey: text('wrapped_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    attachedAt: timestamp('attached_at', { withTimezone: true }),
    destroyedAt: timestamp('destroyed_at', { withTimezone: true }),
    destroyReason: text('destroy_reason').$type<DisposalReason>(),
    /** Set once the encrypted bytes are gone from the storage too (destruction happens in two steps). */
    fileRemovedAt: timestamp('file_removed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('documents_storage_name_uq').on(t.storageName),
    index('documents_user_idx').on(t.userId, t.createdAt),
    index('documents_application_idx').on(t.applicationId),
    // The sweep for uploads never attached to an application.
    index('documents_unattached_idx')
      .on(t.createdAt)
      .where(sql`application_id IS NULL AND destroyed_at IS NULL`),
    // Destroyed documents whose file removal has to be (re)tried.
    index('documents_file_pending_idx')
      .on(t.destroyedAt)
      .where(sql`destroyed_at IS NOT NULL AND file_removed_at IS NULL`),
  ],
);

export type DocumentRow = typeof documents.$inferSelect;

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * The encrypted bytes of documents when Adieu runs on PostgreSQL (see `storage/`): shared by every
 * server and worker, nothing on one server's disk. Ciphertext only; deleted with the document.
 */
export const documentBlobs = pgTable('document_blobs', {
  storageName: text('storage_name').primaryKey(),
  bytes: bytea('bytes').notNull(),
});
