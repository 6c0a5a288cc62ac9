import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { until } from '../helpers/until.ts';
import { redisReachable } from '../helpers/redis-store.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { runTimers } from '../../src/app/timers.ts';
import type { AdjustableClock } from '../../src/clock/clock.ts';
import { beginErasure, drainJobs, giveBuyerEverything } from './erasure-fixtures.ts';
import { createPlatform, REDIS_BATCH } from './platform-fixture.ts';

const BASE_URL = process.env.TEST_DATABASE_URL;
/** Many batches of Ada's sessions, so the worker can be killed between two of them. */
const SESSIONS = REDIS_BATCH * 40 + 7;

const reachable = BASE_URL ? await redisReachable() : false;

/** A worker process SIGKILLed in the middle of a Redis step (workers share PostgreSQL). */
describe.skipIf(!reachable)('erasure in Redis survives SIGKILL of its worker', () => {
  async function trial(kill: boolean) {
    const platform = await createPlatform({ redis: true, files: true });
    const mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    for (const [file, text] of Object.entries(platform.maps())) writeFileSync(join(mapDir, file), text);
    const prefix = platform.redis!.prefix;
    const redis = platform.redis!.client;
    let t: TestApp | null = null;
    try {
      t = await createTestApp('postgres', { devTools: true, erasure: { datamapDir: mapDir, stores: platform.stores() } });
      await seedDemo(t.ctx);
      const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
      const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
      await platform.seed(ada, ben, { adaSessions: SESSIONS });
      const { applicationId } = await giveBuyerEverything(t.ctx, ada, 'redisfault');
      const runId = await beginErasure(t.ctx, applicationId);
      const stateOf = async () => (await t!.ctx.db.select({ state: erasureRuns.state }).from(erasureRuns).where(eq(erasureRuns.id, runId)))[0].state;
      const sessionsSeq = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).find((s) => s.spec.kind === 'keys' && s.spec.name === 'sessions')!.seq;
      const marker = `adieu:erasure:markers:${runId}`;
      let caughtMidStep = false;
      if (!kill) {
        await drainJobs(t.ctx, 16);
      } else {
        const start = (): ChildProcess =>
          spawn('node', ['bin/adieu.js', 'worker'], {
            env: { ...process.env, DATABASE_URL: t!.testDb.url!, ADIEU_DATA_DIR: t!.dataDir, ADIEU_CONFIG: join(t!.dataDir, 'config.json'), ADIEU_KEYSTORE_URL: '' },
            stdio: ['ignore', 'ignore', 'ignore'],
          });
        const worker = start();
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        // Kill once some batches of the sessions step are removed and more remain.
        await until(async () => Number((await redis.hget(marker, String(sessionsSeq))) ?? 0) > 0, 120_000, 'a batch of the Redis step', 2);
        worker.kill('SIGKILL');
        await exited;
        const [touched, done] = await redis.hmget(marker, String(sessionsSeq), `${sessionsSeq}:done`);
        caughtMidStep = done === null && Number(touched) > 0 && Number(touched) < SESSIONS;
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
        .filter((s) => s.spec.kind === 'keys' || s.spec.kind === 'files')
        .sort((a, b) => a.seq - b.seq)
        .map((s) => ({ name: s.spec.kind === 'keys' || s.spec.kind === 'files' ? s.spec.name : '', rows: s.rows, state: s.state }));
      // Ada's and Ben's ids and the prefix differ between trials by design.
      const dump = await platform.dump();
      const normal = Object.fromEntries(Object.entries(dump).map(([part, lines]) => [part, lines.map((l) => l.replaceAll(prefix, '<p>').replaceAll(ada, '<ada>').replaceAll(ben, '<ben>')).sort()]));
      return { state: await stateOf(), steps, dump: normal, caughtMidStep };
    } finally {
      await t?.close();
      await closeStoreConnections();
      await platform.close();
      rmSync(mapDir, { recursive: true, force: true });
    }
  }

  it('resumes the Redis step where it stopped and ends identical to an uninterrupted run', async () => {
    const reference = await trial(false);
    expect(reference.state).toBe('completed');
    expect(reference.steps.find((s) => s.name === 'sessions')?.rows).toBe(SESSIONS);
    const interrupted = await trial(true);
    expect(interrupted.caughtMidStep).toBe(true);
    expect(interrupted.state).toBe('completed');
    expect(interrupted.steps).toEqual(reference.steps);
    expect(interrupted.dump).toEqual(reference.dump);
  }, 600_000);
});
