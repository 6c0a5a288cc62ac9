import { storedDocumentNames } from '../helpers/document-bytes.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { closeContext, createContext, type AppContext } from '../../src/app/create-context.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/logger.ts';
import { registerJobHandlers } from '../../src/app/job-handlers.ts';
import { runTimers } from '../../src/app/timers.ts';
import { AdjustableClock } from '../../src/clock/clock.ts';
import { queryRows } from '../../src/db/sql.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { deletionCertificates, erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { withDatabase, TMP_ROOT } from '../helpers/global-setup.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';
import { beginErasure, drainJobs, giveBuyerEverything, liveTables } from './erasure-fixtures.ts';

const BASE_URL = process.env.TEST_DATABASE_URL;

/** Columns that the run writes with the time or a fresh id: compared by presence only. */
const VOLATILE: Record<string, string[]> = {
  'public.users': ['erased_at'],
  'public.applications': ['erased_at', 'closed_at', 'updated_at', 'certificate_id'],
  'public.application_events': ['id', 'at', 'detail'],
  'public.documents': ['destroyed_at', 'file_removed_at'],
  // Keyed with the run's own random key: a different value in every run, by design.
  'shop.coupons': ['code'],
};
/** Tables of the engine itself and of infrastructure, compared separately. */
const SKIP = new Set(['public.audit_log', 'public.service_clock', 'public.rate_limits', 'public.deletion_certificates', 'public.erasure_confirmations']);

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What a finished run leaves behind, with run-specific ids and times blanked out. */
async function snapshot(ctx: AppContext, runId: string, dataDir: string, userId: string) {
  const tables: Record<string, unknown[]> = {};
  for (const table of await liveTables(ctx)) {
    if (SKIP.has(table) || table.startsWith('public.erasure_')) continue;
    const [schema, name] = table.split('.');
    const rows = await queryRows<{ r: Record<string, unknown> }>(ctx.db, sql`SELECT to_jsonb(t) AS r FROM ${sql.identifier(schema)}.${sql.identifier(name)} AS t`);
    tables[table] = rows
      .map(({ r }) => {
        for (const column of VOLATILE[table] ?? []) if (r[column] !== undefined) r[column] = r[column] === null ? null : '<set>';
        return JSON.stringify(r, Object.keys(r).sort());
      })
      .sort();
  }
  const steps = (await ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId)).orderBy(erasureSteps.seq)).map((s) => ({
    seq: s.seq,
    kind: s.spec.kind,
    table: s.spec.kind === 'sql' ? s.spec.table : null,
    state: s.state,
    // How many mails a purge found depends on whether the certificate mail went out before a crash.
    rows: s.spec.kind === 'finish' || s.spec.kind === 'mailbox' ? null : s.rows,
  }));
  const certificates = await ctx.db.select().from(deletionCertificates).where(eq(deletionCertificates.runId, runId));
  const payload = { ...(certificates[0]?.payload ?? {}) } as Record<string, unknown>;
  for (const key of ['id', 'runId', 'issuedAt', 'timeline']) delete payload[key];
  const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
  const stepAudits = await queryRows<{ seq: number; n: number }>(
    ctx.db,
    sql`SELECT (data->>'seq')::int AS seq, count(*)::int AS n FROM audit_log WHERE target = ${runId} AND action = 'erasure.step_done' GROUP BY 1 ORDER BY 1`,
  );
  return {
    state: run.state,
    tables,
    steps,
    certificates: certificates.length,
    payload,
    stepsDoneOnce: stepAudits.every((a) => a.n === 1) && stepAudits.length === steps.length,
    chain: (await verifyAuditChain(ctx.db)).intact,
    subjectKey: await ctx.keys.findSubjectKey(userId),
    documentFiles: (await storedDocumentNames(ctx)).length,
  };
}

function startWorker(url: string, dataDir: string): ChildProcess {
  return spawn('node', ['bin/adieu.js', 'worker'], {
    env: { ...process.env, DATABASE_URL: url, ADIEU_DATA_DIR: dataDir, ADIEU_CONFIG: join(dataDir, 'config.json'), ADIEU_KEYSTORE_URL: '' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
}

interface KillPoint {
  /** Kill once this many steps are done… */
  afterDone: number;
  /** …and, if set, only while an erasure step job is in flight (a crash in the middle of a step). */
  midStep?: boolean;
}

describe.skipIf(!BASE_URL)('erasure survives SIGKILL of its worker (postgres)', () => {
  it('resumes exactly where it stopped and ends identical to an uninterrupted run, with one certificate', async () => {
    // One seeded database and data folder, cloned for every trial.
    const base = await createTestApp('postgres', { devTools: true });
    await seedDemo(base.ctx);
    const ada = (await findUserByIdentifier(base.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const ben = (await findUserByIdentifier(base.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
    const { applicationId } = await giveBuyerEverything(base.ctx, ada, 'faultada');
    await giveBuyerEverything(base.ctx, ben, 'faultben');
    await base.app.close();
    await closeContext(base.ctx);
    const baseName = new URL(base.testDb.url!).pathname.slice(1);
    const created: string[] = [];

    async function trial(kills: KillPoint[] | null) {
      const name = `adieu_tfault${randomBytes(3).toString('hex')}_${process.ppid}_${Date.now()}`;
      await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${baseName}`));
      created.push(name);
      const url = withDatabase(BASE_URL!, name);
      const dataDir = join(TMP_ROOT, `fault-${name}`);
      cpSync(base.dataDir, dataDir, { recursive: true });
      writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ devTools: true, publicUrl: 'http://adieu.test', log: { level: 'silent' } }));
      const config = loadConfig({ env: { DATABASE_URL: url, ADIEU_DATA_DIR: dataDir, ADIEU_CONFIG: join(dataDir, 'config.json') } });
      const ctx = await createContext(config, { logger: createLogger('silent') });
      registerJobHandlers(ctx);
      const clock = ctx.clock as AdjustableClock;
      try {
        const runId = await beginErasure(ctx, applicationId);
        const done = async () => (await queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM erasure_steps WHERE run_id = ${runId} AND state = 'done'`))[0].n;
        const stateOf = async () => (await ctx.db.select({ state: erasureRuns.state }).from(erasureRuns).where(eq(erasureRuns.id, runId)))[0].state;
        const killedAt: number[] = [];
        if (!kills) {
          await drainJobs(ctx, 10); // the uninterrupted reference, in this process
        } else {
          for (const kill of kills) {
            const worker = startWorker(url, dataDir);
            const exited = new Promise((resolve) => worker.once('exit', resolve));
            await until(async () => (await done()) >= kill.afterDone || ['completed', 'failed'].includes(await stateOf()), 120_000, `step ${kill.afterDone}`);
            if (kill.midStep) {
              await until(
                async () => (await queryRows<{ n: number }>(ctx.db, sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'erasure.step' AND state = 'active'`))[0].n > 0,
                30_000,
                'a step in flight',
              ).catch(() => undefined);
            }
            worker.kill('SIGKILL');
            await exited;
            killedAt.push(await done());
            // Time passes (leases expire, the run looks stalled), and the tick re-queues it.
            await clock.set(ctx.db, new Date(clock.now().getTime() + 30 * 60_000));
            await runTimers(ctx);
          }
          const worker = startWorker(url, dataDir);
          const exited = new Promise((resolve) => worker.once('exit', resolve));
          await until(async () => ['completed', 'failed'].includes(await stateOf()), 180_000, 'the run to finish');
          worker.kill('SIGTERM');
          await exited;
        }
        return { killedAt, result: await snapshot(ctx, runId, dataDir, ada) };
      } finally {
        await closeContext(ctx);
        rmSync(dataDir, { recursive: true, force: true });
      }
    }

    try {
      const reference = await trial(null);
      expect(reference.result.state).toBe('completed');
      expect(reference.result.certificates).toBe(1);
      expect(reference.result.stepsDoneOnce).toBe(true);
      expect(reference.result.subjectKey).toBeNull();

      const scenarios: KillPoint[][] = [
        [{ afterDone: 0, midStep: true }, { afterDone: 6 }, { afterDone: 14, midStep: true }, { afterDone: 22 }],
        [{ afterDone: 3 }, { afterDone: 21, midStep: true }, { afterDone: 26, midStep: true }, { afterDone: 28 }, { afterDone: 29, midStep: true }],
      ];
      for (const kills of scenarios) {
        const interrupted = await trial(kills);
        expect(interrupted.killedAt.length).toBe(kills.length);
        // Every kill hit a run that was still going.
        expect(Math.max(...interrupted.killedAt)).toBeLessThan(reference.result.steps.length);
        console.info(`killed after ${interrupted.killedAt.join(', ')} of ${reference.result.steps.length} steps`);
        expect(interrupted.result.state).toBe('completed');
        expect(interrupted.result.certificates).toBe(1);
        expect(interrupted.result.stepsDoneOnce).toBe(true);
        expect(interrupted.result.chain).toBe(true);
        expect(interrupted.result.subjectKey).toBeNull();
        expect(interrupted.result.documentFiles).toBe(reference.result.documentFiles);
        expect(interrupted.result.steps).toEqual(reference.result.steps);
        expect(interrupted.result.payload).toEqual(reference.result.payload);
        expect(interrupted.result.tables).toEqual(reference.result.tables);
      }
    } finally {
      await admin(async (c) => {
        for (const name of [...created, baseName]) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      });
      rmSync(base.dataDir, { recursive: true, force: true });
    }
  }, 900_000);
});
