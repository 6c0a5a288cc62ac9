import { and, desc, eq, inArray, lte } from 'drizzle-orm';
import type { Readable } from 'node:stream';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { newId } from '../ids.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { users } from '../accounts/accounts.tables.ts';
import { isReauthenticated, type SessionRow, type UserRow } from '../accounts/sessions.ts';
import { QUEUES } from '../jobs/queues.ts';
import { dataExports } from './export.tables.ts';
import { exportView, type ExportView } from './export-view.ts';
import { erasureStarted } from './export-rules.ts';
import { exportKey, openSealedFile, removeExportFiles, ZIP_FILE } from './export-files.ts';

const DAY_SECONDS = 86_400;

const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.code === '23505' || e.cause?.code === '23505';
};

/**
 * Starts an export of the buyer's data: by the buyer (after a fresh step-up, checked by the
 * route) or by an admin on the buyer's behalf — the file is delivered to the buyer either way.
 * Allowed during grace, refused once erasure has started; one in the making at a time, and a few a
 * day. The row, its audit entry and its job commit together.
 */
export async function requestExport(ctx: AppContext, buyer: UserRow, by: { role: 'buyer' | 'admin'; actorSubjectId: string }): Promise<ExportView> {
  if (buyer.status === 'erased' || (await erasureStarted(ctx.db, buyer.id))) throw new AppError('EXPORT_UNAVAILABLE');
  const open = await ctx.db
    .select({ id: dataExports.id })
    .from(dataExports)
    .where(and(eq(dataExports.userId, buyer.id), eq(dataExports.state, 'preparing')))
    .limit(1);
  if (open.length > 0) throw new AppError('EXPORT_IN_PROGRESS');
  const limit = await ctx.rateLimiter.hit('export-user', buyer.id, ctx.config.export.dailyLimit, DAY_SECONDS, ctx.clock.now());
  if (!limit.allowed) throw new AppError('RATE_LIMITED', {}, { headers: { 'retry-after': String(limit.retryAfterSeconds) } });
  const id = newId('exp');
  const now = ctx.clock.now();
  try {
    const [row] = await ctx.db.transaction(async (tx) => {
      const inserted = await tx.insert(dataExports).values({ id, userId: buyer.id, requestedBy: by.role, state: 'preparing', requestedAt: now }).returning();
      await appendAudit(tx, { at: now, actor: by.actorSubjectId, action: 'export.requested', subject: buyer.subjectId, target: id, data: { by: by.role } });
      await ctx.jobs.enqueue(tx, QUEUES['export.build'].name, { exportId: id });
      return inserted;
    });
    return exportView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('EXPORT_IN_PROGRESS');
    throw error;
  }
}

/** An admin starts an export for a buyer who asked customer service (by mail, say). */
export async function requestExportForBuyer(ctx: AppContext, admin: UserRow, buyerId: string): Promise<ExportView> {
  const [buyer] = await ctx.db.select().from(users).where(eq(users.id, buyerId)).limit(1);
  if (!buyer || !buyer.roles.includes('buyer')) throw new AppError('ACCOUNT_NOT_FOUND');
  return requestExport(ctx, buyer, { role: 'admin', actorSubjectId: admin.subjectId });
}

/** The buyer's exports, newest first; one past its retention shows as expired before the timer runs. */
export async function listExports(ctx: AppContext, userId: string): Promise<{ items: ExportView[] }> {
  const rows = await ctx.db.select().from(dataExports).where(eq(dataExports.userId, userId)).orderBy(desc(dataExports.requestedAt)).limit(20);
  const now = ctx.clock.now().getTime();
  return { items: rows.map((row) => exportView(row.state === 'ready' && row.expiresAt && row.expiresAt.getTime() <= now ? { ...row, state: 'expired' } : row)) };
}

/**
 * The ZIP, decrypted as it streams, for its owner only (anyone else: 404, so an id tells nothing)
 * with a fresh step-up; 410 once its retention ended. Each download is audited.
 */
export async function openDownload(ctx: AppContext, user: UserRow, session: SessionRow, exportId: string): Promise<{ stream: Readable; bytes: number; fileName: string }> {
  const [row] = await ctx.db
    .select()
    .from(dataExports)
    .where(and(eq(dataExports.id, exportId), eq(dataExports.userId, user.id)))
    .limit(1);
  if (!row) throw new AppError('EXPORT_NOT_FOUND');
  if (!isReauthenticated(ctx, session)) throw new AppError('REAUTH_REQUIRED');
  const now = ctx.clock.now();
  if (row.state === 'expired' || (row.state === 'ready' && row.expiresAt && row.expiresAt.getTime() <= now.getTime())) throw new AppError('EXPORT_EXPIRED');
  if (row.state !== 'ready') throw new AppError('EXPORT_NOT_READY');
  const key = await exportKey(ctx, user.id, row.id);
  if (!key) throw new AppError('EXPORT_EXPIRED');
  const file = await openSealedFile(ctx, row.id, ZIP_FILE, key).catch(() => null);
  if (!file) throw new AppError('EXPORT_EXPIRED');
  await ctx.db.transaction((tx) => appendAudit(tx, { at: now, actor: user.subjectId, action: 'export.downloaded', subject: user.subjectId, target: row.id }));
  return { ...file, fileName: `data-export-${row.requestedAt.toISOString().slice(0, 10)}.zip` };
}

/** Timer: exports past `export.retainDays` become expired and their files are destroyed. */
export async function expireExports(ctx: AppContext): Promise<number> {
  const due = await ctx.db
    .select({ id: dataExports.id, userId: dataExports.userId, subjectId: users.subjectId })
    .from(dataExports)
    .innerJoin(users, eq(users.id, dataExports.userId))
    .where(and(eq(dataExports.state, 'ready'), lte(dataExports.expiresAt, ctx.clock.now())))
    .limit(200);
  for (const row of due) {
    await ctx.db.transaction(async (tx) => {
      const updated = await tx
        .update(dataExports)
        .set({ state: 'expired' })
        .where(and(eq(dataExports.id, row.id), eq(dataExports.state, 'ready')))
        .returning({ id: dataExports.id });
      if (updated.length === 0) return;
      await appendAudit(tx, { at: ctx.clock.now(), actor: 'system', action: 'export.expired', subject: row.subjectId, target: row.id });
      await ctx.jobs.enqueue(tx, QUEUES['export.destroy'].name, { exportId: row.id });
    });
  }
  return due.length;
}

/**
 * At the start of erasure (in its transaction): every export of the buyer ends and its files are
 * destroyed. The buyer's key goes later in the run, which makes any copy unreadable as well.
 */
export async function endExportsAtErasure(ctx: AppContext, tx: Db, userId: string): Promise<void> {
  const rows = await tx.select({ id: dataExports.id, state: dataExports.state }).from(dataExports).where(eq(dataExports.userId, userId));
  if (rows.length === 0) return;
  await tx
    .update(dataExports)
    .set({ state: 'expired' })
    .where(and(eq(dataExports.userId, userId), inArray(dataExports.state, ['ready', 'preparing'])));
  for (const row of rows) await ctx.jobs.enqueue(tx, QUEUES['export.destroy'].name, { exportId: row.id });
}

/** The `export.destroy` job: removes the files; safe to run twice (the row may be gone after erasure). */
export async function destroyExport(ctx: AppContext, exportId: string): Promise<void> {
  await removeExportFiles(ctx, exportId);
  await ctx.db
    .update(dataExports)
    .set({ destroyedAt: ctx.clock.now(), parts: [] })
    .where(eq(dataExports.id, exportId));
}
