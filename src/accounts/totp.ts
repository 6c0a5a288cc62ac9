import { createHash, randomBytes } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { authenticator as Authenticator } from 'otplib';
import type QRCodeLibrary from 'qrcode';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { recoveryCodes, users } from './accounts.tables.ts';
import type { UserRow } from './sessions.ts';
import { openForUser, sealForUser } from './user-crypto.ts';
import { enqueueNotification } from './notifications.ts';
import { lazyModule } from '../lazy-module.ts';

// Loaded with the first sign-in that has a second factor, or the first enrolment (QR code).
const otplib = lazyModule<{ authenticator: typeof Authenticator }>('otplib');
const qrcode = lazyModule<typeof QRCodeLibrary>('qrcode');

const STEP_SECONDS = 30;
const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Adieu';

const hashCode = (code: string) => createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

function checker(ctx: AppContext) {
  return otplib().authenticator.clone({ epoch: ctx.clock.now().getTime(), window: 1, step: STEP_SECONDS });
}

/**
 * Checks a 6-digit code, or a recovery code. A code works once: the accepted time step is stored
 * with a conditional update, so even two requests racing with the same code cannot both pass.
 */
export async function verifySecondFactor(ctx: AppContext, user: UserRow, code: string): Promise<boolean> {
  const trimmed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(trimmed)) {
    const secret = await openForUser(ctx, user.id, 'totpSecret', user.totpSecretEnc);
    if (!secret) return false;
    const delta = checker(ctx).checkDelta(trimmed, secret);
    if (delta === null) return false;
    const step = Math.floor(ctx.clock.now().getTime() / 1000 / STEP_SECONDS) + delta;
    const updated = await ctx.db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return updated.length === 1;
  }
  if (/^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(trimmed)) {
    const used = await ctx.db
      .update(recoveryCodes)
      .set({ usedAt: ctx.clock.now() })
      .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, hashCode(trimmed)), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    return used.length === 1;
  }
  return false;
}

/** Starts enrolment: a new secret (not yet active), its otpauth URI and a QR code of it. */
export async function beginTotpEnrolment(ctx: AppContext, user: UserRow, label: string) {
  if (user.totpEnabled) throw new AppError('TOTP_ALREADY_ENABLED');
  const secret = otplib().authenticator.generateSecret(20);
  const sealed = await sealForUser(ctx, user.id, 'totpSecret', secret);
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecretEnc: sealed, totpLastStep: null }).where(eq(users.id, user.id));
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'auth.totp_enrolment_started', subject: user.subjectId });
  });
  const otpauthUrl = otplib().authenticator.keyuri(label, ISSUER, secret);
  return { secret, otpauthUrl, qrCodeDataUrl: await qrcode().toDataURL(otpauthUrl) };
}

/** Confirms enrolment with a first code; returns the recovery codes, shown this once. */
export async function confirmTotpEnrolment(ctx: AppContext, user: UserRow, code: string): Promise<{ recoveryCodes: string[] }> {
  if (user.totpEnabled) throw new AppError('TOTP_ALREADY_ENABLED');
  if (!user.totpSecretEnc) throw new AppError('TOTP_ENROLMENT_MISSING');
  if (!/^\d{6}$/.test(code.trim()) || !(await verifySecondFactor(ctx, user, code))) throw new AppError('TOTP_INVALID');
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = randomBytes(10).toString('base64url').replace(/[^a-z0-9]/gi, '').toLowerCase().padEnd(10, '7').slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: true }).where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await tx.insert(recoveryCodes).values(codes.map((c) => ({ id: newId('rc'), userId: user.id, codeHash: hashCode(c) })));
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'auth.totp_enabled', subject: user.subjectId });
    await enqueueNotification(ctx, tx, { userId: user.id, template: 'totp_enabled' });
  });
  return { recoveryCodes: codes };
}

/** Turns TOTP off (the route demands a fresh step-up first). */
export async function disableTotp(ctx: AppContext, user: UserRow): Promise<void> {
  if (!user.totpEnabled) throw new AppError('TOTP_NOT_ENABLED');
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: false, totpSecretEnc: null, totpLastStep: null }).where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    await appendAudit(tx, { at: ctx.clock.now(), actor: user.subjectId, action: 'auth.totp_disabled', subject: user.subjectId });
    await enqueueNotification(ctx, tx, { userId: user.id, template: 'totp_disabled' });
  });
}

export async function remainingRecoveryCodes(ctx: AppContext, userId: string): Promise<number> {
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return row?.n ?? 0;
}
