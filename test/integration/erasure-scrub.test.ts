import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { wrapPglite } from '../../src/db/database.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

/** Every file under `dir` whose raw bytes contain one of the needles (as stored: UTF-8). */
function filesHolding(dir: string, needles: string[]): string[] {
  const wanted = needles.map((n) => Buffer.from(n, 'utf8'));
  const hits: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const bytes = readFileSync(path);
        const found = wanted.filter((needle) => bytes.includes(needle)).map((needle) => needle.toString('utf8'));
        if (found.length) hits.push(`${relative(dir, path)}: ${found.join(', ')}`);
      }
    }
  };
  walk(dir);
  return hits;
}

// Files on disk are what this test is about: only the embedded database has them here.
describe('erasure scrubs the embedded database files', () => {
  let t: TestApp;
  let dbDir: string;
  let pglite: PGlite;
  beforeEach(async () => {
    dbDir = mkdtempSync(join(TMP_ROOT, 'scrub-db-'));
    pglite = await PGlite.create({ dataDir: dbDir, loadDataDir: new Blob([new Uint8Array(readFileSync(inject('pgliteTemplate')))]) });
    t = await createTestApp('embedded', {}, { database: wrapPglite(pglite) });
  });
  afterEach(async () => {
    await t.close();
    rmSync(dbDir, { recursive: true, force: true });
  });

  it('leaves no file under the data folders holding the erased buyer\'s email, phone, name or street', async () => {
    const ctx = t.ctx;
    await seedDemo(ctx);
    const ada = (await findUserByIdentifier(ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const seeded = await giveBuyerEverything(ctx, ada, randomTag());
    const needles = ['ada@example.com', '+8613800000001', 'Ada Lovelace', '88 Huaihai', 'Century Avenue', ...seeded.values];
    // Before: the values really are in the files (so the search below can find them).
    await pglite.exec('CHECKPOINT');
    expect(filesHolding(dbDir, needles).length).toBeGreaterThan(0);

    const runId = await beginErasure(ctx, seeded.applicationId);
    await drainJobs(ctx);
    const [run] = await ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('completed');
    const scrubs = (await ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).filter((s) => s.spec.kind === 'vacuum');
    // One scrub per store of the map in Adieu's database: adieu, shop and the demo platform's.
    expect(scrubs.map((s) => (s.result as { level: string; skipped: unknown[] }).level)).toEqual(['embedded-full', 'embedded-full', 'embedded-full']);
    for (const s of scrubs) expect((s.result as { skipped: unknown[] }).skipped).toEqual([]);

    // The certificate states the scrub of each store.
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    for (const store of certificate.payload.stores) expect(store.scrub).toBe('embedded-full');

    // Nothing on disk, while the database is open and after it has shut down (its last checkpoint).
    await pglite.exec('CHECKPOINT');
    expect(filesHolding(dbDir, needles)).toEqual([]);
    expect(filesHolding(t.dataDir, needles)).toEqual([]);
    await pglite.close();
    expect(filesHolding(dbDir, needles)).toEqual([]);
  });
});

// PostgreSQL keeps its own files: `erasure.scrub` says how far the scrub goes there, and the certificate says which ran.
describe.runIf(process.env.TEST_DATABASE_URL)('erasure.scrub on PostgreSQL', () => {
  let t: TestApp;
  afterEach(() => t.close());

  it.each(['vacuum-full', 'none'] as const)('runs the configured scrub (%s) and certifies it', async (level) => {
    t = await createTestApp('postgres', { erasure: { scrub: level } });
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const seeded = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, seeded.applicationId);
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('completed');
    const scrubs = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).filter((s) => s.spec.kind === 'vacuum');
    for (const s of scrubs) {
      const result = s.result as { level: string; vacuumed: string[] };
      expect(result.level).toBe(level);
      if (level === 'none') expect(result.vacuumed).toEqual([]);
      else expect(result.vacuumed.length).toBeGreaterThan(0);
    }
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.stores.map((s: { scrub: string }) => s.scrub)).toEqual(certificate.payload.stores.map(() => level));
  });
});
