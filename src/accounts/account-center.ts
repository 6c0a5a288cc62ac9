import { and, desc, eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { maskEmail, maskPhone } from '../domain/identifiers.ts';
import { canonicalTimeZone, TIME_ZONE_HINT } from '../domain/time-zones.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { sessions, users } from './accounts.tables.ts';
import { endAllSessions, type UserRow } from './sessions.ts';
import { openForUser, sealForUser } from './user-crypto.ts';
import { remainingRecoveryCodes } from './totp.ts';

/** The account as its owner sees it: contacts masked, nothing secret. */
export async function accountView(ctx: AppContext, user: UserRow) {
  const [email, phone, displayName, antiPhishingCode] = await Promise.all([
    openForUser(ctx, user.id, 'email', user.emailEnc),
    openForUser(ctx, user.id, 'phone', user.phoneEnc),
    openForUser(ctx, user.id, 'displayName', user.displayNameEnc),
    openForUser(ctx, user.id, 'antiPhishing', user.antiPhishingEnc),
  ]);
  return {
    id: user.id,
    displayName: displayName ?? '',
    email: email ? maskEmail(email) : null,
    phone: phone ? maskPhone(phone) : null,
    roles: user.roles,
    status: user.status,
    locale: user.locale,
    timeZone: user.timeZone,
    antiPhishingCode: antiPhishingCode ?? undefined,
    totpEnabled: user.totpEnabled,
    recoveryCodesLeft: user.totpEnabled ? await remainingRecoveryCodes(ctx, user.id) : 0,
    createdAt: user.createdAt.toISOString(),
  };
}

export async function setAntiPhishingCode(ctx: AppContext, user: UserRow, code: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ antiPhishingEnc: await sealForUser(ctx, user.id, 'antiPhishing', code) }).where(eq(users.id, user.id));
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'account.anti_phishing_set', subject: user.subjectId });
  });
}

export interface Preferences {
  locale?: string;
  /** An IANA zone (validated by the route), or null to read dates in the platform's zone again. */
  timeZone?: string | null;
}

/**
 * Sets the language and/or the time zone messages use. The zone is stored by its canonical name and
 * left out of the audit entry: it hints at where the buyer lives.
 */
export async function setPreferences(ctx: AppContext, user: UserRow, preferences: Preferences): Promise<{ locale: string; timeZone: string | null }> {
  const timeZone = preferences.timeZone === undefined ? user.timeZone : preferences.timeZone && canonicalTimeZone(preferences.timeZone);
  if (timeZone === null && preferences.timeZone) throw new AppError('VALIDATION_FAILED', { fields: { timeZone: TIME_ZONE_HINT } });
  const locale = preferences.locale ?? user.locale;
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ locale, timeZone }).where(eq(users.id, user.id));
    const at = ctx.clock.now();
    if (preferences.locale !== undefined) await appendAudit(tx, { at, actor: user.subjectId, action: 'account.locale_set', subject: user.subjectId, data: { locale } });
    if (preferences.timeZone !== undefined) await appendAudit(tx, { at, actor: user.subjectId, action: 'account.time_zone_set', subject: user.subjectId });
  });
  return { locale, timeZone };
}

export async function listSessions(ctx: AppContext, user: UserRow, currentSessionId: string) {
  const rows = await ctx.db.select().from(sessions).where(eq(sessions.userId, user.id)).orderBy(desc(sessions.lastSeenAt));
  return rows.map((s) => ({
    id: s.id,
    current: s.id === currentSessionId,
    userAgent: s.userAgent,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
  }));
}

/** Ends one of the user's own sessions; someone else's id is "not found", never "forbidden". */
export async function revokeSession(ctx: AppContext, user: UserRow, sessionId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const removed = await tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, user.id)))
      .returning({ id: sessions.id });
    if (removed.length === 0) throw new AppError('SESSION_NOT_FOUND');
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'auth.session_revoked', subject: user.subjectId, target: sessionId });
  });
}

/** Signs the user out everywhere but the session making the request. */
export async function endOtherSessions(ctx: AppContext, user: UserRow, currentSessionId: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await endAllSessions(tx, user.id, currentSessionId);
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'auth.other_sessions_ended', subject: user.subjectId, target: currentSessionId });
  });
}
