import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { seedDemo } from '../../src/demo/seed-demo.ts';
import { findUserByIdentifier } from '../../src/accounts/users.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { shopOrders } from '../../src/shop/shop.tables.ts';
import { beginErasure, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

/**
 * The verification carries forward what `prepare` found in the tables the erasure leaves as they
 * are (the retained orders, their items and payments), instead of reading them again. A copy of the
 * buyer's email or phone planted in such a table must still fail the run: before `prepare` (its scan
 * finds it), and after (the table's fingerprint changed, so the verification reads it again).
 */
describe.each(DATABASE_KINDS)('residue in tables the erasure leaves unchanged (%s)', (kind) => {
  let t: TestApp;
  let ada: string;
  beforeEach(async () => {
    t = await createTestApp(kind);
    await seedDemo(t.ctx);
    ada = (await findUserByIdentifier(t.ctx, { kind: 'email', value: 'ada@example.com' }))!.id;
  });
  afterEach(() => t.close());

  async function erase(): Promise<{ state: string; failureReason: string | null; runId: string }> {
    const { applicationId } = await giveBuyerEverything(t.ctx, ada, randomTag());
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [run] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    return { state: run.state, failureReason: run.failureReason, runId };
  }

  /** Runs `statement` in the transaction in which `prepare` seals the run's secrets: right after its scan. */
  async function afterPrepare(statement: string): Promise<void> {
    await t.ctx.database.executeSql(
      `CREATE FUNCTION plant_residue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${statement}; RETURN NEW; END $$;
       CREATE TRIGGER plant AFTER UPDATE OF secrets_enc ON erasure_runs FOR EACH ROW
         WHEN (OLD.secrets_enc IS NULL AND NEW.secrets_enc IS NOT NULL) EXECUTE FUNCTION plant_residue();`,
    );
  }
  const adasItems = (set: string) => `UPDATE shop.order_items SET ${set} WHERE order_id IN (SELECT id FROM shop.orders WHERE buyer_id = '${ada}')`;

  it('carries the unchanged tables forward on a clean run', async () => {
    const { state, runId } = await erase();
    expect(state).toBe('completed');
    const [verify] = await t.ctx.db.select().from(erasureSteps).where(and(eq(erasureSteps.runId, runId), sql`${erasureSteps.spec}->>'kind' = 'verify'`));
    // Orders, items and payments at least: without this the tests below would prove nothing new.
    expect((verify.result as { carriedTables: number }).carriedTables).toBeGreaterThanOrEqual(3);
  });

  it('fails on an email planted in an unchanged table before prepare', async () => {
    const [order] = await t.ctx.db.select().from(shopOrders).where(eq(shopOrders.buyerId, ada)).limit(1);
    await t.ctx.db.insert(shopOrders).values({ ...order, id: 'ord-gift-ada@example.com' });
    const { state, failureReason } = await erase();
    expect(state).toBe('failed');
    expect(failureReason).toContain('email in shop:shop.orders');
    expect(failureReason).not.toContain('ada@example.com');
  });

  it('fails on an email planted in an unchanged table after prepare', async () => {
    await afterPrepare(adasItems(`product_name = 'Gift for ADA@example.com'`));
    const { state, failureReason } = await erase();
    expect(state).toBe('failed');
    expect(failureReason).toContain('email in shop:shop.order_items');
  });

  it('fails on a phone written with separators, planted after prepare', async () => {
    await afterPrepare(`UPDATE shop.payments SET method = 'call +86 138-0000 0001' WHERE buyer_id = '${ada}'`);
    const { state, failureReason } = await erase();
    expect(state).toBe('failed');
    expect(failureReason).toContain('phone in shop:shop.payments');
  });

  it('fails on a phone planted before prepare in a new row of an unchanged table', async () => {
    await t.ctx.database.executeSql(
      `INSERT INTO shop.order_items (id, order_id, product_name, qty, price_minor)
       SELECT 'itm_planted', id, '(138) 0000.0001', 1, 1 FROM shop.orders WHERE buyer_id = '${ada}' LIMIT 1`,
    );
    const { state, failureReason } = await erase();
    expect(state).toBe('failed');
    expect(failureReason).toContain('phone in shop:shop.order_items');
  });
});
