import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import type { DatabaseKind } from '../../src/db/database.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { createMysqlDatabase, MYSQL_ROOT_URL, mysqlReachable } from '../helpers/mysql-store.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { dryRunErasure } from '../../src/erasure/dry-run.ts';
import { checkDataMapCoverage, discoverStore } from '../../src/erasure/datamap-check.ts';
import { parse } from 'yaml';
import { checkDataMap, storeSchema } from '../../src/domain/erasure-datamap.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';
import { stepsOf } from '../../src/erasure/run-state.ts';
import { ADA_VIEWS, crmLoyaltyMap, crmMap, dump, PERSONAL, seedCrm, seedCrmLoyalty, TABLES } from './mysql-crm-fixture.ts';

const reachable = await mysqlReachable();

describe.skipIf(!reachable)('erasure in a MySQL / MariaDB store', () => {
  let t: TestApp;
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let mapDir: string;
  let conn: mysql.Connection;

  const start = async (url: string, kind: DatabaseKind = 'embedded', config: Record<string, unknown> = {}) => {
    t = await createTestApp(kind, { ...config, erasure: { datamapDir: mapDir, stores: { crmsql: { url } } } });
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
    await seedCrm(conn, ada, ben);
    return { ada, ben };
  };

  beforeEach(async () => {
    db = await createMysqlDatabase();
    conn = await mysql.createConnection({ uri: db.url, timezone: 'Z', dateStrings: true });
    mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    writeFileSync(join(mapDir, 'crmsql.yaml'), crmMap(db.name));
  });
  afterEach(async () => {
    await t?.close();
    await closeStoreConnections();
    await conn.end();
    await db.drop();
    rmSync(mapDir, { recursive: true, force: true });
  });

  it('erases the buyer with every action, in batches, reports rows per step, scans it, and leaves others byte for byte', async () => {
    const { ada } = await start(db.url);
    const before = await dump(conn);
    // The dry run counts the buyer's rows in MySQL, table by table, and touches nothing.
    const dry = await dryRunErasure(t.ctx, ada);
    const planned = Object.fromEntries(dry.steps.filter((s) => s.store === 'crmsql' && s.kind === 'sql').map((s) => [s.table.split('.')[1], s.rows]));
    expect(planned).toEqual({ addresses: 1, support_tickets: 1, order_notes: 1, page_views: ADA_VIEWS, customers: 1 });
    expect(await dump(conn)).toEqual(before);
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 12);

    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');

    const [[customer]] = (await conn.query('SELECT * FROM customers WHERE id = 1')) as unknown as [Array<Record<string, unknown>>];
    expect(customer).toMatchObject({ user_ref: ada, email: null, full_name: 'erased', created_at: '2021-03-01 00:00:00' });
    expect(String(customer.phone)).toMatch(/^[0-9a-f]{64}$/);
    const [[address]] = (await conn.query('SELECT * FROM addresses WHERE id = 1')) as unknown as [Array<Record<string, unknown>>];
    expect(address).toMatchObject({ line1: null, city: 'Hangzhou', postcode: '310' });
    const [[ticket]] = (await conn.query('SELECT * FROM support_tickets WHERE id = 1')) as unknown as [Array<Record<string, unknown>>];
    expect(ticket).toMatchObject({ body: null, opened_at: '2025-06-01 12:00:00' });
    const [[counts]] = (await conn.query(`SELECT (SELECT COUNT(*) FROM order_notes WHERE customer_id = 1) AS notes, (SELECT COUNT(*) FROM page_views WHERE user_ref = ?) AS views`, [
      ada,
    ])) as unknown as [Array<Record<string, unknown>>];
    expect(counts).toEqual({ notes: 0, views: 0 });

    // Not one of Ada's values is left in any row of any table.
    const after = await dump(conn);
    const everything = Object.values(after).flat().join('\n').toLowerCase();
    for (const value of ['ada@example.com', '138-0000-0001', 'ada lovelace', 'flat 1b, 1 lovelace lane']) expect(everything).not.toContain(value);
    // Everyone else's rows are exactly as they were.
    const mine = (table: string, row: string) => {
      const r = JSON.parse(row) as Record<string, unknown>;
      return table === 'page_views' || table === 'customers' ? r.user_ref === ada : r.customer_id === 1;
    };
    for (const table of TABLES) expect(after[table].filter((r) => !mine(table, r))).toEqual(before[table].filter((r) => !mine(table, r)));

    // Rows per step, as the certificate reports them; the batched delete counted every batch.
    const steps = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).sort((a, b) => a.seq - b.seq);
    const crm = steps.filter((s) => s.spec.kind === 'sql' && s.spec.store === 'crmsql').map((s) => [s.spec.kind === 'sql' && s.spec.table.split('.')[1], s.rows]);
    expect(Object.fromEntries(crm)).toEqual({ addresses: 1, support_tickets: 1, order_notes: 1, page_views: ADA_VIEWS, customers: 1 });
    const [[markers]] = (await conn.query('SELECT COUNT(*) AS n, SUM(done) AS done FROM adieu_erasure_markers WHERE run_id = ?', [runId])) as unknown as [Array<Record<string, unknown>>];
    expect(Number(markers.n)).toBe(crm.length);
    expect(Number(markers.done)).toBe(crm.length);
    const verify = steps.find((s) => s.spec.kind === 'verify')!;
    expect(verify.result).toMatchObject({ hits: 0 });
    const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
    expect(certificate.payload.stores.map((s: { store: string }) => s.store)).toContain('crmsql');
    expect(certificate.payload.retained).toContainEqual(expect.objectContaining({ store: 'crmsql', table: `${db.name}.support_tickets`, rows: 1 }));
  });

  it.each(DATABASE_KINDS)("deletes the rows of a MySQL table keyed by the platform's buyer id (Adieu on %s), and only the buyer's", async (kind) => {
    writeFileSync(join(mapDir, 'crmsql.yaml'), crmMap(db.name) + crmLoyaltyMap(db.name));
    // An issuer is configured, so the platform (through an admin) can name local buyers by its id.
    const { ada } = await start(db.url, kind, { identity: { local: true, handoff: { issuer: 'https://platform.example', audience: 'adieu', jwksUrl: 'http://127.0.0.1:9/jwks.json' } } });
    const adaExternal = `plat-ada-${randomTag()}`;
    const benExternal = `plat-ben-${randomTag()}`;
    const admin = new Client(t.app);
    await admin.signIn('admin@example.com', 'demo-admin-1');
    for (const [identifier, externalId] of [
      ['ada@example.com', adaExternal],
      ['ben@example.com', benExternal],
    ]) {
      const linked = await admin.post('/api/admin/external-ids', { identifier, externalId });
      expect(linked.statusCode, linked.body).toBe(201);
    }
    // Ada has two rows under her platform id, Ben one under his; a buyer Adieu never met has one too.
    await seedCrmLoyalty(conn, [
      [adaExternal, 'Ada Loyal', 120],
      [adaExternal, 'Ada Again', 5],
      [benExternal, 'Ben Loyal', 7],
      ['plat-never-seen', 'Someone Else', 1],
    ]);
    const accounts = async () => ((await conn.query('SELECT platform_user_id, nickname, points FROM loyalty_accounts ORDER BY id')) as unknown as [Array<Record<string, unknown>>])[0];
    const dry = await dryRunErasure(t.ctx, ada);
    expect(dry.steps.find((s) => s.store === 'crmsql' && s.table === `${db.name}.loyalty_accounts`)?.rows).toBe(2);
    expect(await accounts()).toHaveLength(4);

    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 12);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');

    // Ada's rows went; the others stayed, unchanged.
    expect(await accounts()).toEqual([
      { platform_user_id: benExternal, nickname: 'Ben Loyal', points: 7 },
      { platform_user_id: 'plat-never-seen', nickname: 'Someone Else', points: 1 },
    ]);
    const steps = await stepsOf(t.ctx.db, runId);
    expect(steps.find((s) => s.spec.kind === 'sql' && s.spec.store === 'crmsql' && s.spec.table === `${db.name}.loyalty_accounts`)?.rows).toBe(2);
    // The scan looked for the platform's id too, and found it nowhere.
    expect(steps.find((s) => s.spec.kind === 'verify')?.result).toMatchObject({ hits: 0, needles: expect.objectContaining({ external_id: 1 }) });
  });

  it('datamap check names a MySQL column nobody mapped and a mapped one that is gone', async () => {
    await start(db.url);
    const crmOf = async () => (await checkDataMapCoverage(t.ctx)).find((e) => e.database === 'crmsql')!;
    expect(await crmOf()).toMatchObject({ stores: ['crmsql'], unmapped: [], stale: [] });
    expect((await checkDataMapCoverage(t.ctx)).find((e) => e.database === 'adieu')).toMatchObject({ unmapped: [], stale: [] });
    await conn.query('ALTER TABLE customers ADD COLUMN wechat_id varchar(64) NULL, DROP COLUMN created_at');
    expect(await crmOf()).toMatchObject({ unmapped: [`${db.name}.customers.wechat_id`], stale: [`${db.name}.customers.created_at`] });
  });

  it('datamap discover drafts a valid map that misses no personal column, never holds a sampled value, and erases the buyer', async () => {
    const { ada } = await start(db.url);
    const draft = await discoverStore(t.ctx, 'crmsql');
    // No sampled value reaches the draft.
    for (const value of ['ada@example.com', 'Ada Lovelace', '138-0000-0001', 'Lovelace Lane', 'parcel']) expect(draft.yaml).not.toContain(value);
    const column = (e: { table: string; column: string }) => `${e.table.split('.')[1]}.${e.column}`;
    const missed = draft.entries.filter((e) => PERSONAL.includes(column(e)) && !e.verdict.personal).map(column);
    const flagged = draft.entries.filter((e) => !PERSONAL.includes(column(e)) && e.verdict.personal).map(column);
    console.info(`discover: missed ${missed.length} personal columns, flagged ${flagged.length} non-personal ones (${flagged.join(', ')})`);
    expect(missed).toEqual([]);
    // The draft is a valid map as it stands (the review found nothing to change on this fixture).
    const spec = storeSchema.parse(parse(draft.yaml));
    expect(checkDataMap({ stores: [spec] })).toEqual([]);
    // The running Adieu switches to the draft (the map is read again only when its folder changes).
    const draftDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, draftDir, { recursive: true });
    writeFileSync(join(draftDir, 'crmsql.yaml'), draft.yaml);
    (t.ctx.config.erasure as { datamapDir?: string }).datamapDir = draftDir;
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 12);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.failureReason).toBeNull();
    expect(run.state).toBe('completed');
    const everything = Object.values(await dump(conn)).flat().join('\n').toLowerCase();
    for (const value of ['ada@example.com', '138-0000-0001', 'ada lovelace', 'flat 1b, 1 lovelace lane']) expect(everything).not.toContain(value);
    rmSync(draftDir, { recursive: true, force: true });
  });

  it('the verification finds a value the map forgot in MySQL, and the run fails instead of certifying', async () => {
    writeFileSync(join(mapDir, 'crmsql.yaml'), crmMap(db.name).replace('email: { action: set_null, identifier: email, category: user.contact.email }', 'email: non_personal'));
    const { ada } = await start(db.url);
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx, 12);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(run.state).toBe('failed');
    expect(run.certificateId).toBeNull();
    expect(run.failureReason).toContain(`email in crmsql:${db.name}.customers`);
    expect(run.failureReason).not.toContain('ada@example.com');
  });

  it('a stopped server or a wrong password fails the step with a clear reason and retries; the run never completes', async () => {
    const admin = await mysql.createConnection(MYSQL_ROOT_URL);
    await admin.query(`CREATE USER IF NOT EXISTS 'adieu_pw_test'@'%' IDENTIFIED BY 'right-password'`);
    await admin.query(`CREATE USER IF NOT EXISTS 'adieu_pw_test'@'localhost' IDENTIFIED BY 'right-password'`);
    await admin.end();
    for (const [url, reason] of [
      [`mysql://root@127.0.0.1:1/${db.name}`, /store crmsql \(mysql\) is unreachable \(ECONNREFUSED\)/],
      [`mysql://adieu_pw_test:wrong-password@127.0.0.1:3306/${db.name}`, /store crmsql \(mysql\) refused the credentials \(ER_ACCESS_DENIED_ERROR\)/],
    ] as const) {
      await t?.close();
      await closeStoreConnections();
      await conn.query(`DROP TABLE IF EXISTS ${[...TABLES].reverse().join(', ')}`);
      const { ada } = await start(url);
      const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
      const runId = await beginErasure(t.ctx, applicationId);
      await drainJobs(t.ctx, 12);
      const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
      expect(run.state).not.toBe('completed');
      expect(run.certificateId).toBeNull();
      const failing = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).find((s) => s.lastError);
      expect(failing?.lastError).toMatch(reason);
      expect(failing?.attempts).toBeGreaterThanOrEqual(1);
      expect(failing?.retryAt).not.toBeNull();
      // Nothing of Ada's in the store was touched.
      const [[row]] = (await conn.query('SELECT email FROM customers WHERE id = 1')) as unknown as [Array<Record<string, unknown>>];
      expect(row.email).toBe('ada@example.com');
    }
  });
});
