import { integer, pgSchema, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * A platform-style store in the demo: the platform's loyalty programme, which knows a buyer only by
 * the platform's own id (`external_id`, the `sub` of its identity provider), never by Adieu's ids.
 * The data map reaches it through `identity: external_id` (datamap/platform.yaml), the way a real
 * platform's CRM tables are reached.
 */
export const platformSchema = pgSchema('platform');

export const platformLoyaltyMembers = platformSchema.table('loyalty_members', {
  externalId: text('external_id').primaryKey(),
  nickname: text('nickname'),
  tier: text('tier').notNull(),
  points: integer('points').notNull().default(0),
  joinedAt: timestamp('joined_at', { withTimezone: true }).notNull(),
});
