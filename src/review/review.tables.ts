import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from '../accounts/accounts.tables.ts';

/**
 * Guidance templates that admins edit: the text a reviewer starts from when rejecting or asking
 * for information, one per reason code and language, so the buyer is told exactly what to fix.
 * Codes without a row here use the built-in default text.
 */
export const guidanceTemplates = pgTable(
  'guidance_templates',
  {
    reasonCode: text('reason_code').notNull(),
    locale: text('locale').notNull(),
    body: text('body').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.reasonCode, t.locale] })],
);
