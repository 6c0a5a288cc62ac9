import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestApp, Client, DEMO_PASSWORD, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { dataExports } from '../../src/export/export.tables.ts';
import { buildExport } from '../../src/export/build-export.ts';
import { queryRows } from '../../src/db/sql.ts';

const MB = 1024 * 1024;
const ORDERS = 100_000;
/**
 * RSS growth allowed while exporting 100k orders and 100k order items (~57 MB of JSON and CSV;
 * measured: ~35 MB growth on the embedded database, ~100 MB on PostgreSQL, most of it garbage the
 * collector has not yet reclaimed). A build that held the rows as objects and the files or the ZIP
 * in memory would need the 57 MB of files plus several times that in row objects; a streaming one
 * holds one batch of 1,000 rows and a few buffers, whatever the buyer's size.
 */
const GROWTH_BOUND = 150 * MB;

describe.each(DATABASE_KINDS)('data export memory (%s)', (kind) => {
  let t: TestApp;
  afterEach(() => t.close());

  it(`streams a buyer with ${ORDERS} orders with RSS growth under ${GROWTH_BOUND / MB} MB`, async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
    const ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!;
    const [{ n: before }] = await queryRows<{ n: number }>(t.ctx.db, sql`SELECT count(*)::int AS n FROM shop.orders WHERE buyer_id = ${ada.id}`);
    // Set-based seeding: one statement per table.
    await t.ctx.db.execute(sql`INSERT INTO shop.orders (id, buyer_id, status, total_minor, currency, placed_at, completed_at, updated_at)
      SELECT 'ord_bulk' || g, ${ada.id}, 'completed', g * 7, 'CNY', now() - g * interval '1 minute', now(), now() FROM generate_series(1, ${ORDERS}) g`);
    await t.ctx.db.execute(sql`INSERT INTO shop.order_items (id, order_id, product_name, qty, price_minor)
      SELECT 'itm_bulk' || g, 'ord_bulk' || g, 'Widget number ' || g || ' 小部件', 1, g * 7 FROM generate_series(1, ${ORDERS}) g`);
    const client = new Client(t.app);
    await client.signIn('ada@example.com', DEMO_PASSWORD);
    await client.reauth(DEMO_PASSWORD);
    const id = (await client.post('/api/account/exports')).json().id as string;

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      expect(await buildExport(t.ctx, id)).toBe('ready');
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const [row] = await t.ctx.db.select().from(dataExports).where(eq(dataExports.id, id));
    const orders = row.parts.find((p) => p.path === 'stores/shop/shop.orders.json')!;
    expect(orders.rows).toBe(ORDERS + before);
    expect(row.parts.find((p) => p.path === 'stores/shop/shop.order_items.csv')!.rows).toBeGreaterThanOrEqual(ORDERS);
    // The files are far larger than the allowance: holding them would not fit under it.
    const written = row.parts.reduce((n, p) => n + p.bytes, 0);
    expect(written).toBeGreaterThan(GROWTH_BOUND / 3);
    expect(peak - baseline, `peak RSS growth ${Math.round((peak - baseline) / MB)} MB for ${Math.round(written / MB)} MB of files`).toBeLessThan(GROWTH_BOUND);
  });
});
