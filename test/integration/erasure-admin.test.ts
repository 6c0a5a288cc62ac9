import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { Client, createTestApp, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { AdjustableClock } from '../../src/clock/clock.ts';
import { auditLog } from '../../src/audit/audit.tables.ts';
import { guidanceTemplates } from '../../src/review/review.tables.ts';
import { erasureRetentions, erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { shopDisputes, shopOrderItems, shopOrders, shopPayments, shopProductReviews } from '../../src/shop/shop.tables.ts';
import { openDatabase } from '../../src/db/database.ts';
import { migrateDatabase } from '../../src/app/migrate.ts';
import { queryRows } from '../../src/db/sql.ts';
import { beginErasure, demoAppWithAda, demoBuyer, drainJobs, giveBuyerEverything, randomTag, subjectOf } from './erasure-fixtures.ts';

const exec = promisify(execFile);

describe.each(DATABASE_KINDS)('erasure administration (%s)', (kind) => {
  let t: TestApp;
  let ada: string;
  let admin: Client;
  beforeEach(async () => {
    ({ t, ada } = await demoAppWithAda(kind));
    admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
  });
  afterEach(() => t.close());

  it('shows runs, the audit log and its chain, the data map and a dry run to admins only', async () => {
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const preview = (await admin.get(`/api/admin/erasures/preview?subject=${await subjectOf(t.ctx, ada)}`)).json();
    expect(preview.userId).toBe(ada);
    const ordersStep = preview.steps.find((s: { table: string }) => s.table === 'shop.orders');
    expect(ordersStep).toMatchObject({ action: 'retain_anonymised', rows: 6 });
    expect(preview.steps.find((s: { table: string }) => s.table === 'shop.browsing_history').rows).toBe(7);

    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const list = await admin.get(`/api/admin/erasures?applicationId=${applicationId}`);
    expect(list.statusCode).toBe(200);
    const view = list.json().items[0];
    expect(view).toMatchObject({ id: runId, applicationId, state: 'completed', startedAt: expect.any(String), completedAt: expect.any(String), certificateId: expect.any(String), downstream: [] });
    for (const step of view.steps) expect(step).toMatchObject({ store: expect.any(String), table: expect.any(String), action: expect.any(String), state: 'done' });
    expect(view.steps.find((s: { table: string }) => s.table === 'shop.orders')).toMatchObject({ action: 'retain_anonymised', rows: 6 });
    const vacuum = view.steps.filter((s: { action: string }) => s.action === 'vacuum');
    expect(vacuum.length).toBeGreaterThan(0);
    expect((await admin.get(`/api/admin/erasures/${runId}`)).json().id).toBe(runId);
    expect((await admin.get('/api/admin/erasures/ers_nope')).json().error.code).toBe('ERASURE_NOT_FOUND');

    const audit = await admin.get('/api/admin/audit');
    expect(audit.statusCode).toBe(200);
    const page = audit.json();
    const [{ n: total }] = await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    expect(page.items.length).toBe(Math.min(50, total));
    expect(page.items[0].seq).toBeGreaterThan(page.items[1].seq);
    const small = (await admin.get(`/api/admin/audit?cursor=${page.items[9].seq}`)).json();
    expect(small.items[0].seq).toBe(page.items[10].seq);
    expect(page.items.some((e: { action: string }) => e.action.startsWith('erasure.'))).toBe(true);
    const everything = (await t.ctx.db.select().from(auditLog)).map((e) => JSON.stringify(e)).join('\n');
    expect(everything).not.toMatch(/ada@example\.com|Lovelace|13800000001|Huaihai/i);
    expect((await admin.get('/api/admin/audit/verify')).json()).toMatchObject({ intact: true });

    const map = (await admin.get('/api/admin/datamap')).json();
    expect(map.stores.map((s: { store: string }) => s.store).sort()).toEqual(['adieu', 'platform', 'shop']);
    expect(map.plan[0]).toMatchObject({ kind: 'prepare' });

    const buyer = new Client(t.app);
    await buyer.signIn('ben@example.com', DEMO_PASSWORD);
    for (const url of ['/api/admin/erasures', `/api/admin/erasures/${runId}`, '/api/admin/audit', '/api/admin/datamap', '/api/admin/webhooks']) {
      expect((await buyer.get(url)).statusCode).toBe(403);
      expect((await new Client(t.app).get(url)).statusCode).toBe(401);
    }
  });

  it('fails a run whose scan finds the buyer, with the reason for the admin, and resumes it once fixed', async () => {
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    // A column the map declares non-personal, but someone copied Ada's email into it.
    await t.ctx.db.insert(guidanceTemplates).values({ reasonCode: 'OTHER', locale: 'en', body: 'Write to ada@example.com', updatedAt: t.ctx.clock.now() });
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('failed');
    expect(run.failureReason).toContain('email in adieu:public.guidance_templates');
    expect(run.failureReason).not.toContain('ada@example.com');
    expect(run.certificateId).toBeNull();
    const view = (await admin.get(`/api/admin/erasures/${runId}`)).json();
    expect(view).toMatchObject({ state: 'failed', failureReason: expect.stringContaining('verification found') });
    expect(view.steps.find((s: { kind: string }) => s.kind === 'verify').state).toBe('failed');
    // Nothing after the scan happened: the buyer's key still exists, no certificate.
    expect(await t.ctx.keys.findSubjectKey(ada)).not.toBeNull();

    await t.ctx.db.delete(guidanceTemplates).where(eq(guidanceTemplates.reasonCode, 'OTHER'));
    expect((await admin.post(`/api/admin/erasures/${runId}/retry`)).statusCode).toBe(200);
    await drainJobs(t.ctx);
    const [again] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(again.state).toBe('completed');
  });

  it("reads other buyers' rows only when erasure.verifyScope is everything", async () => {
    // Ben quoted Ada's email in a review of his own: a copy in someone else's row.
    const ben = await demoBuyer(t.ctx, 'ben@example.com');
    const quote = { productName: 'Widget', rating: 5, body: 'Ask ada@example.com, she recommended it', createdAt: t.ctx.clock.now() };
    await t.ctx.db.insert(shopProductReviews).values({ id: 'rev_quote', buyerId: ben, ...quote });
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('completed');
    const [verify] = await t.ctx.db.select().from(erasureSteps).where(and(eq(erasureSteps.runId, runId), sql`${erasureSteps.spec}->>'kind' = 'verify'`));
    expect(verify.result).toMatchObject({ scope: 'subject', hits: 0 });

    const wide = await createTestApp(kind, { erasure: { verifyScope: 'everything' } });
    try {
      await seedDemo(wide.ctx);
      const ada2 = await demoBuyer(wide.ctx, 'ada@example.com');
      const ben2 = await demoBuyer(wide.ctx, 'ben@example.com');
      await wide.ctx.db.insert(shopProductReviews).values({ id: 'rev_quote', buyerId: ben2, ...quote });
      const second = await giveBuyerEverything(wide.ctx, ada2, randomTag());
      const wideRun = await beginErasure(wide.ctx, second.applicationId);
      await drainJobs(wide.ctx);
      const [failed] = await wide.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, wideRun));
      expect(failed.state).toBe('failed');
      expect(failed.failureReason).toContain('email in shop:shop.product_reviews');
    } finally {
      await wide.close();
    }
  });

  it('purges retained records when their legal period ends, children first', async () => {
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const count = async (table: typeof shopOrders | typeof shopPayments | typeof shopDisputes) =>
      (await t.ctx.db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.buyerId, ada)))[0].n;
    expect(await count(shopOrders)).toBe(6);
    const clock = t.ctx.clock as AdjustableClock;

    // Three years less 100 days: the orders finished more than 100 days ago are due, the others not.
    await clock.set(t.ctx.db, new Date(clock.now().getTime() + (3 * 365 - 100) * 86_400_000));
    await drainJobs(t.ctx);
    expect(await count(shopOrders)).toBe(3);
    const [ledger] = await t.ctx.db.select().from(erasureRetentions).where(and(eq(erasureRetentions.runId, runId), eq(erasureRetentions.tableName, 'shop.orders')));
    expect(ledger.purgedAt).toBeNull();
    expect(ledger.purgedRows).toBe(3);

    await clock.set(t.ctx.db, new Date(clock.now().getTime() + 120 * 86_400_000));
    await drainJobs(t.ctx);
    expect(await count(shopOrders)).toBe(0);
    expect(await count(shopPayments)).toBe(0);
    expect(await count(shopDisputes)).toBe(0);
    const [items] = await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM shop.order_items i LEFT JOIN shop.orders o ON o.id = i.order_id WHERE o.id IS NULL`);
    expect(items.n).toBe(0);
    expect(await t.ctx.db.select({ n: shopOrderItems.id }).from(shopOrderItems)).not.toHaveLength(0); // other buyers' items remain
    const open = await t.ctx.db.select().from(erasureRetentions).where(eq(erasureRetentions.runId, runId));
    expect(open.every((r) => r.purgedAt !== null)).toBe(true);
    expect(await t.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'erasure.retention_purged'))).not.toHaveLength(0);
  });

  it('previews an erasure from the command line', async () => {
    // The CLI opens the database itself: PostgreSQL by URL (with the app's own key store and KEK:
    // another one would be refused), or an embedded one in a folder.
    const dataDir = kind === 'postgres' ? t.dataDir : mkdtempSync(join(TMP_ROOT, 'cli-'));
    const env: Record<string, string> = { ...process.env, ADIEU_DATA_DIR: dataDir, ADIEU_CONFIG: '' } as Record<string, string>;
    let userId = ada;
    if (kind === 'postgres') {
      env.DATABASE_URL = t.testDb.url!;
    } else {
      const database = await openDatabase({ dataDir });
      await migrateDatabase(database);
      await database.close();
      env.DATABASE_URL = '';
      // Seed the folder database through a context of its own.
      const { createContext, closeContext } = await import('../../src/app/create-context.ts');
      const { loadConfig } = await import('../../src/config/load.ts');
      const ctx = await createContext(loadConfig({ env: { ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' } }));
      await seedDemo(ctx);
      userId = await demoBuyer(ctx, 'ada@example.com');
      await closeContext(ctx);
    }
    writeFileSync(join(dataDir, 'cli-config.json'), JSON.stringify({ log: { level: 'silent' } }));
    env.ADIEU_CONFIG = join(dataDir, 'cli-config.json');
    const { stdout } = await exec('node', ['bin/adieu.js', 'erase', '--dry-run', userId], { env });
    expect(stdout).toContain('Nothing is changed');
    expect(stdout).toMatch(/shop:shop\.orders\s+retain_anonymised\s+5 rows/);
    expect(stdout).not.toMatch(/ada@example\.com|Lovelace/);
    const missing = await exec('node', ['bin/adieu.js', 'erase', '--dry-run', 'usr_nobody'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect((missing as { code: number }).code).toBe(1);
    if (dataDir !== t.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
