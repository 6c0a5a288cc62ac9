import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { users } from '../accounts/accounts.tables.ts';
import { applications } from './cancellation.tables.ts';
import type { ApplicationStatus } from '../domain/application-transitions.ts';

export type ApplicationRow = typeof applications.$inferSelect;

export async function findApplication(db: Db, id: string): Promise<ApplicationRow | null> {
  const rows = await db.select().from(applications).where(eq(applications.id, id)).limit(1);
  return rows[0] ?? null;
}

/** The buyer's most recent application (open or closed), or null. */
export async function latestApplicationOf(db: Db, userId: string): Promise<ApplicationRow | null> {
  const rows = await db.select().from(applications).where(eq(applications.userId, userId)).orderBy(desc(applications.submittedAt), desc(applications.id)).limit(1);
  return rows[0] ?? null;
}

/** The buyer's most recent application in one of `statuses`, or null. */
export async function latestApplicationIn(db: Db, userId: string, statuses: readonly ApplicationStatus[]): Promise<ApplicationRow | null> {
  const rows = await db
    .select()
    .from(applications)
    .where(and(eq(applications.userId, userId), inArray(applications.status, [...statuses])))
    .orderBy(desc(applications.submittedAt), desc(applications.id))
    .limit(1);
  return rows[0] ?? null;
}

/** The pseudonymous subject id of a user, for audit entries. */
export async function subjectIdOf(db: Db, userId: string): Promise<string> {
  const rows = await db.select({ subjectId: users.subjectId }).from(users).where(eq(users.id, userId)).limit(1);
  if (!rows[0]) throw new AppError('ACCOUNT_NOT_FOUND');
  return rows[0].subjectId;
}

