import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * This deployment's identity in the main database (one row): a random id, and the id of the key
 * store it was bound to at first start. The key store records the same pair, so a process pointed
 * at an empty or foreign key store refuses to start instead of minting new keys.
 */
export const deployment = pgTable('deployment', {
  id: integer('id').primaryKey().default(1),
  databaseId: text('database_id').notNull(),
  keyStoreId: text('key_store_id'),
  boundAt: timestamp('bound_at', { withTimezone: true }),
});
