import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { applications } from '../cancellation/cancellation.tables.ts';

/**
 * Whether the buyer's erasure has started: from then on nothing of theirs may be exported (an
 * export is allowed during grace, up to that moment).
 */
export async function erasureStarted(db: Db, userId: string): Promise<boolean> {
  const rows = await db
    .select({ id: applications.id })
    .from(applications)
    .where(and(eq(applications.userId, userId), inArray(applications.status, ['erasing', 'erased'])))
    .limit(1);
  return rows.length > 0;
}
