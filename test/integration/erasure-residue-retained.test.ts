import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { TestApp } from '../helpers/test-app.ts';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { erasureRuns, erasureSteps } from '../../src/erasure/erasure.tables.ts';
import { retryFailedRun } from '../../src/erasure/admin-actions.ts';
import { shopOrders } from '../../src/shop/shop.tables.ts';
import { beginErasure, demoAppWithAda, drainJobs, giveBuyerEverything, randomTag } from './erasure-fixtures.ts';

/**
 * The tables the erasure leaves as they are (the retained orders, their items and payments) are
 * read once, by the steps that count their rows, right before the verification, which takes those
 * readings: a copy of the buyer's email or phone planted in one must fail the run, whether it was
 * there before the run or written while it ran. A table whose reading let a row through (it may
 * hold one), or whose reading is older than a minute, is read again by the verification. A weak
 * value (an address line) counts only in the columns the erasure changes: a retained column that
 * also holds it is retained data, and a column the erasure should have changed but did not is
 * caught all the same.
 */
describe.each(DATABASE_KINDS)('residue in tables the erasure leaves unchanged (%s)', (kind) => {
  let t: TestApp;
  let ada: string;
  beforeEach(async () => {
    ({ t, ada } = await demoAppWithAda(kind));
  });
  afterEach(() => t.close());

  async function run(applicationId: string): Promise<{ state: string; failureReason: string | null; runId: string }> {
    const runId = await beginErasure(t.ctx, applicationId);
    await drainJobs(t.ctx);
    const [row] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    return { state: row.state, failureReason: row.failureReason, runId };
  }
  const erase = async () => run((await giveBuyerEverything(t.ctx, ada, randomTag())).applicationId);
  /** Ada's data, and the first line of one of her few addresses (all of them are sampled). */
  async function withAddressLine(): Promise<{ applicationId: string; line1: string }> {
    const { applicationId, values } = await giveBuyerEverything(t.ctx, ada, randomTag());
    return { applicationId, line1: values.find((v) => v.includes('Fixture Street'))! };
  }

  /** Runs `statement` in the transaction in which `prepare` seals the run's secrets: right after its scan. */
  async function afterPrepare(statement: string): Promise<void> {
    await t.ctx.database.executeSql(
      `CREATE FUNCTION plant_residue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${statement}; RETURN NEW; END $$;
       CREATE TRIGGER plant AFTER UPDATE OF secrets_enc ON erasure_runs FOR EACH ROW
         WHEN (OLD.secrets_enc IS NULL AND NEW.secrets_enc IS NOT NULL) EXECUTE FUNCTION plant_residue();`,
    );
  }
  const adasItemsNow = (set: string) => t.ctx.database.executeSql(adasItems(set));
  const adasItems = (set: string) => `UPDATE shop.order_items SET ${set} WHERE order_id IN (SELECT id FROM shop.orders WHERE buyer_id = '${ada}')`;

  /** The steps of a run, in order, with their table (sql) and what they recorded. */
  async function stepsOfRun(runId: string): Promise<Array<{ kind: string; table?: string; rows: number | null; result: Record<string, unknown> | null }>> {
    const rows = await t.ctx.db.select().from(erasureSteps).where(eq(erasureSteps.runId, runId)).orderBy(erasureSteps.seq);
    return rows.map((r) => ({ kind: r.spec.kind, table: (r.spec as { table?: string }).table, rows: r.rows, result: r.result }));
  }

  it('completes a clean run, having read the unchanged tables', async () => {
    const { state, runId } = await erase();
    expect(state).toBe('completed');
    const steps = await stepsOfRun(runId);
    const verify = steps.find((s) => s.kind === 'verify')!;
    expect(verify.result).toMatchObject({ hits: 0 });
    expect((verify.result as { tables: number }).tables).toBeGreaterThanOrEqual(20);
    // The steps that only count kept rows come right before the verification, and read them for it.
    const beforeVerify = steps.slice(0, steps.indexOf(verify)).reverse();
    const kept = beforeVerify.slice(0, beforeVerify.findIndex((s) => s.kind !== 'sql' || !s.result?.reading));
    expect(kept.map((s) => s.table)).toEqual(expect.arrayContaining(['shop.orders', 'shop.order_items', 'shop.payments']));
    for (const step of kept) expect(step.result?.reading).toMatchObject({ columns: expect.any(Number), suspects: 0 });
    expect(kept.find((s) => s.table === 'shop.order_items')!.rows).toBeGreaterThan(0);
    expect(steps.filter((s) => s.result?.reading).length).toBe(kept.length);
  });

  it("fails on an email its step's reading let through, and completes once it is removed and the run retried", async () => {
    await adasItemsNow(`product_name = 'Gift for ADA@example.com'`);
    const { state, failureReason, runId } = await erase();
    expect(state).toBe('failed');
    const items = (await stepsOfRun(runId)).find((s) => s.table === 'shop.order_items')!;
    const { suspects } = items.result?.reading as { suspects: number };
    expect(suspects).toBeGreaterThan(1);
    // The verification read the suspects exactly, and said which identifier and in how many rows.
    expect(failureReason).toContain(`email in shop:shop.order_items (${suspects} rows)`);

    // The reading let the copy through: the verification of the retried run reads the table itself.
    await adasItemsNow(`product_name = 'Gift'`);
    await retryFailedRun(t.ctx, runId, { subjectId: 'sub_admin' });
    await drainJobs(t.ctx);
    const [again] = await t.ctx.db.select().from(erasureRuns).where(eq(erasureRuns.id, runId));
    expect(again.state).toBe('completed');
  });

  it("completes when the rows its step's reading let through hold someone else's email, read exactly by the verification", async () => {
    // `ada@example.com` and `gift@shop.example` share the characters that lower-casing keeps (`@`, `.`).
    await adasItemsNow(`product_name = 'Gift wrapped by gift@shop.example'`);
    const { state, runId } = await erase();
    expect(state).toBe('completed');
    const steps = await stepsOfRun(runId);
    expect((steps.find((s) => s.table === 'shop.order_items')!.result?.reading as { suspects: number }).suspects).toBeGreaterThan(1);
    expect(steps.find((s) => s.kind === 'verify')!.result).toMatchObject({ hits: 0 });
  });

  it('reads a kept table again when its reading is older than a minute', async () => {
    // When the payments' step is marked done: its reading (clean) is dated two minutes back, and
    // Ada's phone lands in those rows, after the reading and before the verification.
    await t.ctx.database.executeSql(
      `CREATE FUNCTION stale_reading() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
         NEW.done_at := NEW.done_at - interval '2 minutes';
         UPDATE shop.payments SET method = 'call 138 0000 0001' WHERE buyer_id = '${ada}';
         RETURN NEW; END $$;
       CREATE TRIGGER stale_reading BEFORE UPDATE ON erasure_steps FOR EACH ROW
         WHEN (NEW.state = 'done' AND OLD.state = 'pending' AND NEW.spec->>'table' = 'shop.payments') EXECUTE FUNCTION stale_reading();`,
    );
    const { state, failureReason, runId } = await erase();
    expect((await stepsOfRun(runId)).find((s) => s.table === 'shop.payments')!.result?.reading).toMatchObject({ suspects: 0 });
    expect(state).toBe('failed');
    expect(failureReason).toContain('phone in shop:shop.payments');
  });

  it('takes a weak value that a retained column also holds for retained data, not a leftover', async () => {
    const { applicationId, line1 } = await withAddressLine();
    await t.ctx.database.executeSql(adasItems(`product_name = 'Engraving: ${line1}'`));
    const { state } = await run(applicationId);
    expect(state).toBe('completed');
  });

  it('still finds that weak value left in a column the erasure should have changed', async () => {
    const { applicationId, line1 } = await withAddressLine();
    await t.ctx.database.executeSql(adasItems(`product_name = 'Engraving: ${line1}'`));
    // A fault: that address's first line (only that one) survives the erasure's update.
    await t.ctx.database.executeSql(
      `CREATE FUNCTION keep_line1() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.line1 = '${line1}' THEN NEW.line1 := OLD.line1; END IF; RETURN NEW; END $$;
       CREATE TRIGGER keep_line1 BEFORE UPDATE ON shop.shipping_addresses FOR EACH ROW EXECUTE FUNCTION keep_line1();`,
    );
    const { state, failureReason } = await run(applicationId);
    expect(state).toBe('failed');
    expect(failureReason).toContain('in shop:shop.shipping_addresses');
    expect(failureReason).not.toContain(line1);
  });

  it('reads what is left of the subject in a table whose rows the erasure deletes', async () => {
    // A fault: Ada's reviews that quote her email survive the erasure's delete.
    await t.ctx.database.executeSql(
      `UPDATE shop.product_reviews SET body = 'write to ada@example.com' WHERE buyer_id = '${ada}';
       CREATE FUNCTION keep_review() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF OLD.body LIKE '%ada@%' THEN RETURN NULL; END IF; RETURN OLD; END $$;
       CREATE TRIGGER keep_review BEFORE DELETE ON shop.product_reviews FOR EACH ROW EXECUTE FUNCTION keep_review();`,
    );
    const { state, failureReason } = await erase();
    expect(state).toBe('failed');
    expect(failureReason).toMatch(/email in shop:shop\.product_reviews \(\d+ rows?\)/);
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
