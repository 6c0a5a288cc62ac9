import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { users } from './accounts.tables.ts';

/** Every active reviewer and admin: who hears about deadlines and messages nobody has picked up. */
export async function allStaffIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.status, 'active'), sql`${users.roles} && ARRAY['reviewer', 'admin']::text[]`));
  return rows.map((r) => r.id);
}

/** The reviewer who has the case (claim, then last decider), or else every reviewer and admin. */
export async function staffFor(db: Db, application: { claimedBy: string | null; decidedBy: string | null; firstApprovalBy: string | null }): Promise<string[]> {
  const owner = application.claimedBy ?? application.decidedBy ?? application.firstApprovalBy;
  return owner ? [owner] : allStaffIds(db);
}
