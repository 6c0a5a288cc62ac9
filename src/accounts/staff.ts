import { and, eq, isNull, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { normaliseEmail } from '../domain/identifiers.ts';
import { newId, newToken } from '../ids.ts';
import { passwordResets, users } from './accounts.tables.ts';
import { endAllSessions, hashToken } from './sessions.ts';
import { findUserByIdentifier, insertUser } from './users.ts';
import { openForUser, sealForUser } from './user-crypto.ts';

export type StaffRole = 'reviewer' | 'admin';

/** An invitation link stays usable this long: staff may open it a day or two later. */
const INVITE_TTL_MS = 72 * 60 * 60 * 1000;

export interface StaffMember {
  userId: string;
  email: string | null;
  roles: StaffRole[];
  /** Whether the person has set a password yet (false: the invitation is still open). */
  passwordSet: boolean;
  status: string;
}

function parseStaffEmail(raw: string): string {
  const email = normaliseEmail(raw);
  if (!email) throw new AppError('VALIDATION_FAILED', { fields: { email: 'Expected an email address.' } });
  return email;
}

/**
 * Gives a new or staff account a staff role and, unless the person already has a password, returns
 * a one-time link where they set it (a buyer's address is refused). Admins are reviewers too, as in the review console. `actor`: the admin's
 * subject id, or `cli` from `adieu staff add`.
 */
export async function addStaff(ctx: AppContext, input: { email: string; role: StaffRole; actor: string }): Promise<{ userId: string; created: boolean; link: string | null; expiresAt: Date | null }> {
  const email = parseStaffEmail(input.email);
  const roles: StaffRole[] = input.role === 'admin' ? ['admin', 'reviewer'] : ['reviewer'];
  const now = ctx.clock.now();
  const token = newToken();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  const existing = await findUserByIdentifier(ctx, { kind: 'email', value: email });
  if (existing?.status === 'erased') throw new AppError('VALIDATION_FAILED', { fields: { email: 'This account was erased.' } });
  // A link that sets the password of a buyer's account would hand that account to whoever holds it.
  if (existing && !existing.roles.some((role) => role === 'reviewer' || role === 'admin')) {
    throw new AppError('VALIDATION_FAILED', { fields: { email: 'This address belongs to a buyer account: staff need an address of their own.' } });
  }
  // Someone who already set a password keeps it: a promotion changes the roles only.
  const needsLink = !existing?.passwordHash;
  const result = await ctx.db.transaction(async (tx) => {
    let user = existing;
    if (user) {
      const merged = [...new Set([...user.roles, ...roles])];
      [user] = await tx.update(users).set({ roles: merged }).where(eq(users.id, user.id)).returning();
    } else {
      user = await insertUser(ctx, tx, { email, displayName: null, roles, emailVerified: true });
    }
    if (needsLink) await tx.insert(passwordResets).values({
      id: newId('rst'),
      userId: user.id,
      tokenHash: hashToken(token),
      tokenEnc: await sealForUser(ctx, user.id, 'resetToken', token),
      channel: 'email',
      createdAt: now,
      expiresAt,
    });
    await appendAudit(tx, { at: now, actor: input.actor, action: 'staff.added', subject: user.subjectId, data: { roles, created: !existing } });
    return { userId: user.id, created: !existing };
  });
  // The token rides in the fragment, as in password recovery: never sent to a server or in a Referer.
  return needsLink ? { ...result, link: `${ctx.config.publicUrl}/reset-password#token=${token}`, expiresAt } : { ...result, link: null, expiresAt: null };
}

/** Everyone holding a staff role, with their email (decrypted for the admin who asked). */
export async function listStaff(ctx: AppContext): Promise<StaffMember[]> {
  const rows = await ctx.db
    .select()
    .from(users)
    .where(sql`${users.roles} && ARRAY['reviewer', 'admin']::text[]`)
    .orderBy(users.createdAt, users.id);
  return Promise.all(
    rows.map(async (row) => ({
      userId: row.id,
      email: await openForUser(ctx, row.id, 'email', row.emailEnc),
      roles: row.roles.filter((role): role is StaffRole => role === 'reviewer' || role === 'admin'),
      passwordSet: row.passwordHash !== null,
      status: row.status,
    })),
  );
}

/**
 * Takes the staff roles away, ends every session and voids open invitations. A staff-only account
 * also loses its password, so it cannot sign in again; the account row stays because decisions and
 * messages refer to it.
 */
export async function removeStaff(ctx: AppContext, input: { email?: string; userId?: string; actor: string }): Promise<void> {
  const user = input.userId
    ? (await ctx.db.select().from(users).where(eq(users.id, input.userId)).limit(1))[0]
    : await findUserByIdentifier(ctx, { kind: 'email', value: parseStaffEmail(input.email ?? '') });
  if (!user || !user.roles.some((role) => role === 'reviewer' || role === 'admin')) throw new AppError('ACCOUNT_NOT_FOUND');
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const remaining = user.roles.filter((role) => role !== 'reviewer' && role !== 'admin');
    await tx
      .update(users)
      .set(remaining.length === 0 ? { roles: remaining, passwordHash: null } : { roles: remaining })
      .where(eq(users.id, user.id));
    await tx.delete(passwordResets).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await endAllSessions(tx, user.id);
    await appendAudit(tx, { at: now, actor: input.actor, action: 'staff.removed', subject: user.subjectId, data: { roles: user.roles.filter((role) => role !== 'buyer') } });
  });
}
