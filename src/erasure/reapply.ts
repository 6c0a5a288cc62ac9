import { randomBytes } from 'node:crypto';
import { asc, eq, gt, sql } from 'drizzle-orm';
import { queryRows } from '../db/sql.ts';
import type { AppContext } from '../context.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { users } from '../accounts/accounts.tables.ts';
import type { ErasureHooks } from './erasure-hooks.ts';
import type { Needle } from '../domain/erasure-scan.ts';
import { newId } from '../ids.ts';
import { dataMap } from './datamap.ts';
import { scanDatabases } from './scan.ts';
import { scanFiles } from './file-scan.ts';
import { hmacHalvesOf } from './run-keys.ts';
import { dedupe, sampleValues } from './steps/prepare.ts';
import { reapplySqlStep } from './steps/sql-step.ts';
import { FORGET_SECRET, forgetHashWith, type ForgetEntry } from './forget/forget-list.ts';

export type ReapplyOutcome = 'reapplied' | 'absent' | 'failed';

export interface ReappliedSubject {
  subjectHash: string;
  /** The pseudonymous subject id (as in the audit log and the certificate), when the restored database has the account. */
  subjectId: string | null;
  outcome: ReapplyOutcome;
  startedAt: string;
  steps: number;
  rows: number;
  /** Where the verification still found the subject's data (never what). */
  found: string[];
  error?: string;
}

export interface ReapplyReport {
  since: string | null;
  onList: number;
  reapplied: number;
  absent: number;
  failed: number;
  subjects: ReappliedSubject[];
}

const BATCH = 5_000;

/** The restored accounts whose id is on the list: every user id is hashed once, by keyset batches. */
async function matchAccounts(ctx: AppContext, hashes: Set<string>): Promise<Map<string, { userId: string; subjectId: string }>> {
  const secret = await ctx.keys.serviceSecret(FORGET_SECRET);
  const found = new Map<string, { userId: string; subjectId: string }>();
  let after = '';
  for (;;) {
    const rows = await ctx.db
      .select({ id: users.id, subjectId: users.subjectId })
      .from(users)
      .where(after ? gt(users.id, after) : undefined)
      .orderBy(asc(users.id))
      .limit(BATCH);
    for (const row of rows) {
      const hash = forgetHashWith(secret, row.id);
      if (hashes.has(hash)) found.set(hash, { userId: row.id, subjectId: row.subjectId });
    }
    if (rows.length < BATCH) return found;
    after = rows[rows.length - 1].id;
  }
}

/**
 * The values the verification looks for: sampled from the restored rows before they are erased
 * again (the same sampling as a run's prepare step), leaving out those other people's rows share.
 * The restored encrypted identifiers cannot be read (the buyer's key stays destroyed).
 */
async function restoredNeedles(ctx: AppContext, subject: { userId: string; subjectId: string }): Promise<Needle[]> {
  const map = dataMap(ctx.config);
  const candidates = dedupe(await sampleValues(ctx, map, subject));
  if (candidates.length === 0) return [];
  const shared = new Set<number>();
  const db = await scanDatabases(ctx, map, candidates, subject, { scope: ctx.config.erasure.verifyScope, excludeSubject: true });
  for (const hit of db.hits) shared.add(hit.needle);
  for (const hit of scanFiles(ctx.config.dataDir, candidates).hits) shared.add(hit.needle);
  return candidates.filter((_, i) => !shared.has(i));
}

/** Erases one restored subject again: the recorded table steps, the documents and keys, then the scan. */
async function reapplyOne(ctx: AppContext, hooks: ErasureHooks, entry: ForgetEntry, subject: { userId: string; subjectId: string }): Promise<ReappliedSubject> {
  const result: ReappliedSubject = { subjectHash: entry.subjectHash, subjectId: subject.subjectId, outcome: 'reapplied', startedAt: entry.startedAt.toISOString(), steps: 0, rows: 0, found: [] };
  const needles = await restoredNeedles(ctx, subject);
  // Pseudonyms of a re-applied erasure are made under a random key that is never stored: unlinkable.
  const hmac = hmacHalvesOf(randomBytes(32));
  const marker = newId('rea');
  const now = ctx.clock.now();
  for (const [seq, step] of entry.steps.entries()) {
    if (step.spec.kind !== 'sql') continue;
    result.rows += await reapplySqlStep(ctx, step.spec, { userId: subject.userId, subjectId: subject.subjectId, now, hmac }, { runId: marker, seq });
    result.steps += 1;
  }
  // The restored document rows and bytes, and the buyer's key should the key store have been restored too.
  // (The hook fails when any of their document bytes is left.)
  result.rows += await hooks.shredFiles(ctx, subject.userId);
  await ctx.keys.destroySubjectKey(subject.userId);
  result.steps += 1;

  const db = await scanDatabases(ctx, dataMap(ctx.config), needles, subject, { scope: ctx.config.erasure.verifyScope });
  const files = scanFiles(ctx.config.dataDir, needles);
  const [account] = await ctx.db.select({ status: users.status, emailIndex: users.emailIndex, phoneIndex: users.phoneIndex }).from(users).where(eq(users.id, subject.userId));
  result.found = [
    ...new Set([
      ...db.hits.map((h) => `${needles[h.needle]?.kind ?? 'value'} in ${h.store}:${h.table}`),
      ...files.hits.map((h) => `${needles[h.needle]?.kind ?? 'value'} in file ${h.file}`),
      ...(account && (account.status !== 'erased' || account.emailIndex || account.phoneIndex) ? ['the account is not a tombstone'] : []),
    ]),
  ];
  if (result.found.length > 0) result.outcome = 'failed';
  await ctx.db.transaction((tx) =>
    appendAudit(tx, {
      at: ctx.clock.now(),
      actor: 'system',
      action: result.outcome === 'reapplied' ? 'erasure.reapplied' : 'erasure.reapply_failed',
      subject: subject.subjectId,
      target: null,
      data: { startedAt: result.startedAt, steps: result.steps, rows: result.rows, needles: needles.length, found: result.found.length },
    }),
  );
  if (result.outcome === 'reapplied') await ctx.forgetList.markReapplied(entry.subjectHash, ctx.clock.now());
  return result;
}

/**
 * After a restore: erases again every subject on the forget list whose erasure started at or after
 * `since` (the time of the backup that was restored), against the restored stores, and verifies
 * each with the same scan a run ends with. Each subject once per call, oldest erasure first; a
 * subject the restored database does not know (the backup predates the account) is `absent`.
 */
export async function reapplyErasures(ctx: AppContext, hooks: ErasureHooks, since: Date | null): Promise<ReapplyReport> {
  await ctx.clock.refresh(ctx.db);
  const entries = await ctx.forgetList.list(since ?? undefined);
  // One entry per subject (the list is keyed by the hash), so one pass is "exactly once".
  const accounts = await matchAccounts(ctx, new Set(entries.map((e) => e.subjectHash)));
  const report: ReapplyReport = { since: since?.toISOString() ?? null, onList: entries.length, reapplied: 0, absent: 0, failed: 0, subjects: [] };
  for (const entry of entries) {
    const subject = accounts.get(entry.subjectHash);
    let outcome: ReappliedSubject;
    if (!subject) {
      outcome = { subjectHash: entry.subjectHash, subjectId: null, outcome: 'absent', startedAt: entry.startedAt.toISOString(), steps: 0, rows: 0, found: [] };
    } else {
      try {
        outcome = await reapplyOne(ctx, hooks, entry, subject);
      } catch (error) {
        outcome = {
          subjectHash: entry.subjectHash,
          subjectId: subject.subjectId,
          outcome: 'failed',
          startedAt: entry.startedAt.toISOString(),
          steps: 0,
          rows: 0,
          found: [],
          error: error instanceof Error ? error.message.slice(0, 300) : 'error',
        };
      }
    }
    report[outcome.outcome] += 1;
    report.subjects.push(outcome);
  }
  return report;
}

/** How many `erasure.reapplied` entries the audit log holds for a subject (tests, operators). */
export async function reappliedCount(ctx: AppContext, subjectId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'erasure.reapplied' AND subject = ${subjectId}`);
  return Number(row?.n ?? 0);
}
