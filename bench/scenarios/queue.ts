import { listQueue } from '../../src/review/review-queue.ts';
import { closeContext, openContext } from '../lib/adieu-in-process.ts';
import { benchDatabase } from '../lib/bench-database.ts';
import { captureQueries, explain, seqScans } from '../lib/capture-queries.ts';
import { compare } from '../lib/result.ts';
import type { Scenario } from '../lib/scenario.ts';
import { analyze, exec, seedUsers } from '../lib/seed-sql.ts';
import { samplePair, summarise } from '../lib/stats.ts';
import type { Database } from '../../src/db/database.ts';

const PAGE = 20;
/** The floor: the first page of reviewable cases, oldest due first, straight from the index. */
const RAW_PAGE = `SELECT id, user_id, status, submitted_at, due_at, claimed_by, claim_expires_at FROM applications
  WHERE status IN ('submitted', 'in_review') ORDER BY due_at, id LIMIT ${PAGE + 1}`;

/**
 * Applications as a marketplace accumulates them: ~95 % closed (erased, rejected, withdrawn) and
 * older, ~5 % open and recent; one buyer each; a buyer message on every 5th (unread while open).
 * All set-based, so 1M rows take seconds on PostgreSQL (about a minute on PGlite).
 */
async function seedApplications(database: Database, count: number): Promise<void> {
  await seedUsers(database, 'q', count);
  await exec(
    database,
    `INSERT INTO applications (id, user_id, status, version, reason_code, submitted_at, cycle_started_at, due_at, sla_remind_at, updated_at, closed_at)
     SELECT 'app_q' || g, 'usr_q' || g, s.status, 2, 'NO_LONGER_USE', s.at, s.at, s.at + interval '21 days', s.at + interval '17 days', now(),
            CASE WHEN s.open THEN NULL ELSE s.at + interval '10 days' END
     FROM generate_series(1, ${count}) g,
     LATERAL (SELECT CASE WHEN g % 100 < 60 THEN 'erased' WHEN g % 100 < 75 THEN 'rejected' WHEN g % 100 < 95 THEN 'withdrawn'
                          WHEN g % 100 < 97 THEN 'submitted' WHEN g % 100 < 98 THEN 'in_review' WHEN g % 100 < 99 THEN 'needs_info' ELSE 'grace' END AS status,
                     g % 100 >= 95 AS open) s0,
     LATERAL (SELECT s0.status, s0.open,
                     CASE WHEN s0.open THEN now() - ((g % 20) || ' days')::interval - ((g % 1440) || ' minutes')::interval
                          ELSE now() - interval '30 days' - ((${count} - g) * interval '90 seconds') END AS at) s`,
  );
  await exec(
    database,
    `INSERT INTO application_messages (id, application_id, author_role, body_enc, at, read_by_buyer, read_by_reviewer)
     SELECT 'msg_q' || g, 'app_q' || g, 'buyer', 'v1.bench.opaque', now() - interval '1 day', true, g % 100 < 95
     FROM generate_series(5, ${count}, 5) g`,
  );
}

/**
 * The reviewer's first queue page (listQueue: the page, unread messages, each buyer's live blocker
 * count) over 1M applications, against the raw page query, one call at a time, alternating.
 * The data set is kept between runs (bench/.data, or database adieu_bench_queue); --fresh rebuilds.
 */
export const queueScenario: Scenario = {
  name: 'queue',
  title: 'review queue first page with 1M applications vs the raw index scan',
  async skipReason() {
    const { missingModules } = await import('../lib/scenario.ts');
    return missingModules(['src/review/review-queue.ts']);
  },
  async run(bench) {
    const count = bench.quick ? 100_000 : 1_000_000;
    const label = `applications=${count}`;
    const db = await benchDatabase(bench.quick ? 'queue_quick' : 'queue', { databaseUrl: bench.databaseUrl, keep: !bench.fresh });
    const notes: string[] = [];
    if (db.seededLabel() !== label) {
      bench.log(`seeding ${count.toLocaleString('en-US')} applications (kept for later runs)`);
      const database = await db.open(2);
      const started = Date.now();
      try {
        await seedApplications(database, count);
        await analyze(database);
      } finally {
        await database.close();
      }
      const seconds = (Date.now() - started) / 1000;
      notes.push(`seeded ${count.toLocaleString('en-US')} applications in ${seconds.toFixed(1)} s`);
      bench.log(`seeded in ${seconds.toFixed(1)} s`);
      db.markSeeded(label);
    } else {
      notes.push(`reused the kept data set (${label}); --fresh rebuilds it`);
    }
    const ctx = await openContext(db);
    try {
      const reviewerId = 'usr_q1';
      const first = await listQueue(ctx, reviewerId, {});
      if (first.items.length !== PAGE) throw new Error(`expected a full first page, got ${first.items.length}`);
      const iterations = bench.quick ? 60 : 200;
      const maxMs = bench.quick ? 10_000 : 40_000;
      const measure = async () => {
        const { a, b } = await samplePair(() => listQueue(ctx, reviewerId, {}), () => ctx.database.executeSql(RAW_PAGE), { iterations, maxMs, warmup: 5 });
        return { service: summarise(a), raw: summarise(b) };
      };
      const asIs = await measure();
      const { queries } = await captureQueries(ctx.database, () => listQueue(ctx, reviewerId, {}));
      const pageQuery = queries.find((q) => /from "applications"/i.test(q.text));
      const plans = {
        servicePage: pageQuery ? await explain(ctx.database, pageQuery) : 'not captured',
        raw: await explain(ctx.database, { text: RAW_PAGE, values: [] }),
      };
      notes.push(`${queries.length} statements per page (${queries.filter((q) => /shop\./.test(q.text)).length} of them eligibility checks)`);
      const scans = [...new Set([...seqScans(plans.servicePage), ...seqScans(plans.raw)])];
      notes.push(scans.length === 0 ? 'EXPLAIN: no sequential scan in the page queries' : `EXPLAIN: sequential scans on ${scans.join(', ')}`);

      return {
        notes,
        comparisons: [
          compare(
            `first page p99, ${count.toLocaleString('en-US')} applications`,
            { value: asIs.service.p99, unit: 'ms' },
            { value: asIs.raw.p99, unit: 'ms', label: 'raw page query' },
            asIs.service.p99 / asIs.raw.p99,
            { op: '<=', value: 2, text: '<= 2x' },
          ),
        ],
        details: { applications: count, asIs, plans, statements: queries.map((q) => q.text.replace(/\s+/g, ' ').slice(0, 300)) },
      };
    } finally {
      await closeContext(ctx);
    }
  },
};
