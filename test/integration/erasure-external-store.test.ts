import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TMP_ROOT, withDatabase } from '../helpers/global-setup.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { closeStoreConnections } from '../../src/erasure/store-connection.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

const BASE_URL = process.env.TEST_DATABASE_URL;

const CRM_MAP = `store: crm
title: "The platform's CRM, in its own PostgreSQL"
database: { config: crm }
tables:
  crm.contacts:
    rows: update
    reach: { column: user_ref, identity: user_id }
    columns:
      id: non_personal
      user_ref: { action: keep_pseudonymous, note: "Adieu's user id (the tombstone)" }
      email: { action: set_null, identifier: email, category: user.contact.email }
      notes: { action: set_null, identifier: free_text }
  crm.visits:
    rows: delete
    reach: { column: user_ref, identity: user_id }
    columns:
      user_ref: delete_row
      page: { action: delete_row, category: user.behavior.browsing_history }
  crm.tickets:
    rows: retain
    reach: { column: contact_id, references: crm.contacts.id }
    retain: { legalBasis: "Consumer complaints kept 3 years (consumer protection law)", period: P3Y, from: opened_at }
    columns:
      id: non_personal
      contact_id: { action: keep_pseudonymous, note: "the contact's id" }
      subject_line: { action: set_null, identifier: free_text }
      opened_at: non_personal
`;

/** The SQL connector against a database that is not Adieu's: a platform's own PostgreSQL. */
describe.skipIf(!BASE_URL)('erasure in an external store (postgres)', () => {
  let t: TestApp;
  let crmName: string;
  let crmUrl: string;
  let mapDir: string;
  beforeEach(async () => {
    crmName = `adieu_tcrm${randomBytes(3).toString('hex')}_${process.ppid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${crmName}`);
    await admin.end();
    crmUrl = withDatabase(BASE_URL!, crmName);
    mapDir = mkdtempSync(join(TMP_ROOT, 'map-'));
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    writeFileSync(join(mapDir, 'crm.yaml'), CRM_MAP);
    t = await createTestApp('postgres', { erasure: { datamapDir: mapDir, stores: { crm: { url: crmUrl } } } });
  });
  afterEach(async () => {
    await t.close();
    await closeStoreConnections();
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${crmName} WITH (FORCE)`);
    await admin.end();
    rmSync(mapDir, { recursive: true, force: true });
  });

  it('erases there with the same set-based steps, records each once, and scans it too', async () => {
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
    const ben = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ben@example.com' }))!.id;
    const crm = new pg.Client({ connectionString: crmUrl });
    await crm.connect();
    try {
      await crm.query(`CREATE SCHEMA crm;
        CREATE TABLE crm.contacts (id text PRIMARY KEY, user_ref text NOT NULL, email text, notes text);
        CREATE TABLE crm.tickets (id text PRIMARY KEY, contact_id text NOT NULL, subject_line text, opened_at timestamptz NOT NULL);
        CREATE TABLE crm.visits (user_ref text NOT NULL, page text NOT NULL)`);
      await crm.query(`INSERT INTO crm.visits VALUES ($1, '/pricing'), ($1, '/help'), ($2, '/pricing')`, [ada, ben]);
      await crm.query(`INSERT INTO crm.contacts VALUES ('c1', $1, 'ada@example.com', 'VIP since 2020'), ('c2', $2, 'ben@example.com', 'prefers phone')`, [ada, ben]);
      await crm.query(`INSERT INTO crm.tickets VALUES ('t1', 'c1', 'Ada Lovelace cannot log in', now() - interval '10 days'), ('t2', 'c2', 'Ben asks about rice', now())`);
      const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
      const runId = await beginErasure(t.ctx, applicationId);
      await drainJobs(t.ctx);

      const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
      expect(run.failureReason).toBeNull();
      expect(run.state).toBe('completed');
      expect((await crm.query('SELECT id, email, notes FROM crm.contacts ORDER BY id')).rows).toEqual([
        { id: 'c1', email: null, notes: null },
        { id: 'c2', email: 'ben@example.com', notes: 'prefers phone' },
      ]);
      expect((await crm.query('SELECT user_ref FROM crm.visits')).rows).toEqual([{ user_ref: ben }]);
      expect((await crm.query('SELECT id, subject_line FROM crm.tickets ORDER BY id')).rows).toEqual([
        { id: 't1', subject_line: null },
        { id: 't2', subject_line: 'Ben asks about rice' },
      ]);
      // Each external step left its marker in the store, in the same transaction as its effect.
      const markers = (await crm.query('SELECT seq, rows FROM adieu_erasure_markers WHERE run_id = $1 ORDER BY seq', [runId])).rows;
      const crmSteps = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId)))
        .filter((s) => s.spec.kind === 'sql' && s.spec.store === 'crm')
        .sort((a, b) => a.seq - b.seq);
      expect(markers.map((m) => Number(m.seq))).toEqual(crmSteps.map((s) => s.seq));
      expect(crmSteps.map((s) => [s.spec.kind === 'sql' && s.spec.table, s.rows])).toEqual([
        ['crm.tickets', 1],
        ['crm.contacts', 1],
        ['crm.visits', 2],
      ]);
      // The verification scan covered the external tables too (all mapped tables, plus the two job tables).
      const verify = (await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId))).find((s) => s.spec.kind === 'verify')!;
      const mapped = (await import('../../src/erasure/datamap.ts')).dataMap(t.ctx.config).stores.reduce((n, s) => n + Object.keys(s.tables).length, 0);
      expect(verify.result).toMatchObject({ tables: mapped + 2, hits: 0 });
      const certificate = (await t.app.inject({ url: `/api/certificates/${run.certificateId}` })).json();
      expect(certificate.payload.stores.map((s: { store: string }) => s.store)).toContain('crm');
      expect(certificate.payload.retained).toContainEqual(expect.objectContaining({ store: 'crm', table: 'crm.tickets', rows: 1 }));
    } finally {
      await crm.end();
    }
  });
});
