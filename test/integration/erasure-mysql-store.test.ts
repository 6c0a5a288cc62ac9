import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { createMysqlDatabase, MYSQL_ROOT_URL, mysqlReachable } from '../helpers/mysql-store.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { DELETE_BATCH } from '../../src/erasure/connectors/mysql.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

/** The platform's CRM in MySQL: `db` is the test's own database (the map's schema part). */
const crmMap = (db: string) => `store: crmsql
title: "The platform's CRM, in MySQL"
database: { config: crmsql }
vacuum: true
tables:
  ${db}.customers:
    rows: update
    reach: { column: user_ref, identity: user_id }
    columns:
      id: non_personal
      user_ref: { action: keep_pseudonymous, note: "Adieu's user id (the tombstone)" }
      email: { action: set_null, identifier: email, category: user.contact.email }
      phone: { action: pseudonymise, identifier: phone, category: user.contact.phone_number }
      full_name: { action: replace, value: "erased", identifier: name, category: user.name }
      created_at: { action: generalise, generalise: { method: date_trunc, unit: month } }
  ${db}.addresses:
    rows: update
    reach: { column: customer_id, references: ${db}.customers.id }
    columns:
      id: non_personal
      customer_id: { action: keep_pseudonymous, note: "the customer's id" }
      line1: { action: set_null, identifier: address, category: user.contact.address.street }
      city: { action: generalise, generalise: { method: keep } }
      postcode: { action: generalise, generalise: { method: truncate, length: 3 } }
  ${db}.support_tickets:
    rows: retain
    reach: { column: customer_id, references: ${db}.customers.id }
    retain: { legalBasis: "Consumer complaints kept 3 years (consumer protection law)", period: P3Y, from: opened_at }
    columns:
      id: non_personal
      customer_id: { action: keep_pseudonymous, note: "the customer's id" }
      body: { action: set_null, identifier: free_text }
      opened_at: non_personal
  ${db}.order_notes:
    rows: delete
    reach: { column: customer_id, references: ${db}.customers.id }
    columns:
      id: non_personal
      customer_id: delete_row
      note: { action: delete_row, identifier: free_text }
  ${db}.page_views:
    rows: delete
    reach: { column: user_ref, identity: user_id }
    columns:
      user_ref: delete_row
      page: { action: delete_row, category: user.behavior.browsing_history }
`;

const SCHEMA = `
CREATE TABLE customers (id int PRIMARY KEY, user_ref varchar(64) NOT NULL, email varchar(200), phone varchar(64), full_name varchar(200), created_at datetime NOT NULL, KEY (user_ref)) ENGINE=InnoDB;
CREATE TABLE addresses (id int PRIMARY KEY, customer_id int NOT NULL, line1 varchar(200), city varchar(80), postcode varchar(20), KEY (customer_id)) ENGINE=InnoDB;
CREATE TABLE support_tickets (id int PRIMARY KEY, customer_id int NOT NULL, body text, opened_at datetime NOT NULL, KEY (customer_id)) ENGINE=InnoDB;
CREATE TABLE order_notes (id int PRIMARY KEY, customer_id int NOT NULL, note text, KEY (customer_id)) ENGINE=InnoDB;
CREATE TABLE page_views (user_ref varchar(64) NOT NULL, page varchar(200) NOT NULL, KEY (user_ref)) ENGINE=InnoDB;`;

const TABLES = ['customers', 'addresses', 'support_tickets', 'order_notes', 'page_views'];
const OTHERS = 150;
/** More page views than one batch holds, so the delete runs in several transactions. */
const ADA_VIEWS = DELETE_BATCH * 2 + 37;

async function seedCrm(conn: mysql.Connection, ada: string, ben: string): Promise<void> {
  for (const statement of SCHEMA.split(';').map((s) => s.trim()).filter(Boolean)) await conn.query(statement);
  const customers: unknown[][] = [[1, ada, 'ada@example.com', '+86 138-0000-0001', 'Ada Lovelace', '2021-03-14 10:00:00']];
  customers.push([2, ben, 'ben@example.com', '+8613900000002', 'Ben Bitdiddle', '2022-01-01 09:00:00']);
  for (let i = 3; i < OTHERS; i++) customers.push([i, `u_other_${i}`, `buyer${i}@example.net`, `+86139${String(i).padStart(8, '0')}`, `Buyer Number${i}`, '2023-05-05 05:05:05']);
  await conn.query('INSERT INTO customers VALUES ?', [customers]);
  await conn.query('INSERT INTO addresses VALUES ?', [customers.map((c) => [c[0], c[0], `Flat ${String(c[0])}B, ${String(c[0])} Lovelace Lane`, 'Hangzhou', `3100${String(c[0])}`])]);
  await conn.query('INSERT INTO support_tickets VALUES ?', [
    customers.map((c) => [c[0], c[0], `Hello, this is ${String(c[4])}, call me on ${String(c[3])} about my parcel`, '2025-06-01 12:00:00']),
  ]);
  await conn.query('INSERT INTO order_notes VALUES ?', [customers.map((c) => [c[0], c[0], `Leave at the door of ${String(c[4])}`])]);
  const views: unknown[][] = [];
  for (let i = 0; i < ADA_VIEWS; i++) views.push([ada, `/item/${i}`]);
  for (let i = 2; i < OTHERS; i++) views.push([customers[i - 1][1], `/item/${i}`]);
  await conn.query('INSERT INTO page_views VALUES ?', [views]);
}

async function dump(conn: mysql.Connection): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const [rows] = await conn.query(`SELECT * FROM ${table}`);
    out[table] = (rows as Array<Record<string, unknown>>).map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

const reachable = await mysqlReachable();

describe.skipIf(!reachable)('erasure in a MySQL / MariaDB store', () => {
  let t: TestApp;
  let db: Awaited<ReturnType<typeof createMysqlDatabase>>;
  let mapDir: string;
  let conn: mysql.Connection;

  const start = async (url: string) => {
    t = await createTestApp('pglite', { erasure: { datamapDir: mapDir, stores: { crmsql: { url } } } });
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
      await conn.query(`DROP TABLE IF EXISTS ${TABLES.join(', ')}`);
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
