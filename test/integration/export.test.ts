import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestApp, Client, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { createMysqlDatabase, mysqlReachable } from '../helpers/mysql-store.ts';
import { createLogger } from '../../src/logger.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { applications } from '../../src/cancellation/cancellation.tables.ts';
import { shopBrowsingHistory } from '../../src/shop/shop.tables.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { newId } from '../../src/ids.ts';
import { dataExports } from '../../src/export/export.tables.ts';
import { platformLoyaltyMembers } from '../../src/shop/platform.tables.ts';
import { buildExport } from '../../src/export/build-export.ts';
import { exportDir } from '../../src/export/export-files.ts';
import { verifyExportBundle, type ExportManifest } from '../../src/export/export-manifest.ts';
import { advance } from './cancellation-fixtures.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag, subjectOf } from './erasure-fixtures.ts';
import { crmMap, seedCrm, ADA_VIEWS } from './mysql-crm-fixture.ts';
import { filesContaining, storeRows } from './export-fixtures.ts';
import { unzip } from '../helpers/unzip.ts';

const withMysql = await mysqlReachable();

/** The CRM map of the erasure tests, with an export decision on every personal column. */
const crmMapWithExport = (db: string) =>
  crmMap(db)
    .split('\n')
    .map((line) => {
      if (/: delete_row$/.test(line)) return line.replace(/: delete_row$/, ': { action: delete_row, export: include }');
      if (/^\s+\w+: \{ action: (?!non_personal)/.test(line)) return line.replace(/ \}$/, ', export: include }');
      return line;
    })
    .join('\n');

/**
 * The stores as they were when the export was generated: audit entries written since (the export
 * being ready, downloaded) are later; the export's own row and the session in use change after.
 */
function asOf(table: string, rows: string[], generatedAt: string, exported: unknown[]): string[] {
  if (table === 'public.audit_log') return rows.filter((r) => (JSON.parse(r) as { at: string }).at <= generatedAt);
  if (table === 'public.data_exports' || table === 'public.sessions') {
    // Same rows (by id), their states and times moved on.
    const ids = new Set(rows.map((r) => (JSON.parse(r) as { id: string }).id));
    expect(exported.every((r) => ids.has((r as { id: string }).id))).toBe(true);
    return exported.map((r) => JSON.stringify(r)).sort();
  }
  return rows;
}

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger('trace', stream) };
}

describe.each(DATABASE_KINDS)('data export on %s', (kind) => {
  let t: TestApp;
  let mapDir: string | null = null;
  let crm: Awaited<ReturnType<typeof createMysqlDatabase>> | null = null;

  afterEach(async () => {
    await t?.close();
    await closeStoreConnections();
    await crm?.drop();
    crm = null;
    if (mapDir) rmSync(mapDir, { recursive: true, force: true });
    mapDir = null;
  });

  async function start(config: Record<string, unknown> = {}, logger?: ReturnType<typeof createLogger>) {
    t = await createTestApp(kind, config, logger ? { logger } : {});
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!;
    const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!;
    return { ada, ben };
  }

  async function signedIn(identifier: string, password = DEMO_PASSWORD) {
    const client = new Client(t.app);
    await client.signIn(identifier, password);
    await client.reauth(password);
    return client;
  }

  async function exportReady(client: Client): Promise<{ id: string; zip: Buffer }> {
    const requested = await client.post('/api/account/exports');
    expect(requested.statusCode, requested.body).toBe(202);
    expect(requested.json()).toMatchObject({ state: 'preparing' });
    await drainJobs(t.ctx);
    const list = (await client.get('/api/account/exports')).json();
    expect(list.items[0]).toMatchObject({ id: requested.json().id, state: 'ready' });
    const download = await client.get(`/api/account/exports/${requested.json().id}/download`);
    expect(download.statusCode, download.body.slice(0, 200)).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(String(download.headers['content-disposition'])).toMatch(/^attachment; filename="data-export-\d{4}-\d\d-\d\d\.zip"$/);
    return { id: requested.json().id, zip: download.rawPayload };
  }

  it('exports every store row for row and value for value (a MySQL store too), signed, during grace', async () => {
    let mysqlUrls: Record<string, string> = {};
    let config: Record<string, unknown> = {};
    if (withMysql) {
      crm = await createMysqlDatabase();
      mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
      cpSync(DATAMAP_DIR, mapDir, { recursive: true });
      writeFileSync(join(mapDir, 'crmsql.yaml'), crmMapWithExport(crm.name));
      mysqlUrls = { crmsql: crm.url };
      config = { erasure: { datamapDir: mapDir, stores: { crmsql: { url: crm.url } } } };
    }
    const logs = captureLogs();
    const { ada, ben } = await start(config, logs.logger);
    if (crm) {
      const conn = await mysql.createConnection({ uri: crm.url });
      await seedCrm(conn, ada.id, ben.id);
      await conn.end();
    }
    const tag = randomTag();
    const { values, applicationId } = await giveBuyerEverything(t.ctx, ada.id, tag);
    await giveBuyerEverything(t.ctx, ben.id, randomTag());
    // In grace: the account is frozen, and the export is still allowed.
    await t.ctx.db.update(applications).set({ status: 'grace', graceEndsAt: new Date(Date.now() + 30 * 86_400_000) }).where(eq(applications.id, applicationId));
    await t.ctx.db.execute(sql`UPDATE users SET status = 'frozen' WHERE id = ${ada.id}`);
    await t.ctx.db.insert(shopBrowsingHistory).values({ id: newId('brw'), buyerId: ada.id, productName: '=HYPERLINK("http://evil.example","x")', viewedAt: new Date() });
    // A staff-only event stays out of the buyer's timeline and of the export.
    await t.ctx.db.execute(sql`INSERT INTO application_events (id, application_id, at, event) VALUES (${newId('evt')}, ${applicationId}, now(), 'first_approval')`);

    const client = await signedIn('ada@example.com');
    const { zip } = await exportReady(client);
    const files = await unzip(zip);

    // The signature verifies with the public JWKS; one changed byte of a file fails it.
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/adieu/certificate-keys' })).json();
    const verdict = await verifyExportBundle(files, jwks);
    expect(verdict).toMatchObject({ valid: true });
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as ExportManifest;
    expect(manifest.subject).toBe(await subjectOf(t.ctx, ada.id));
    const tampered = new Map(files);
    const ordersPath = 'stores/shop/shop.orders.csv';
    tampered.set(ordersPath, Buffer.concat([files.get(ordersPath)!, Buffer.from('x')]));
    expect(await verifyExportBundle(tampered, jwks)).toEqual({ valid: false, reason: `${ordersPath} was changed` });

    // Row for row, value for value, against what every store holds for Ada.
    const expected = await storeRows(t.ctx, { userId: ada.id, subjectId: ada.subjectId }, mysqlUrls);
    for (const [table, rows] of expected) {
      const json = JSON.parse(files.get(`${table.file}.json`)!.toString()) as unknown[];
      expect(json.map((r) => JSON.stringify(r)).sort(), table.table).toEqual(asOf(table.table, rows, manifest.generatedAt, json));
      expect(manifest.files.find((f) => f.path === `${table.file}.json`)?.rows, table.table).toBe(json.length);
      const csv = files.get(`${table.file}.csv`)!;
      expect(csv.subarray(0, 3).toString('hex'), 'UTF-8 BOM').toBe('efbbbf');
      expect(csv.toString('utf8').slice(1).split('\n')[0]).toBe(table.columns.map((c) => c.name).join(','));
    }
    const tables = [...expected.keys()].map((x) => x.table);
    expect(tables).toEqual(expect.arrayContaining(['public.users', 'shop.orders', 'public.application_messages']));
    const users = JSON.parse(files.get('stores/adieu/public.users.json')!.toString());
    expect(users).toEqual([expect.objectContaining({ email_enc: 'ada@example.com', phone_enc: '+8613800000001', display_name_enc: 'Ada Lovelace' })]);
    for (const secret of ['password_hash', 'totp_secret_enc', 'email_index', 'phone_index']) expect(users[0]).not.toHaveProperty(secret);
    expect(files.get('stores/adieu/public.recovery_codes.json')!.toString()).not.toContain('recovery-hash');
    expect(files.get('stores/adieu/public.sessions.json')!.toString()).not.toContain('token_hash');
    const events = JSON.parse(files.get('stores/adieu/public.application_events.json')!.toString()) as Array<{ event: string }>;
    expect(events.map((e) => e.event)).not.toContain('first_approval');
    // Values seeded for Ada are there (decrypted where sealed), and none of Ben's.
    const everything = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    for (const value of values.filter((v) => !v.includes('hash') && !v.startsWith('idem-key'))) expect(everything, value).toContain(value);
    expect(everything).not.toContain('ben@example.com');
    // CSV injection neutralised.
    expect(files.get('stores/shop/shop.browsing_history.csv')!.toString()).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    // The redacted identity document, as an image file, listed in the manifest.
    const documentPath = [...files.keys()].find((p) => p.startsWith('documents/id_front-'))!;
    expect(files.get(documentPath)!.toString()).toBe(`ID card of ${tag}`);
    expect(manifest.files.map((f) => f.path)).toContain(documentPath);
    if (crm) {
      const views = JSON.parse(files.get(`stores/crmsql/${crm.name}.page_views.json`)!.toString());
      expect(views).toHaveLength(ADA_VIEWS);
      expect(JSON.parse(files.get(`stores/crmsql/${crm.name}.customers.json`)!.toString())).toEqual([expect.objectContaining({ email: 'ada@example.com', full_name: 'Ada Lovelace' })]);
    }
    const readme = files.get('README.html')!.toString();
    expect(readme).toContain('<html lang="en" dir="ltr">');
    expect(readme).toContain('your email address');

    // The mail: localised, anti-phishing line, a link on publicUrl only.
    const mail = t.ctx.mailbox.list('ada@example.com').find((m) => m.subject === 'Your data export is ready');
    expect(mail).toBeDefined();
    expect(mail!.text).toContain('http://adieu.test/account#exports');
    expect(mail!.html).not.toMatch(/href="(?!http:\/\/adieu\.test\/)/);

    // Every request and download is audited; no buyer value reaches a log line.
    const audit = await t.ctx.db.execute(sql`SELECT action FROM audit_log WHERE action LIKE 'export.%' ORDER BY seq`);
    expect((audit as unknown as { rows: Array<{ action: string }> }).rows.map((r) => r.action)).toEqual(['export.requested', 'export.ready', 'export.downloaded']);
    const logText = logs.lines.join('');
    for (const value of [...values, 'ada@example.com', 'Ada Lovelace']) expect(logText, value).not.toContain(value);
  });

  it("exports the rows keyed by the platform's buyer id, and that id decrypted, none of another buyer's", async () => {
    // An issuer is configured, so the platform (through an admin) can name local buyers by its id.
    const { ada } = await start({ identity: { local: true, handoff: { issuer: 'https://platform.example', audience: 'adieu', jwksUrl: 'http://127.0.0.1:9/jwks.json' } } });
    const adaExternal = `plat-ada-${randomTag()}`;
    const benExternal = `plat-ben-${randomTag()}`;
    const admin = await signedIn('admin@example.com', 'demo-admin-1');
    for (const [identifier, externalId] of [
      ['ada@example.com', adaExternal],
      ['ben@example.com', benExternal],
    ]) {
      const linked = await admin.post('/api/admin/external-ids', { identifier, externalId });
      expect(linked.statusCode, linked.body).toBe(201);
    }
    await t.ctx.db.insert(platformLoyaltyMembers).values([
      { externalId: adaExternal, nickname: 'Ada Loyal', tier: 'gold', points: 120, joinedAt: new Date('2024-05-01T08:00:00Z') },
      { externalId: benExternal, nickname: 'Ben Loyal', tier: 'silver', points: 7, joinedAt: new Date('2024-06-01T08:00:00Z') },
    ]);

    const client = await signedIn('ada@example.com');
    const { zip } = await exportReady(client);
    const files = await unzip(zip);
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/adieu/certificate-keys' })).json();
    expect(await verifyExportBundle(files, jwks)).toMatchObject({ valid: true });

    // Exactly Ada's row of the platform's table (not Ben's, not the demo's row keyed 'ada').
    expect(JSON.parse(files.get('stores/platform/platform.loyalty_members.json')!.toString())).toEqual([
      { external_id: adaExternal, nickname: 'Ada Loyal', tier: 'gold', points: 120, joined_at: '2024-05-01T08:00:00.000Z' },
    ]);
    expect(files.get('stores/platform/platform.loyalty_members.csv')!.toString()).toContain(adaExternal);
    // The link itself, its sealed id opened with Ada's key.
    expect(JSON.parse(files.get('stores/adieu/public.external_identities.json')!.toString())).toEqual([
      expect.objectContaining({ user_id: ada.id, issuer: 'https://platform.example', external_id_enc: adaExternal, method: 'admin' }),
    ]);
    const everything = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    expect(everything).toContain(adaExternal);
    expect(everything).not.toContain(benExternal);
    expect(everything).not.toContain('Ben Loyal');

    // Every table row for row, the tables reached by the platform's id included.
    const manifest = JSON.parse(files.get('manifest.json')!.toString()) as ExportManifest;
    const expected = await storeRows(t.ctx, { userId: ada.id, subjectId: ada.subjectId, externalId: adaExternal });
    expect([...expected].find(([table]) => table.table === 'platform.loyalty_members')?.[1]).toHaveLength(1);
    for (const [table, rows] of expected) {
      const json = JSON.parse(files.get(`${table.file}.json`)!.toString()) as unknown[];
      expect(json.map((r) => JSON.stringify(r)).sort(), table.table).toEqual(asOf(table.table, rows, manifest.generatedAt, json));
    }
  });

  it('answers others 404, a stale step-up 403, an expired export 410, and leaves nothing readable on disk', async () => {
    const { ada } = await start({ export: { retainDays: 2 } });
    const tag = randomTag();
    const { values } = await giveBuyerEverything(t.ctx, ada.id, tag);
    await t.ctx.db.update(applications).set({ status: 'in_review' }).where(eq(applications.userId, ada.id));
    const client = await signedIn('ada@example.com');
    const { id } = await exportReady(client);
    const url = `/api/account/exports/${id}/download`;

    const ben = await signedIn('ben@example.com');
    expect((await ben.get(url)).json().error.code).toBe('EXPORT_NOT_FOUND');
    expect((await ben.get(url)).statusCode).toBe(404);
    const reviewer = await signedIn('reviewer@example.com', 'demo-reviewer-1');
    expect((await reviewer.get(url)).statusCode).toBe(404);
    const admin = await signedIn('admin@example.com', 'demo-admin-1');
    expect((await admin.get(url)).statusCode).toBe(404);
    expect((await new Client(t.app).get(url)).statusCode).toBe(401);

    // The export's encrypted files hold none of Ada's values in the clear.
    expect(filesContaining(exportDir(t.ctx, id), [...values, 'ada@example.com', 'Ada Lovelace'])).toEqual([]);

    await advance(t, 'PT11M');
    const stale = await client.get(url);
    expect([stale.statusCode, stale.json().error.code]).toEqual([403, 'REAUTH_REQUIRED']);
    expect((await client.post('/api/account/exports')).json().error.code).toBe('REAUTH_REQUIRED');

    await advance(t, 'P3D');
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    await client.reauth(DEMO_PASSWORD);
    const expired = await client.get(url);
    expect([expired.statusCode, expired.json().error.code]).toEqual([410, 'EXPORT_EXPIRED']);
    await drainJobs(t.ctx);
    expect((await client.get('/api/account/exports')).json().items[0].state).toBe('expired');
    expect(existsSync(exportDir(t.ctx, id))).toBe(false);
    expect((await client.get(url)).statusCode).toBe(410);
  });

  it('limits requests, refuses once erasure starts, and lets an admin start one that only the buyer receives', async () => {
    const { ada } = await start({ export: { dailyLimit: 2 } });
    const { applicationId } = await giveBuyerEverything(t.ctx, ada.id, randomTag());
    await t.ctx.db.update(applications).set({ status: 'grace', graceEndsAt: new Date(Date.now() + 30 * 86_400_000) }).where(eq(applications.id, applicationId));
    const client = await signedIn('ada@example.com');
    expect((await client.post('/api/account/exports')).statusCode).toBe(202);
    expect((await client.post('/api/account/exports')).json().error.code).toBe('EXPORT_IN_PROGRESS');
    await drainJobs(t.ctx);

    // The admin, for Ada: the mail goes to Ada, the admin cannot download it.
    const admin = await signedIn('admin@example.com', 'demo-admin-1');
    const byAdmin = await admin.post('/api/admin/exports', { userId: ada.id });
    expect(byAdmin.statusCode, byAdmin.body).toBe(202);
    expect((await client.post('/api/account/exports')).json().error.code).toBe('EXPORT_IN_PROGRESS');
    expect((await (await signedIn('ben@example.com')).post('/api/admin/exports', { userId: ada.id })).statusCode).toBe(403);
    await drainJobs(t.ctx);
    expect((await admin.get(`/api/account/exports/${byAdmin.json().id}/download`)).statusCode).toBe(404);
    expect(t.ctx.mailbox.list('admin@example.com').filter((m) => m.subject.includes('export'))).toEqual([]);
    expect(t.ctx.mailbox.list('ada@example.com').filter((m) => m.subject === 'Your data export is ready')).toHaveLength(2);
    expect((await client.get(`/api/account/exports/${byAdmin.json().id}/download`)).statusCode).toBe(200);

    const limited = await client.post('/api/account/exports');
    expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'RATE_LIMITED']);

    // Erasure starts: new exports are refused, and the ready ones are destroyed.
    const ids = (await t.ctx.db.select({ id: dataExports.id }).from(dataExports).where(eq(dataExports.userId, ada.id))).map((r) => r.id);
    await t.ctx.db.update(applications).set({ status: 'erasing' }).where(eq(applications.id, applicationId));
    const refused = await admin.post('/api/admin/exports', { userId: ada.id });
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'EXPORT_UNAVAILABLE']);
    await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    for (const id of ids) expect(existsSync(exportDir(t.ctx, id))).toBe(false);
  });

  it('resumes after a crash mid-way without a duplicate or missing row', async () => {
    const { ada } = await start();
    await giveBuyerEverything(t.ctx, ada.id, randomTag());
    await t.ctx.db.update(applications).set({ status: 'rejected' }).where(eq(applications.userId, ada.id));
    const client = await signedIn('ada@example.com');
    const id = (await client.post('/api/account/exports')).json().id as string;
    // The job gets through three tables, then the process "dies" half-way through the fourth:
    // its files are torn temporary files, never recorded as done.
    expect(await buildExport(t.ctx, id, { partBudget: 3 })).toBe('continued');
    const [row] = await t.ctx.db.select().from(dataExports).where(eq(dataExports.id, id));
    expect(row.parts).toHaveLength(6);
    writeFileSync(join(exportDir(t.ctx, id), 'part-torn.tmp'), 'half a part');
    await drainJobs(t.ctx);
    const download = await client.get(`/api/account/exports/${id}/download`);
    expect(download.statusCode).toBe(200);
    const files = await unzip(download.rawPayload);
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/adieu/certificate-keys' })).json();
    expect(await verifyExportBundle(files, jwks)).toMatchObject({ valid: true });
    const expected = await storeRows(t.ctx, { userId: ada.id, subjectId: ada.subjectId });
    const generatedAt = (JSON.parse(files.get('manifest.json')!.toString()) as ExportManifest).generatedAt;
    for (const [table, rows] of expected) {
      const json = JSON.parse(files.get(`${table.file}.json`)!.toString()) as unknown[];
      expect(json.map((r) => JSON.stringify(r)).sort(), table.table).toEqual(asOf(table.table, rows, generatedAt, json));
    }
    const [after] = await t.ctx.db.select().from(dataExports).where(eq(dataExports.id, id));
    expect(after.attempts).toBe(2);
  });
});
