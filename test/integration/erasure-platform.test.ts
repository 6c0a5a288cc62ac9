import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { mysqlReachable } from '../helpers/mysql-store.ts';
import { redisReachable } from '../helpers/redis-store.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { dryRunErasure } from '../../src/erasure/dry-run.ts';
import { runDoctor } from '../../src/doctor/run-doctor.ts';
import { beginErasure, drainJobs, dumpOthers, findAnywhere, giveBuyerEverything, randomTag, subjectOf } from './erasure-fixtures.ts';
import { ADA_VALUES, createPlatform, isAdas, OTHERS, type Platform } from './platform-fixture.ts';

const BASE_URL = process.env.TEST_DATABASE_URL;
const redisUp = await redisReachable();
/** The platform's PostgreSQL store lives on the test PostgreSQL server. */
const everyStore = !!BASE_URL && redisUp && (await mysqlReachable());

/**
 * One buyer erased from Adieu's own database and from every store a marketplace keeps: its
 * PostgreSQL, MySQL, Redis and a folder of files. One certificate lists them all; afterwards none
 * of the buyer's values is in any table, key or file, and everyone else's data is as it was.
 */
describe.skipIf(!redisUp)('erasure across every kind of store', () => {
  let t: TestApp | null = null;
  let platform: Platform | null = null;
  let mapDir: string | null = null;
  afterEach(async () => {
    await t?.close();
    await closeStoreConnections();
    await platform?.close();
    if (mapDir) rmSync(mapDir, { recursive: true, force: true });
    t = null;
    platform = null;
  });

  for (const kind of ['embedded', 'postgres'] as const) {
    it.skipIf(!everyStore)(`erases the buyer everywhere with one certificate (Adieu on ${kind})`, async () => {
      platform = await createPlatform({ mysql: true, pg: BASE_URL, redis: true, files: true });
      mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
      cpSync(DATAMAP_DIR, mapDir, { recursive: true });
      for (const [file, text] of Object.entries(platform.maps())) writeFileSync(join(mapDir, file), text);
      t = await createTestApp(kind, { erasure: { datamapDir: mapDir, stores: platform.stores() } });
      await seedDemo(t.ctx);
      const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
      const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
      await platform.seed(ada, ben);
      const before = await platform.dump();
      const adieuBefore = await dumpOthers(t.ctx, ada, await subjectOf(t.ctx, ada));

      // The dry run counts the buyer's keys and files too, and touches nothing.
      const dry = await dryRunErasure(t.ctx, ada);
      const planned = Object.fromEntries(dry.steps.filter((s) => s.kind === 'keys' || s.kind === 'files').map((s) => [s.table.replace(platform!.redis!.prefix, ''), s.rows]));
      expect(planned).toEqual({
        'cart:{user_id}': 1,
        'session:*': 2,
        recently_viewed: 2,
        profile_cache: 1,
        events: 2,
        'avatars/{user_id}/**': 2,
        'invoices/*/{user_id}-*.txt': 1,
      });
      expect(await platform.dump()).toEqual(before);

      const { applicationId, values } = await giveBuyerEverything(t.ctx, ada, randomTag());
      const runId = await beginErasure(t.ctx, applicationId);
      await drainJobs(t.ctx, 16);
      const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
      expect(run.failureReason).toBeNull();
      expect(run.state).toBe('completed');

      // One certificate, listing every store, with what each step removed.
      const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
      const stores = certificate.payload.stores as Array<{ store: string; rows: number; tables: Array<{ table: string; action: string; rows: number }> }>;
      expect(stores.map((s) => s.store)).toEqual(expect.arrayContaining(['crmsql', 'loyalty', 'cache', 'files']));
      const cache = stores.find((s) => s.store === 'cache')!.tables.map((x) => [x.table.replace(platform!.redis!.prefix, ''), x.action, x.rows]);
      expect(cache.sort()).toEqual(
        [
          ['cart:{user_id}', 'delete_key', 1],
          ['events', 'delete_entries', 2],
          ['profile_cache', 'delete_fields', 1],
          ['recently_viewed', 'remove_members', 2],
          ['session:*', 'delete_key', 2],
        ].sort(),
      );
      expect(stores.find((s) => s.store === 'files')!.rows).toBe(3);
      const steps = await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId));
      const verify = steps.find((s) => s.spec.kind === 'verify')!.result as { hits: number; storeItems: number };
      expect(verify.hits).toBe(0);
      // The keys without a placeholder (sessions, shared sets, the stream) were read whole.
      expect(verify.storeItems).toBeGreaterThan(OTHERS);

      // A scan of every table, key and file of the platform finds none of Ada's values...
      const after = await platform.dump();
      const everything = Object.values(after).flat().join('\n').toLowerCase();
      for (const value of ADA_VALUES) expect(everything, value).not.toContain(value);
      // ...nor does one of Adieu's own database and data folder.
      expect(await findAnywhere(t.ctx, t.dataDir, ['ada@example.com', '13800000001', 'Ada Lovelace', ...values])).toEqual([]);
      // Everyone else's data is byte for byte as it was.
      const mine = isAdas(platform, ada);
      for (const [part, lines] of Object.entries(before)) {
        expect(after[part].filter((l) => !mine(l)), part).toEqual(lines.filter((l) => !mine(l)));
        expect(lines.filter((l) => !mine(l)).length, part).toBeGreaterThan(0);
      }
      expect(after.files.length).toBe(before.files.length - 3);
      expect(after.files.filter((l) => l.startsWith('avatars/')).length).toBe((OTHERS - 1) * 2);
      expect(await dumpOthers(t.ctx, ada, await subjectOf(t.ctx, ada))).toEqual(adieuBefore);
    }, 240_000);
  }

  it('the verification finds what a map forgot in Redis, and the run fails instead of certifying', async () => {
    platform = await createPlatform({ redis: true, files: true });
    mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    for (const [file, text] of Object.entries(platform.maps())) writeFileSync(join(mapDir, file), text.replace(/action: delete_fields\n {4}fields: \["\{userId\}"\]/, 'action: non_personal'));
    t = await createTestApp('embedded', { erasure: { datamapDir: mapDir, stores: platform.stores() } });
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
    await platform.seed(ada, ben);
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 16);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('failed');
    expect(run.certificateId).toBeNull();
    expect(run.failureReason).toContain(`email in cache:keys.profile_cache (${platform.redis!.prefix}profile_cache)`);
    expect(run.failureReason).not.toContain('ada@example.com');
  }, 120_000);

  it('an unreachable Redis or file store fails the step with a clear reason and retries; the run never completes', async () => {
    for (const [broken, reason] of [
      [(good: Record<string, { url: string }>) => ({ ...good, cache: { url: 'redis://127.0.0.1:1/11' } }), /store cache \(redis\) is unreachable \(ECONNREFUSED\)/],
      [(good: Record<string, { url: string }>) => ({ ...good, files: { url: `${good.files.url}-missing` } }), /store files \(file\) is unreachable: its folder does not exist \(ENOENT\)/],
    ] as const) {
      await t?.close();
      await closeStoreConnections();
      await platform?.close();
      if (mapDir) rmSync(mapDir, { recursive: true, force: true });
      platform = await createPlatform({ redis: true, files: true });
      mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
      cpSync(DATAMAP_DIR, mapDir, { recursive: true });
      for (const [file, text] of Object.entries(platform.maps())) writeFileSync(join(mapDir, file), text);
      const stores = broken(platform.stores());
      t = await createTestApp('embedded', { erasure: { datamapDir: mapDir, stores } });
      await seedDemo(t.ctx);
      const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
      const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
      await platform.seed(ada, ben);
      const before = await platform.dump();
      const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
      const runId = await beginErasure(t.ctx, applicationId);
      await drainJobs(t.ctx, 16);
      const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
      expect(run.state).not.toBe('completed');
      expect(run.certificateId).toBeNull();
      const failing = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).find((s) => s.lastError);
      expect(failing?.lastError).toMatch(reason);
      // Retried (with backoff) rather than given up at the first failure.
      expect(failing?.attempts).toBeGreaterThanOrEqual(2);
      // Nothing of Ada's in the reachable store was touched.
      expect(await platform.dump()).toEqual(before);
    }
  }, 120_000);

  it('adieu doctor probes Redis and file stores: reachable, writable, covered', async () => {
    platform = await createPlatform({ redis: true, files: true });
    mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    for (const [file, text] of Object.entries(platform.maps())) writeFileSync(join(mapDir, file), text);
    t = await createTestApp('embedded', { erasure: { datamapDir: mapDir, stores: platform.stores() } });
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    await platform.seed(ada, 'u_ben');
    const lines = async (stores: Record<string, { url: string }>) =>
      Object.fromEntries(
        (await runDoctor({ ...t!.ctx.config, erasure: { ...t!.ctx.config.erasure, stores } }))
          .filter((r) => r.check.includes('cache') || r.check.includes('files'))
          .map((r) => [r.check, `${r.status}: ${r.detail}`]),
      );
    expect(await lines(platform.stores())).toEqual({
      'store cache': 'ok: redis: reachable, may run scripts that remove keys',
      'data map covers cache': 'ok: every key of the namespaces it names is mapped',
      'store files': 'ok: file: folder reachable, readable and writable',
      'data map covers files': 'ok: every file of the folder is mapped',
    });
    // A key and a file nobody mapped; a wrong port; a missing folder.
    await platform.redis!.client.set(`${platform.redis!.prefix}wishlist:usr_7ben`, 'x');
    writeFileSync(join(platform.files!.dir, 'export-2025.csv'), 'x');
    expect(await lines(platform.stores())).toMatchObject({
      'data map covers cache': `failure: 1 shape not mapped: ${platform.redis!.prefix}wishlist:*`,
      'data map covers files': 'failure: 1 shape not mapped: *.csv',
    });
    expect(await lines({ cache: { url: 'redis://127.0.0.1:1/11' }, files: { url: `${platform.files!.url}-missing` } })).toEqual({
      'store cache': 'failure: redis: is unreachable (ECONNREFUSED)',
      'store files': 'failure: file: the folder does not exist (ENOENT)',
    });
  }, 120_000);

  it('adieu datamap check exits 1 naming the key and path shapes no entry maps (and exits, connections closed)', async () => {
    platform = await createPlatform({ redis: true, files: true });
    mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    for (const [file, text] of Object.entries(platform.maps())) writeFileSync(join(mapDir, file), text);
    await platform.seed('usr_1ada', 'usr_2ben');
    const dataDir = mkdtempSync(join(TMP_ROOT, 'cli-'));
    try {
      const config = join(dataDir, 'config.json');
      writeFileSync(config, JSON.stringify({ log: { level: 'silent' }, erasure: { datamapDir: mapDir, stores: platform.stores() } }));
      const check = () =>
        new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
          const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'ADIEU_KEYSTORE_URL', 'REDIS_URL'].includes(k))) as Record<string, string>;
          const child = spawn(process.execPath, ['bin/adieu.js', 'datamap', 'check'], { env: { ...env, ADIEU_CONFIG: config, ADIEU_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'ignore'] });
          let stdout = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.on('error', reject);
          child.on('close', (code) => resolve({ code, stdout }));
        });
      const clean = await check();
      expect(clean.stdout).toContain('data map covers every column');
      expect(clean.code).toBe(0);
      await platform.redis!.client.hset(`${platform.redis!.prefix}wishlist:usr_7ben`, 'item', '1');
      writeFileSync(join(platform.files!.dir, 'export-2025.csv'), 'x');
      const dirty = await check();
      expect(dirty.code).toBe(1);
      expect(dirty.stdout).toContain(`cache: ${platform.redis!.prefix}wishlist:* is neither mapped nor declared non-personal`);
      expect(dirty.stdout).toContain('files: *.csv is neither mapped nor declared non-personal');
      expect(dirty.stdout).not.toContain('usr_7ben');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
