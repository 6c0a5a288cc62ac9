import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startApplicationErasure } from '../../src/cancellation/erase-application.ts';
import type { AppContext } from '../../src/context.ts';
import { bindKeyStore } from '../../src/keys/key-store-binding.ts';
import { closeContext, openContext } from '../lib/adieu-in-process.ts';
import { benchDatabase, type BenchDatabase } from '../lib/bench-database.ts';
import { seedShopFor, typicalBuyer } from '../lib/erasure-fixtures.ts';
import { ADIEU_BIN, childEnv, spawnAndWait, type Child } from '../lib/processes.ts';
import { compare } from '../lib/result.ts';
import type { BenchContext, Scenario } from '../lib/scenario.ts';
import { analyze, exec, seedUsers } from '../lib/seed-sql.ts';

/** Erasing applications for `count` typical buyers, set-based, as end-grace leaves them. */
async function seedErasing(ctx: AppContext, count: number): Promise<string[]> {
  await seedUsers(ctx.database, 'bk', count);
  const ids = Array.from({ length: count }, (_, i) => `usr_bk${i + 1}`);
  for (let i = 0; i < ids.length; i += 2000) await seedShopFor(ctx, ids.slice(i, i + 2000), typicalBuyer);
  await exec(
    ctx.database,
    `INSERT INTO applications (id, user_id, status, version, reason_code, submitted_at, cycle_started_at, due_at, sla_remind_at,
                               decision_outcome, decision_reason_code, decided_at, grace_ends_at, updated_at)
     SELECT 'app_bk' || g, 'usr_bk' || g, 'erasing', 5, 'NO_LONGER_USE', now() - interval '20 days', now() - interval '20 days', now() + interval '1 day',
            now() - interval '3 days', 'approve', 'APPROVED', now() - interval '8 days', now() - interval '1 day', now()
     FROM generate_series(1, ${count}) g`,
  );
  await analyze(ctx.database);
  return Array.from({ length: count }, (_, i) => `app_bk${i + 1}`);
}

/** Starts every run (startApplicationErasure, one transaction each, a few at a time) before any worker exists. */
async function startRuns(ctx: AppContext, applicationIds: string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < applicationIds.length) {
        const id = applicationIds[next++];
        await ctx.db.transaction((tx) => startApplicationErasure(ctx, tx, id));
      }
    }),
  );
}

interface Round {
  label: string;
  workers: number;
  /** Runs waiting when the round began. */
  queued: number;
  completed: number;
  failed: number;
  seconds: number;
  /** Runs completed per minute. */
  perMinute: number;
  stepsPerRun: number;
  stepsDone: number;
  /** Steps done per minute ÷ steps per run: counts the runs a round left half done too. */
  projectedPerMinute: number;
}

const count = async (ctx: AppContext, text: string): Promise<number> => Number((await exec(ctx.database, text))[0].n);

/**
 * Mail goes to a local SMTP server that accepts and drops it, as a platform's relay would take it:
 * without SMTP every message would be a file in the dev mailbox, which each run's scan reads whole.
 */
async function smtpSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => callback());
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Runs `workers` worker processes on the database as it is until `budgetMs` is spent, or until
 * `stopAt` of the runs waiting at the start have ended (so that a small backlog is measured
 * while it still is one, not as it drains).
 */
async function round(bench: BenchContext, db: BenchDatabase, label: string, workers: number, budgetMs: number, stopAt: number): Promise<Round> {
  const ctx = await openContext(db);
  const children: Child[] = [];
  const smtp = await smtpSink();
  try {
    const queued = await count(ctx, `SELECT count(*)::int AS n FROM erasure_runs WHERE state NOT IN ('completed', 'failed')`);
    const ended = `SELECT count(*) FILTER (WHERE state = 'completed')::int AS completed, count(*) FILTER (WHERE state = 'failed')::int AS failed FROM erasure_runs`;
    const [before] = await exec(ctx.database, ended);
    const doneBefore = await count(ctx, `SELECT count(*)::int AS n FROM erasure_steps WHERE state = 'done'`);
    const stepsPerRun = (await count(ctx, `SELECT count(*)::int AS n FROM erasure_steps`)) / (await count(ctx, `SELECT count(*)::int AS n FROM erasure_runs`));
    const env = childEnv({ ...db.env(), LOG_LEVEL: 'warn', SMTP_URL: smtp.url });
    for (let i = 0; i < workers; i++) children.push(await spawnAndWait([ADIEU_BIN, 'worker'], env, /worker started/));
    const started = Date.now();
    let completed = 0;
    let failed = 0;
    let stepsDone = 0;
    let seconds = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      const [now] = await exec(ctx.database, ended);
      completed = Number(now.completed) - Number(before.completed);
      failed = Number(now.failed) - Number(before.failed);
      stepsDone = (await count(ctx, `SELECT count(*)::int AS n FROM erasure_steps WHERE state = 'done'`)) - doneBefore;
      seconds = (Date.now() - started) / 1000;
      if (completed + failed >= stopAt || Date.now() - started > budgetMs) break;
    }
    const perMinute = completed / (seconds / 60);
    const projectedPerMinute = stepsDone / stepsPerRun / (seconds / 60);
    bench.log(
      `${label}, ${workers} workers: ${completed} erased in ${seconds.toFixed(0)} s (${perMinute.toFixed(1)} accounts/min); ` +
        `${stepsDone} steps done (${stepsPerRun.toFixed(0)} per run) → ${projectedPerMinute.toFixed(1)} accounts/min${failed ? `; ${failed} failed` : ''}`,
    );
    return { label, workers, queued, completed, failed, seconds, perMinute, stepsPerRun, stepsDone, projectedPerMinute };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await closeContext(ctx);
    await smtp.close();
  }
}

/** Starts the erasure runs of these applications (workers stopped: they only queue). */
async function queueRuns(bench: BenchContext, db: BenchDatabase, applicationIds: string[]): Promise<void> {
  const ctx = await openContext(db);
  try {
    const started = Date.now();
    await startRuns(ctx, applicationIds);
    await analyze(ctx.database);
    bench.log(`${applicationIds.length.toLocaleString('en-US')} runs started in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await closeContext(ctx);
  }
}

/**
 * Typical buyers (a couple of years of orders, reviews, messages) in erasure, then `adieu worker`
 * processes erasing them end to end (every step, certificate included), twice on one database with
 * the same workers: first with 300 runs queued, then with 10,000 more queued behind what is left
 * of those. An erasure's cost must follow the buyer's own data, not the backlog: the second rate
 * should be the first's. Bounded: each round stops at its time budget.
 */
export const bulkScenario: Scenario = {
  name: 'bulk',
  title: 'Bulk erasure with 300 runs queued, then 10,000: accounts per minute, backlog independence',
  async skipReason(bench) {
    if (!bench.databaseUrl) return 'PostgreSQL only (PGlite is one process): set DATABASE_URL';
    const { missingModules } = await import('../lib/scenario.ts');
    return missingModules(['src/erasure/start-erasure.ts', 'src/erasure/register-erasure.ts']);
  },
  async run(bench) {
    const small = 300;
    const large = bench.quick ? 3000 : 10_000;
    const workers = 2;
    const budgetMs = (bench.quick ? 45 : 90) * 1000;
    const db = await benchDatabase('bulk', { databaseUrl: bench.databaseUrl });
    let few: Round;
    let many: Round;
    try {
      const ctx = await openContext(db);
      let applicationIds: string[];
      try {
        // As a first `adieu` start would: the worker processes refuse an unbound key store beside accounts.
        await bindKeyStore(ctx.db, ctx.keys);
        bench.log(`seeding ${(small + large).toLocaleString('en-US')} typical buyers`);
        applicationIds = await seedErasing(ctx, small + large);
      } finally {
        await closeContext(ctx);
      }
      await queueRuns(bench, db, applicationIds.slice(0, small));
      few = await round(bench, db, `${small} queued`, workers, budgetMs, Math.floor(small * 0.8));
      await queueRuns(bench, db, applicationIds.slice(small));
      many = await round(bench, db, `${large.toLocaleString('en-US')} queued`, workers, budgetMs, Infinity);
    } finally {
      await db.drop();
    }
    const ratio = many.perMinute / few.perMinute;
    return {
      notes: [
        `${workers} workers; time budget ${budgetMs / 1000} s per round (the ${small}-run round also stops once 80% of its runs ended); one database, the second backlog queued after the first round`,
      ],
      comparisons: [
        compare(`accounts erased per minute, ${small} queued`, { value: few.perMinute, unit: 'accounts/min' }, undefined, few.perMinute),
        compare(
          `accounts erased per minute, ${large.toLocaleString('en-US')} queued, against ${small} queued`,
          { value: many.perMinute, unit: 'accounts/min' },
          { value: few.perMinute, unit: 'accounts/min', label: `${small} queued` },
          ratio,
          { op: '>=', value: 0.9 },
        ),
        compare(
          'the same from steps done (runs left half done count in part)',
          { value: many.projectedPerMinute, unit: 'accounts/min' },
          { value: few.projectedPerMinute, unit: 'accounts/min', label: `${small} queued` },
          many.projectedPerMinute / few.projectedPerMinute,
        ),
      ],
      details: { rounds: [few, many], shape: typicalBuyer },
    };
  },
};
