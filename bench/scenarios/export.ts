import { createGzip, gzipSync } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import copyStreams from 'pg-copy-streams';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../src/context.ts';
import { users } from '../../src/accounts/accounts.tables.ts';
import { dataMap } from '../../src/erasure/datamap.ts';
import { planExport } from '../../src/domain/export-datamap.ts';
import { buildReadSql } from '../../src/domain/erasure-sql.ts';
import { resolveParams } from '../../src/erasure/params.ts';
import { buildExport } from '../../src/export/build-export.ts';
import { requestExport } from '../../src/export/request-export.ts';
import { DEFLATE_LEVEL } from '../../src/export/export-files.ts';
import { dataExports } from '../../src/export/export.tables.ts';
import { closeContext, openContext } from '../lib/adieu-in-process.ts';
import { benchDatabase } from '../lib/bench-database.ts';
import { heavyBuyer, seedShopFor } from '../lib/erasure-fixtures.ts';
import { createBuyer } from '../lib/fixtures.ts';
import { compare } from '../lib/result.ts';
import type { Scenario } from '../lib/scenario.ts';
import { analyze } from '../lib/seed-sql.ts';
import { timeMs } from '../lib/stats.ts';

const MiB = 1024 * 1024;

/** Counts bytes and throws them away: the baseline's sink. */
const countingSink = (count: { bytes: number }) =>
  new Writable({
    write(chunk: Buffer, _enc, done) {
      count.bytes += chunk.length;
      done();
    },
  });

/** `'literal'`: COPY takes no parameters; our ids are random base64url, quoted anyway. */
const literal = (value: unknown) => `'${String(value).replace(/'/g, "''")}'`;

/**
 * The baseline an expert would write for the same work: for each table, the same columns of the
 * buyer's rows in both formats the export writes — `COPY (SELECT …) TO STDOUT (FORMAT csv, HEADER)`
 * and `COPY (SELECT row_to_json(r) FROM (SELECT …) r) TO STDOUT` (one JSON object a line) — each
 * gzip-compressed at level 6 (the export's deflate level), bytes counted and dropped. PostgreSQL
 * streams it (pg-copy-streams); PGlite writes COPY output to a blob in memory.
 */
async function copyBaseline(ctx: AppContext, userId: string, subjectId: string): Promise<{ bytes: number; rows: number }> {
  const count = { bytes: 0 };
  let rows = 0;
  for (const table of planExport(dataMap(ctx.config))) {
    if (table.store.database !== 'adieu') continue;
    const built = buildReadSql({ table: table.table, columns: table.columns.map((c) => c.name), path: table.path, exclude: table.exclude });
    const values = resolveParams(built.params, { userId, subjectId, now: new Date() });
    const select = built.text.replace(/\$(\d+)/g, (_, n: string) => literal(values[Number(n) - 1]));
    const formats = [
      { sql: `COPY (${select}) TO STDOUT (FORMAT csv, HEADER)`, header: 1 },
      { sql: `COPY (SELECT row_to_json(r) FROM (${select}) AS r) TO STDOUT`, header: 0 },
    ];
    for (const format of formats) {
      if (ctx.database.pool) {
        const client = await ctx.database.pool.connect();
        try {
          const source = client.query(copyStreams.to(format.sql));
          await pipeline(source, createGzip({ level: DEFLATE_LEVEL }), countingSink(count));
          if (format.header) rows += Number((source as unknown as { rowCount?: number }).rowCount ?? 0);
        } finally {
          client.release();
        }
      } else {
        const result = await ctx.database.pglite!.query(format.sql.replace('TO STDOUT', "TO '/dev/blob'"));
        const blob = result.blob ? Buffer.from(await result.blob.arrayBuffer()) : Buffer.alloc(0);
        count.bytes += gzipSync(blob, { level: DEFLATE_LEVEL }).length;
        if (format.header) rows += Math.max(0, blob.toString('utf8').split('\n').length - 2);
      }
    }
  }
  return { bytes: count.bytes, rows };
}

/** Samples RSS while `work` runs; the peak above the level before it. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakGrowth: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakGrowth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/**
 * One buyer with 50k orders (150k items, payments, reviews, messages…): the whole export job
 * (every table of every store read by cursor, decrypted, written as JSON and CSV, sealed, zipped
 * with a signed manifest and sealed again) against COPY of the same rows of Adieu's database, as
 * CSV and as JSON, plus gzip.
 */
export const exportScenario: Scenario = {
  name: 'export',
  title: "exporting a buyer's data, 50k orders: export job vs COPY … TO STDOUT (CSV and JSON) + gzip",
  async run(bench) {
    const orders = bench.quick ? 5_000 : 50_000;
    const db = await benchDatabase('export', { databaseUrl: bench.databaseUrl });
    const ctx = await openContext(db);
    try {
      await ctx.jobs.start();
      const buyer = await createBuyer(ctx, 'export');
      bench.log(`seeding a buyer with ${orders.toLocaleString('en-US')} orders (+ items, payments, reviews, messages…)`);
      await seedShopFor(ctx, [buyer.userId], heavyBuyer(orders));
      await analyze(ctx.database);
      const [user] = await ctx.db.select().from(users).where(eq(users.id, buyer.userId));

      bench.log('COPY … TO STDOUT, CSV and JSON, + gzip…');
      let copy = { bytes: 0, rows: 0 };
      const copyRun = await withPeakRss(async () => timeMs(async () => void (copy = await copyBaseline(ctx, user.id, user.subjectId))));

      bench.log('export job…');
      const requested = await requestExport(ctx, user, { role: 'buyer', actorSubjectId: user.subjectId });
      const exportRun = await withPeakRss(async () =>
        timeMs(async () => {
          const outcome = await buildExport(ctx, requested.id);
          if (outcome !== 'ready') throw new Error(`export ended ${outcome}`);
        }),
      );
      const [row] = await ctx.db.select().from(dataExports).where(eq(dataExports.id, requested.id));
      const bytes = row.bytes ?? 0;
      const parts = row.parts;
      const csvRows = parts.filter((p) => p.path.endsWith('.csv')).reduce((n, p) => n + p.rows, 0);
      return {
        notes: [
          `export: ${parts.length} files, ${csvRows.toLocaleString('en-US')} rows, ZIP ${(bytes / MiB).toFixed(1)} MiB (JSON and CSV of every table, deflated once at level ${DEFLATE_LEVEL}, sealed twice: parts, then the ZIP)`,
          `COPY: ${copy.rows.toLocaleString('en-US')} rows, ${(copy.bytes / MiB).toFixed(1)} MiB gzip level ${DEFLATE_LEVEL} (CSV and JSON lines of every table, nothing decrypted, signed or sealed)`,
          `peak RSS growth: export ${(exportRun.peakGrowth / MiB).toFixed(0)} MiB, COPY ${(copyRun.peakGrowth / MiB).toFixed(0)} MiB`,
        ],
        comparisons: [
          compare(`export job vs COPY (CSV and JSON) + gzip, ${orders.toLocaleString('en-US')} orders`, { value: exportRun.value, unit: 'ms' }, { value: copyRun.value, unit: 'ms', label: 'COPY … TO STDOUT, CSV and JSON, + gzip' }, exportRun.value / copyRun.value, {
            op: '<=',
            value: 2,
            text: '<= 2x',
          }),
          compare('export job peak RSS growth', { value: exportRun.peakGrowth / MiB, unit: 'MiB' }, { value: copyRun.peakGrowth / MiB, unit: 'MiB', label: 'COPY + gzip' }, exportRun.peakGrowth / copyRun.peakGrowth),
        ],
        details: { exportMs: exportRun.value, copyMs: copyRun.value, exportPeakRssGrowth: exportRun.peakGrowth, copyPeakRssGrowth: copyRun.peakGrowth, zipBytes: bytes, copyGzipBytes: copy.bytes },
      };
    } finally {
      await closeContext(ctx);
      await db.drop();
    }
  },
};
