import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { until } from '../helpers/until.ts';
import { createMysqlDatabase, mysqlReachable } from '../helpers/mysql-store.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { DELETE_BATCH } from '../../src/erasure/connectors/mysql.ts';
import { runTimers } from '../../src/app/timers.ts';
import type { AdjustableClock } from '../../src/clock/clock.ts';
import { beginErasure, drainJobs, giveBuyerEverything } from './erasure-fixtures.ts';
import { crmMap, dump, seedCrm, TABLES } from './mysql-crm-fixture.ts';

const BASE_URL = process.env.TEST_DATABASE_URL;
/** Many batches, so the worker can be killed between two of them. */
const VIEWS = DELETE_BATCH * 40 + 11;

const reachable = BASE_URL ? await mysqlReachable() : false;

/** A worker process SIGKILLed in the middle of a batched MySQL delete (workers share PostgreSQL). */
describe.skipIf(!reachable)('erasure in MySQL survives SIGKILL of its worker', () => {
  async function trial(kill: boolean) {
    const db = await createMysqlDatabase();
    const mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    writeFileSync(join(mapDir, 'crmsql.yaml'), crmMap(db.name));
    const conn = await mysql.createConnection({ uri: db.url, timezone: 'Z', dateStrings: true });
    let t: TestApp | null = null;
    try {
      t = await createTestApp('postgres', { devTools: true, erasure: { datamapDir: mapDir, stores: { crmsql: { url: db.url } } } });
      await seedDemo(t.ctx);
      const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
      const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
      await seedCrm(conn, ada, ben, VIEWS);
      const { applicationId } = await giveBuyerEverything(t.ctx, ada, 'mysqlfault');
      const runId = await beginErasure(t.ctx, applicationId);
      const stateOf = async () => (await t!.ctx.db.select({ state: erasureRuns.state }).from(erasureRuns).where(eq(erasureRuns.id, runId)))[0].state;
      let caughtMidStep = false;
      if (!kill) {
        await drainJobs(t.ctx, 12);
      } else {
        const start = (): ChildProcess =>
          spawn('node', ['bin/adieu.js', 'worker'], {
            env: { ...process.env, DATABASE_URL: t!.testDb.url!, ADIEU_DATA_DIR: t!.dataDir, ADIEU_CONFIG: join(t!.dataDir, 'config.json'), ADIEU_KEYSTORE_URL: '' },
            stdio: ['ignore', 'ignore', 'ignore'],
          });
        const worker = start();
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        // Kill once some batches of the delete committed and more remain.
        await until(
          async () => {
            const [rows] = await conn.query('SELECT COUNT(*) AS n FROM adieu_erasure_markers WHERE run_id = ? AND done = 0', [runId]).catch(() => [[{ n: 0 }]]);
            return Number((rows as Array<{ n: number }>)[0].n) > 0;
          },
          120_000,
          'a batch of the MySQL delete',
          2,
        );
        worker.kill('SIGKILL');
        await exited;
        const [[partial]] = (await conn.query('SELECT touched FROM adieu_erasure_markers WHERE run_id = ? AND done = 0', [runId])) as unknown as [Array<{ touched: number }>];
        caughtMidStep = !!partial && Number(partial.touched) > 0 && Number(partial.touched) < VIEWS;
        const clock = t.ctx.clock as AdjustableClock;
        await clock.set(t.ctx.db, new Date(clock.now().getTime() + 30 * 60_000));
        await runTimers(t.ctx);
        const again = start();
        const over = new Promise((resolve) => again.once('exit', resolve));
        await until(async () => ['completed', 'failed'].includes(await stateOf()), 180_000, 'the run to finish');
        again.kill('SIGTERM');
        await over;
      }
      const steps = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId)))
        .filter((s) => s.spec.kind === 'sql' && s.spec.store === 'crmsql')
        .sort((a, b) => a.seq - b.seq)
        .map((s) => ({ table: s.spec.kind === 'sql' ? s.spec.table.split('.')[1] : '', rows: s.rows, state: s.state }));
      // The run's own values (Ada's user id, the run-keyed pseudonym) differ between trials by design.
      const tables = await dump(conn);
      const normal = Object.fromEntries(
        TABLES.map((table) => [table, tables[table].map((r) => r.replaceAll(ada, '<ada>').replaceAll(ben, '<ben>').replace(/"[0-9a-f]{64}"/g, '"<pseudonym>"')).sort()]),
      );
      return { state: await stateOf(), steps, tables: normal, caughtMidStep };
    } finally {
      await t?.close();
      await closeStoreConnections();
      await conn.end();
      await db.drop();
      rmSync(mapDir, { recursive: true, force: true });
    }
  }

  it('resumes the batched delete where it stopped and ends identical to an uninterrupted run', async () => {
    const reference = await trial(false);
    expect(reference.state).toBe('completed');
    const interrupted = await trial(true);
    expect(interrupted.caughtMidStep).toBe(true);
    expect(interrupted.state).toBe('completed');
    expect(interrupted.steps).toEqual(reference.steps);
    expect(interrupted.steps.find((s) => s.table === 'page_views')?.rows).toBe(VIEWS);
    expect(interrupted.tables).toEqual(reference.tables);
  }, 600_000);
});
