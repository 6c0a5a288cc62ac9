import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { startApplicationErasure } from '../../src/cancellation/erase-application.ts';
import type { AppContext } from '../../src/context.ts';
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
  workers: number;
  buyers: number;
  completed: number;
  failed: number;
  seconds: number;
  /** Runs completed per minute. */
  perMinute: number;
  stepsPerRun: number;
  stepsDone: number;
  /** Steps done per minute ÷ steps per run: the rate when few runs finished within the budget. */
  projectedPerMinute: number;
  finished: boolean;
}

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

/** Runs the workers on a prepared database until every run ended or the budget is spent. */
async function round(bench: BenchContext, db: BenchDatabase, workers: number, buyers: number, budgetMs: number): Promise<Round> {
  const ctx = await openContext(db);
  const children: Child[] = [];
  const smtp = await smtpSink();
  try {
    const env = childEnv({ ...db.env(), LOG_LEVEL: 'warn', SMTP_URL: smtp.url });
    for (let i = 0; i < workers; i++) children.push(await spawnAndWait([ADIEU_BIN, 'worker'], env, /worker started/));
    const [{ steps }] = await exec(ctx.database, `SELECT count(*)::int AS steps FROM erasure_steps`);
    const stepsPerRun = Number(steps) / buyers;
    const [{ done: doneBefore }] = await exec(ctx.database, `SELECT count(*)::int AS done FROM erasure_steps WHERE state = 'done'`);
    const started = Date.now();
    let stepsDone = 0;
    let completed = 0;
    let failed = 0;
    let seconds = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 2000));
      const rows = await exec(ctx.database, `SELECT state, count(*)::int AS n FROM erasure_runs GROUP BY state`);
      const by = Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
      completed = by.completed ?? 0;
      failed = by.failed ?? 0;
      const [{ done }] = await exec(ctx.database, `SELECT count(*)::int AS done FROM erasure_steps WHERE state = 'done'`);
      stepsDone = Number(done) - Number(doneBefore);
      seconds = (Date.now() - started) / 1000;
      if (completed + failed >= buyers || Date.now() - started > budgetMs) break;
    }
    const perMinute = completed / (seconds / 60);
    const projectedPerMinute = stepsDone / stepsPerRun / (seconds / 60);
    bench.log(
      `${workers} worker(s): ${completed} of ${buyers} erased in ${seconds.toFixed(0)} s (${perMinute.toFixed(1)} accounts/min); ` +
        `${stepsDone} of ${steps} steps done (${stepsPerRun.toFixed(0)} per run) → ${projectedPerMinute.toFixed(1)} accounts/min${failed ? `; ${failed} failed` : ''}`,
    );
    return { workers, buyers, completed, failed, seconds, perMinute, stepsPerRun, stepsDone, projectedPerMinute, finished: completed + failed >= buyers };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await closeContext(ctx);
    await smtp.close();
  }
}

/** Seeds the buyers and starts their runs once, then copies that database for the second round. */
async function prepare(bench: BenchContext, buyers: number): Promise<[BenchDatabase, BenchDatabase]> {
  const first = await benchDatabase('bulk1', { databaseUrl: bench.databaseUrl });
  const ctx = await openContext(first);
  try {
    bench.log(`seeding ${buyers.toLocaleString('en-US')} typical buyers and starting their runs`);
    const applicationIds = await seedErasing(ctx, buyers);
    await startRuns(ctx, applicationIds);
  } finally {
    await closeContext(ctx);
  }
  const second = await benchDatabase('bulk2', { databaseUrl: bench.databaseUrl });
  // A file-level copy (CREATE DATABASE … TEMPLATE): both rounds start from the very same state.
  const admin = new pg.Client({ connectionString: bench.databaseUrl });
  await admin.connect();
  try {
    await admin.query('DROP DATABASE IF EXISTS adieu_bench_bulk2 WITH (FORCE)');
    await admin.query('CREATE DATABASE adieu_bench_bulk2 TEMPLATE adieu_bench_bulk1');
  } finally {
    await admin.end();
  }
  return [first, second];
}

/**
 * 10k typical buyers (a couple of years of orders, reviews, messages) with their erasure runs
 * started, then `adieu worker` processes erasing them end to end (every step, certificate
 * included): once with 1 worker, once with 2, each on its own identical database. Bounded: a
 * round stops at its time budget and the rate is what was completed by then.
 */
export const bulkScenario: Scenario = {
  name: 'bulk',
  title: '10k typical buyers erased end to end by 1 worker, then 2: accounts per minute, scaling',
  async skipReason(bench) {
    if (!bench.databaseUrl) return 'PostgreSQL only (PGlite is one process): set DATABASE_URL';
    const { missingModules } = await import('../lib/scenario.ts');
    return missingModules(['src/erasure/start-erasure.ts', 'src/erasure/register-erasure.ts']);
  },
  async run(bench) {
    const buyers = bench.quick ? 300 : 10_000;
    const budgetMs = (bench.quick ? 60 : 120) * 1000;
    const [first, second] = await prepare(bench, buyers);
    let one: Round;
    let two: Round;
    try {
      one = await round(bench, first, 1, buyers, budgetMs);
      two = await round(bench, second, 2, buyers, budgetMs);
    } finally {
      await first.drop();
      await second.drop();
    }
    const notes = [`time budget ${budgetMs / 1000} s per round; a round that did not finish reports the rate it reached`];
    if (!one.finished || !two.finished) notes.push(`not all erased within the budget (1 worker: ${one.completed}/${buyers}, 2 workers: ${two.completed}/${buyers})`);
    return {
      notes,
      comparisons: [
        compare('accounts erased per minute, 1 worker (completed runs)', { value: one.perMinute, unit: 'accounts/min' }, undefined, one.perMinute),
        compare('accounts erased per minute, 1 worker (from steps done)', { value: one.projectedPerMinute, unit: 'accounts/min' }, undefined, one.projectedPerMinute),
        compare('accounts erased per minute, 2 workers (from steps done)', { value: two.projectedPerMinute, unit: 'accounts/min' }, undefined, two.projectedPerMinute),
        compare(
          'scaling from 1 to 2 workers',
          { value: two.projectedPerMinute, unit: 'accounts/min' },
          { value: one.projectedPerMinute, unit: 'accounts/min', label: '1 worker' },
          two.projectedPerMinute / one.projectedPerMinute,
        ),
      ],
      details: { rounds: [one, two], shape: typicalBuyer },
    };
  },
};
