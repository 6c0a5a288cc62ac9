import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, ne, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { newId, newToken } from '../ids.ts';
import { sessions, users } from './accounts.tables.ts';

export const SESSION_IDLE_MS = 30 * 60 * 1000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60 * 1000;
export const STEP_UP_MS = 10 * 60 * 1000;
/** lastSeenAt is written at most this often, so reads do not all become writes. */
const TOUCH_EVERY_MS = 60 * 1000;

export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Starts a session; only the token's hash is stored, the token goes to the cookie. */
export async function createSession(
  ctx: AppContext,
  db: Db,
  userId: string,
  userAgent: string | undefined,
  options: { reauthenticated?: boolean } = {},
): Promise<{ token: string; session: SessionRow }> {
  const now = ctx.clock.now();
  const token = newToken();
  const [session] = await db
    .insert(sessions)
    .values({
      id: newId('ses'),
      tokenHash: hashToken(token),
      userId,
      userAgent: userAgent?.slice(0, 200) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
      reauthenticatedUntil: options.reauthenticated ? new Date(now.getTime() + STEP_UP_MS) : null,
    })
    .returning();
  return { token, session };
}

/**
 * Every signed-in request starts with this lookup, so it is a named prepared statement: each
 * connection parses and plans it once instead of on every request.
 */
const prepareLookup = (db: Db) =>
  db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.tokenHash, sql.placeholder('tokenHash')))
    .limit(1)
    .prepare('adieu_session_by_token');
const lookups = new WeakMap<Db, ReturnType<typeof prepareLookup>>();

/** The live session of a cookie token with its user, or null (unknown, idle, expired, erased). */
export async function resolveSession(ctx: AppContext, token: string): Promise<{ session: SessionRow; user: UserRow } | null> {
  if (!token || token.length > 100) return null;
  let lookup = lookups.get(ctx.db);
  if (!lookup) lookups.set(ctx.db, (lookup = prepareLookup(ctx.db)));
  const rows = await lookup.execute({ tokenHash: hashToken(token) });
  const found = rows[0];
  if (!found) return null;
  const now = ctx.clock.now().getTime();
  const idle = found.session.lastSeenAt.getTime() + SESSION_IDLE_MS <= now;
  if (idle || found.session.expiresAt.getTime() <= now || found.user.status === 'erased') {
    await ctx.db.delete(sessions).where(eq(sessions.id, found.session.id));
    return null;
  }
  if (now - found.session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await ctx.db.update(sessions).set({ lastSeenAt: new Date(now) }).where(eq(sessions.id, found.session.id));
  }
  return found;
}

/** Step-up: a fresh token (session fixation cannot outlive it) and a 10-minute window. */
export async function rotateForStepUp(ctx: AppContext, sessionId: string, db: Db = ctx.db): Promise<{ token: string; reauthenticatedUntil: Date }> {
  const token = newToken();
  const reauthenticatedUntil = new Date(ctx.clock.now().getTime() + STEP_UP_MS);
  await db.update(sessions).set({ tokenHash: hashToken(token), reauthenticatedUntil }).where(eq(sessions.id, sessionId));
  return { token, reauthenticatedUntil };
}

export function isReauthenticated(ctx: AppContext, session: SessionRow): boolean {
  return !!session.reauthenticatedUntil && session.reauthenticatedUntil.getTime() > ctx.clock.now().getTime();
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user, or all but one. */
export async function endAllSessions(db: Db, userId: string, exceptSessionId?: string): Promise<void> {
  await db
    .delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
}

/** The CSRF token of a session: bound to its id, unforgeable without the server secret. */
export async function csrfTokenFor(ctx: AppContext, sessionId: string): Promise<string> {
  return createHmac('sha256', await ctx.keys.serviceSecret('csrf')).update(sessionId).digest('base64url');
}

export async function isCsrfValid(ctx: AppContext, sessionId: string, presented: string | undefined): Promise<boolean> {
  if (!presented) return false;
  const expected = Buffer.from(await csrfTokenFor(ctx, sessionId));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
