import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';

export type ExportState = 'preparing' | 'ready' | 'failed' | 'expired';

/** One finished file of an export in the making: what the manifest will say about it. */
export interface ExportPart {
  /** Path inside the ZIP. */
  path: string;
  rows: number;
  sha256: string;
  /** Size of the plaintext. */
  bytes: number;
  /** CRC-32 of the plaintext, for the ZIP entry. */
  crc32: number;
  /** The part file holds the plaintext deflated, as the ZIP entry takes it (tables), or stored (images). */
  deflated: boolean;
}

/**
 * A buyer's data export (right of access). The rows hold no personal data: the ZIP and its parts
 * live encrypted under the buyer's key in `dataDir/exports/<id>…`, named by the random id only.
 * `parts` is the job's progress: each table's files, once fully written, so a resumed job skips them.
 */
export const dataExports = pgTable(
  'data_exports',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    /** Who asked: the buyer, or an admin on their behalf (the file goes to the buyer either way). */
    requestedBy: text('requested_by').$type<'buyer' | 'admin'>().notNull(),
    state: text('state').$type<ExportState>().notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    readyAt: timestamp('ready_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    destroyedAt: timestamp('destroyed_at', { withTimezone: true }),
    bytes: bigint('bytes', { mode: 'number' }),
    attempts: integer('attempts').notNull().default(0),
    parts: jsonb('parts').$type<ExportPart[]>().notNull().default(sql`'[]'::jsonb`),
    datamapHash: text('datamap_hash'),
  },
  (t) => [
    index('data_exports_user_idx').on(t.userId, t.requestedAt),
    // At most one export in the making per buyer.
    uniqueIndex('data_exports_one_preparing_idx').on(t.userId).where(sql`state = 'preparing'`),
    index('data_exports_expiry_idx').on(t.expiresAt).where(sql`state = 'ready'`),
  ],
);
export type DataExportRow = typeof dataExports.$inferSelect;
