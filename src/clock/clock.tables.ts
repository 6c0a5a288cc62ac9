import { bigint, integer, pgTable } from 'drizzle-orm/pg-core';

/** The dev clock's offset, shared by every process (one row). */
export const serviceClock = pgTable('service_clock', {
  id: integer('id').primaryKey().default(1),
  offsetMs: bigint('offset_ms', { mode: 'number' }).notNull().default(0),
});
