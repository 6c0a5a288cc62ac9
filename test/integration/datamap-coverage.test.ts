import { exportDecisionProblems, planExport } from '../../src/domain/export-datamap.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { queryRows } from '../../src/db/sql.ts';
import { DATAMAP_DIR, readDataMap, DataMapError } from '../../src/erasure/datamap.ts';
import { dataMapCoverage } from '../../src/domain/erasure-datamap-coverage.ts';

const run = promisify(execFile);

describe.each(DATABASE_KINDS)('the data map covers the live schema (%s)', (kind) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp(kind);
  });
  afterEach(() => t.close());

  it('maps or declares non-personal every column of the schemas public, shop and platform, and nothing that is not there', async () => {
    const live = await queryRows<{ t: string; c: string; type: string }>(
      t.ctx.db,
      sql`SELECT c.table_schema || '.' || c.table_name AS t, c.column_name AS c, c.data_type AS type
          FROM information_schema.columns c
          JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
          WHERE c.table_schema IN ('public', 'shop', 'platform') ORDER BY 1, 2`,
    );
    expect(live.length).toBeGreaterThan(100);
    const map = readDataMap();
    const mapped = new Map<string, Record<string, { action: string }>>();
    for (const store of map.stores) for (const [table, spec] of Object.entries(store.tables)) mapped.set(table, spec.columns);

    // The same comparison `adieu doctor` makes for every store.
    const { unmapped, stale } = dataMapCoverage(Object.assign({}, ...map.stores.map((s) => s.tables)), live.map((col) => ({ table: col.t, column: col.c })));
    expect(unmapped, 'columns neither mapped nor declared non-personal: add them to datamap/*.yaml').toEqual([]);
    expect(stale, 'mapped columns that the database does not have').toEqual([]);

    // Pseudonyms are hex text: only text columns can hold them.
    const types = new Map(live.map((col) => [`${col.t}.${col.c}`, col.type]));
    const pseudonymised = [...mapped].flatMap(([table, columns]) => Object.entries(columns).filter(([, c]) => c.action === 'pseudonymise').map(([c]) => `${table}.${c}`));
    for (const column of pseudonymised) expect(['text', 'character varying']).toContain(types.get(column));
  });
});

describe('a bad data map', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(TMP_ROOT, 'datamap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused with one line naming the file and the key', () => {
    const good = readFileSync(join(DATAMAP_DIR, 'shop.yaml'), 'utf8');
    writeFileSync(join(dir, 'shop.yaml'), good.replace('code: { action: pseudonymise', 'code: { action: scramble'));
    expect(() => readDataMap(dir)).toThrow(DataMapError);
    expect(() => readDataMap(dir)).toThrow(/^data map shop\.yaml: tables\.shop\.coupons\.columns\.code/);
  });

  it('is refused when a reach column would be erased from kept rows, or a reference is unknown', () => {
    writeFileSync(join(dir, 'adieu.yaml'), readFileSync(join(DATAMAP_DIR, 'adieu.yaml'), 'utf8'));
    const good = readFileSync(join(DATAMAP_DIR, 'shop.yaml'), 'utf8');
    writeFileSync(join(dir, 'shop.yaml'), good.replace(`buyer_id: { action: keep_pseudonymous, note: "the tombstone's id", export: include }\n      status: non_personal\n      total_minor`, 'buyer_id: set_null\n      status: non_personal\n      total_minor'));
    expect(() => readDataMap(dir)).toThrow(/shop\.orders\.buyer_id: the reach column of kept rows must stay/);
    writeFileSync(join(dir, 'shop.yaml'), good.replace('reach: { column: order_id, references: shop.orders.id }', 'reach: { column: order_id, references: shop.nowhere.id }'));
    expect(() => readDataMap(dir)).toThrow(/reach references unknown table shop\.nowhere/);
  });

  it('stops start-up with one clear line', async () => {
    writeFileSync(join(dir, 'broken.yaml'), 'store: broken\ndatabase: adieu\ntables: [1, 2\n');
    const dataDir = mkdtempSync(join(TMP_ROOT, 'data-'));
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ erasure: { datamapDir: dir }, log: { level: 'silent' } }));
    const failure = await run('node', ['bin/adieu.js', 'migrate'], { env: { ...process.env, ADIEU_CONFIG: config, ADIEU_DATA_DIR: dataDir, DATABASE_URL: '' } }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    rmSync(dataDir, { recursive: true, force: true });
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toMatch(/^adieu: data map broken\.yaml: not valid YAML/);
  }, 120_000);
});

describe('export decisions of the shipped data map', () => {
  it('the shipped data map decides every personal column, and lets no secret out', () => {
    const shipped = readDataMap(DATAMAP_DIR);
    expect(exportDecisionProblems(shipped)).toEqual([]);
    const columns = new Set(planExport(shipped).flatMap((t) => t.columns.map((c) => `${t.table}.${c.name}`)));
    for (const secret of ['public.users.password_hash', 'public.users.totp_secret_enc', 'public.users.email_index', 'public.users.phone_index', 'public.recovery_codes.code_hash', 'public.sessions.token_hash', 'public.documents.wrapped_key', 'public.password_resets.token_enc', 'public.external_identities.subject_index', 'public.applications.decided_by', 'public.application_messages.author_id', 'public.audit_log.actor']) {
      expect(columns.has(secret), secret).toBe(false);
    }
    expect(columns.has('public.users.email_enc')).toBe(true);
  });
});
