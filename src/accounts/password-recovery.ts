import { randomInt } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { parseIdentifier } from '../domain/identifiers.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { newId, newToken } from '../ids.ts';
import { enqueueNotification, type SecretResolver } from './notifications.ts';
import { passwordResets, users } from './accounts.tables.ts';
import { hashPassword } from './password/password-hasher.ts';
import { isPasswordAcceptable } from './password/password-policy.ts';
import { endAllSessions, hashToken } from './sessions.ts';
import { rateLimiter } from './sign-in.ts';
import { identifierIndex, openForUser, sealForUser } from './user-crypto.ts';

const EMAIL_TTL_MS = 30 * 60 * 1000;
const SMS_TTL_MS = 10 * 60 * 1000;
/** Resets mailed per account per hour; links already sent keep working, so the owner is never locked out. */
const SENDS_PER_ACCOUNT_HOUR = 10;
const REQUESTS_PER_IP = 20;
const ATTEMPTS_PER_IP = 30;
const WINDOW_SECONDS = 15 * 60;
// No 0/O, 1/I/L: an SMS code is typed by hand. 8 of 31 symbols: ~40 bits, 10 minutes, IP-throttled.
const SMS_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function smsCode(): string {
  return Array.from({ length: 8 }, () => SMS_ALPHABET[randomInt(SMS_ALPHABET.length)]).join('');
}

const normaliseToken = (token: string) => (/^[A-Za-z0-9]{8}$/.test(token.trim()) ? token.trim().toUpperCase() : token.trim());

async function throttle(ctx: AppContext, scope: string, ip: string, limit: number): Promise<void> {
  const decision = await (await rateLimiter(ctx)).hit(scope, ip, limit, WINDOW_SECONDS, ctx.clock.now());
  if (!decision.allowed) {
    throw new AppError('RATE_LIMITED', { retryAfterSeconds: decision.retryAfterSeconds }, { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
  }
}

/** Always answers the same; sends a link (email) or a code (SMS) only when the account exists. */
export async function requestPasswordReset(ctx: AppContext, rawIdentifier: string, ip: string): Promise<void> {
  await throttle(ctx, 'reset-request-ip', ip, REQUESTS_PER_IP);
  const identifier = parseIdentifier(rawIdentifier);
  if (!identifier) return;
  const index = await identifierIndex(ctx, identifier);
  const column = identifier.kind === 'email' ? users.emailIndex : users.phoneIndex;
  const [user] = await ctx.db.select().from(users).where(eq(column, index)).limit(1);
  if (!user || user.status === 'erased') return;
  // Without local accounts a buyer has no password here to reset (staff still do).
  if (!ctx.config.identity.local && user.roles.every((role) => role === 'buyer')) return;

  const now = ctx.clock.now();
  const sends = await (await rateLimiter(ctx)).hit('reset-send-account', user.id, SENDS_PER_ACCOUNT_HOUR, 3600, now);
  if (!sends.allowed) return;

  const channel = identifier.kind === 'email' ? 'email' : 'sms';
  const token = channel === 'email' ? newToken() : smsCode();
  const id = newId('rst');
  await ctx.db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({
      id,
      userId: user.id,
      tokenHash: hashToken(token),
      tokenEnc: await sealForUser(ctx, user.id, 'resetToken', token),
      channel,
      createdAt: now,
      expiresAt: new Date(now.getTime() + (channel === 'email' ? EMAIL_TTL_MS : SMS_TTL_MS)),
    });
    await appendAudit(tx, { at: now, actor: 'anonymous', action: 'auth.password_reset_requested', subject: user.subjectId, data: { channel } });
    await enqueueNotification(ctx, tx, {
      userId: user.id,
      template: channel === 'email' ? 'password_reset' : 'password_reset_sms',
      channel,
      secretRef: { kind: 'password_reset', id },
    });
  });
}

/** The reset link or code of a notification job, read when it is sent (registered by the job handlers). */
export const passwordResetSecret: SecretResolver = async (ctx, ref) => {
  const [row] = await ctx.db
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.id, ref.id), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, ctx.clock.now())));
  if (!row) return null;
  const token = await openForUser(ctx, row.userId, 'resetToken', row.tokenEnc);
  if (!token) return null;
  // The token rides in the fragment: browsers never send it to a server or in a Referer.
  return row.channel === 'email' ? { linkPath: `/reset-password#token=${token}` } : { code: token };
};

/** Sets a new password with a single-use token; ends every session; does not sign in. */
export async function resetPassword(ctx: AppContext, token: string, password: string, ip: string): Promise<void> {
  await throttle(ctx, 'reset-attempt-ip', ip, ATTEMPTS_PER_IP);
  const now = ctx.clock.now();
  const [reset] = await ctx.db
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, hashToken(normaliseToken(token))), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)));
  if (!reset) throw new AppError('TOKEN_INVALID');
  if (!isPasswordAcceptable(password)) {
    throw new AppError('VALIDATION_FAILED', { fields: { password: 'Use 12 to 128 characters that are not a common or easily guessed password.' } });
  }
  const passwordHash = await hashPassword(password);
  const user = await ctx.db.transaction(async (tx) => {
    const used = await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedAt)))
      .returning({ id: passwordResets.id });
    if (used.length === 0) throw new AppError('TOKEN_INVALID');
    const [owner] = await tx.update(users).set({ passwordHash }).where(eq(users.id, reset.userId)).returning();
    await tx.delete(passwordResets).where(and(eq(passwordResets.userId, reset.userId), isNull(passwordResets.usedAt)));
    await endAllSessions(tx, reset.userId);
    await appendAudit(tx, { at: now, actor: owner.subjectId, action: 'auth.password_reset', subject: owner.subjectId });
    await enqueueNotification(ctx, tx, { userId: owner.id, template: 'password_changed' });
    return owner;
  });
  // A pause an attacker caused ends when the owner proves control of a contact.
  const limiter = await rateLimiter(ctx);
  for (const [kind, stored] of [['email', user.emailEnc], ['phone', user.phoneEnc]] as const) {
    const value = await openForUser(ctx, user.id, kind, stored);
    if (value) await limiter.reset('login-account', await identifierIndex(ctx, { kind, value }));
  }
}
