import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { TMP_ROOT } from '../helpers/global-setup.ts';
import { queryRows } from '../../src/db/sql.ts';
import { openForUser } from '../../src/accounts/user-crypto.ts';
import { seedMarketplace, SYNTHETIC_PASSWORD } from '../../src/shop/synthetic/seed-marketplace.ts';
import { checkEligibility } from '../../src/eligibility/check-eligibility.ts';

const TABLES = [
  'public.users',
  'shop.shipping_addresses',
  'shop.orders',
  'shop.order_items',
  'shop.payments',
  'shop.disputes',
  'shop.refunds',
  'shop.wallets',
  'shop.coupons',
  'shop.points_balances',
  'shop.subscriptions',
  'shop.product_reviews',
  'shop.seller_messages',
  'shop.browsing_history',
];

/** A fingerprint of the marketplace that ignores random ids and ciphertexts. */
async function fingerprint(t: TestApp) {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await queryRows<{ n: number }>(t.ctx.db, sql.raw(`SELECT count(*)::int AS n FROM ${table}`));
    counts[table] = row.n;
  }
  const statuses = await queryRows(t.ctx.db, sql`SELECT status, count(*)::int AS n, sum(total_minor)::bigint AS total FROM shop.orders GROUP BY status ORDER BY status`);
  const perBuyer = await queryRows(
    t.ctx.db,
    sql`SELECT u.locale, count(o.id)::int AS orders FROM users u LEFT JOIN shop.orders o ON o.buyer_id = u.id GROUP BY u.id, u.locale ORDER BY orders, u.locale`,
  );
  const products = await queryRows(t.ctx.db, sql`SELECT product_name, sum(qty)::int AS qty FROM shop.order_items GROUP BY product_name ORDER BY product_name LIMIT 20`);
  return { counts, statuses: statuses.map((r) => ({ ...r, total: Number(r.total) })), perBuyer, products };
}

describe.each(DATABASE_KINDS)('synthetic marketplace (%s)', (kind) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  const fresh = async () => {
    const t = await createTestApp(kind);
    apps.push(t);
    return t;
  };

  it('is the same marketplace every time with the same seed', async () => {
    const first = await fresh();
    const progress: number[] = [];
    const summary = await seedMarketplace(first.ctx, { buyers: 50, seed: 7, batchSize: 20, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([20, 40, 50]);
    const a = await fingerprint(first);
    expect(a.counts['public.users']).toBe(50);
    expect(summary.rows.orders).toBe(a.counts['shop.orders']);
    expect(summary.rows.items).toBe(a.counts['shop.order_items']);
    expect(a.counts['shop.orders']).toBeGreaterThan(50);

    const second = await fresh();
    await seedMarketplace(second.ctx, { buyers: 50, seed: 7, batchSize: 50 });
    expect(await fingerprint(second)).toEqual(a);

    // Another seed, another marketplace.
    const third = await fresh();
    await seedMarketplace(third.ctx, { buyers: 50, seed: 8 });
    expect((await fingerprint(third)).statuses).not.toEqual(a.statuses);
  });

  it('creates real accounts: encrypted identifiers, one shared password, eligibility answers for each buyer', async () => {
    const t = await fresh();
    await seedMarketplace(t.ctx, { buyers: 30, seed: 3 });
    const rows = await queryRows<{ id: string; email_enc: string; email_index: string; display_name_enc: string }>(
      t.ctx.db,
      sql`SELECT id, email_enc, email_index, display_name_enc FROM users ORDER BY created_at LIMIT 1`,
    );
    const email = await openForUser(t.ctx, rows[0].id, 'email', rows[0].email_enc);
    expect(email).toMatch(/@seed\.example\.com$/);
    expect(rows[0].email_enc).not.toContain('@');
    expect(await openForUser(t.ctx, rows[0].id, 'displayName', rows[0].display_name_enc)).toBeTruthy();
    const login = await new Client(t.app).post('/api/auth/login', { identifier: email, password: SYNTHETIC_PASSWORD });
    expect(login.statusCode).toBe(200);

    const buyers = await queryRows<{ id: string }>(t.ctx.db, sql`SELECT id FROM users`);
    const reports = await Promise.all(buyers.map((b) => checkEligibility(t.ctx, t.ctx.db, b.id)));
    expect(reports.some((r) => r.eligible)).toBe(true);
    for (const report of reports) expect(report.eligible).toBe(report.blockers.length === 0);

    // A second run into the same database is refused before writing anything.
    await expect(seedMarketplace(t.ctx, { buyers: 30, seed: 3 })).rejects.toThrow(/already holds/);
    expect((await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM users`))[0].n).toBe(30);
  });

  it('gives a heavy buyer tens of thousands of orders, and their eligibility is still one aggregate', async () => {
    const t = await fresh();
    const summary = await seedMarketplace(t.ctx, { buyers: 3, seed: 11, heavyBuyers: 1 });
    expect(summary.heavyBuyers).toBe(1);
    const [heavy] = await queryRows<{ buyer_id: string; n: number; pending: number }>(
      t.ctx.db,
      sql`SELECT buyer_id, count(*)::int AS n, (count(*) FILTER (WHERE status IN ('awaiting_payment', 'awaiting_shipment', 'shipped')))::int AS pending
          FROM shop.orders GROUP BY buyer_id ORDER BY n DESC LIMIT 1`,
    );
    expect(heavy.n).toBeGreaterThanOrEqual(10_000);
    const report = await checkEligibility(t.ctx, t.ctx.db, heavy.buyer_id, 'en');
    const pending = report.blockers.find((b) => b.code === 'PENDING_ORDERS');
    expect(pending?.count ?? 0).toBe(heavy.pending);
  });
});

describe('adieu seed (command line)', () => {
  it('seeds through the CLI with plain progress lines when not on a terminal, and validates its options', () => {
    const dataDir = mkdtempSync(join(TMP_ROOT, 'seed-cli-'));
    try {
      const env = { ...process.env, ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', ADIEU_CONFIG: '' };
      const run = spawnSync(process.execPath, ['bin/adieu.js', 'seed', '--buyers', '12', '--seed', '5'], { env, encoding: 'utf8', timeout: 120_000 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('seeded 12/12 buyers');
      expect(run.stdout).toMatch(/seeded 12 buyers \(0 heavy\) into the embedded database/);
      expect(run.stdout).toContain(SYNTHETIC_PASSWORD);
      const bad = spawnSync(process.execPath, ['bin/adieu.js', 'seed', '--buyers', 'many'], { env, encoding: 'utf8', timeout: 60_000 });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('--buyers');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
