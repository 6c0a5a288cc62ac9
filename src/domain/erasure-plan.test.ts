import { describe, expect, it } from 'vitest';
import { checkDataMap, storeSchema, type DataMap } from './erasure-datamap.ts';
import { changesNothing, orderTables, planErasure, reachPath, survivingColumns } from './erasure-plan.ts';
import { buildCountSql, buildPurgeSql, buildStepSql } from './erasure-sql.ts';

const store = storeSchema.parse({
  store: 'test',
  database: 'adieu',
  tables: {
    'public.users': {
      rows: 'update',
      reach: { column: 'id', identity: 'user_id' },
      columns: { id: { action: 'keep_pseudonymous', note: 'tombstone' }, email: { action: 'set_null', identifier: 'email' }, status: { action: 'replace', value: 'erased' }, erased_at: { action: 'replace', value: '@now' } },
    },
    'shop.order_items': {
      rows: 'update',
      reach: { column: 'order_id', references: 'shop.orders.id' },
      columns: { id: 'non_personal', order_id: 'non_personal', note: 'set_null' },
    },
    'shop.orders': {
      rows: 'retain',
      reach: { column: 'buyer_id', identity: 'user_id' },
      references: { buyer_id: 'public.users.id', address_id: 'shop.addresses.id' },
      retain: { legalBasis: 'E-Commerce Law Art. 31', period: 'P3Y', from: 'completed_at', fallbackFrom: 'updated_at' },
      columns: { id: 'non_personal', buyer_id: { action: 'keep_pseudonymous', note: 'tombstone' }, address_id: 'non_personal', completed_at: 'non_personal', updated_at: 'non_personal', code: 'pseudonymise' },
    },
    'shop.addresses': {
      rows: 'update',
      reach: { column: 'buyer_id', identity: 'user_id' },
      columns: { id: 'non_personal', buyer_id: { action: 'keep_pseudonymous', note: 'x' }, line1: { action: 'replace', value: '' }, city: { action: 'generalise', generalise: { method: 'keep' } }, zip: { action: 'generalise', generalise: { method: 'truncate', length: 3 } } },
    },
    'shop.views': { rows: 'delete', reach: { column: 'buyer_id', identity: 'user_id' }, columns: { id: 'non_personal', buyer_id: 'delete_row', product: 'delete_row' } },
    'public.audit': { rows: 'none', columns: { seq: 'non_personal', subject: { action: 'keep_pseudonymous', note: 'subject id' } } },
  },
});
const map: DataMap = { stores: [store] };

describe('the erasure planner', () => {
  it('accepts a consistent map', () => {
    expect(checkDataMap(map)).toEqual([]);
  });

  it('orders children before the tables they reference, and the account last', () => {
    const order = orderTables(map).map((t) => t.name);
    expect(order.indexOf('shop.order_items')).toBeLessThan(order.indexOf('shop.orders'));
    expect(order.indexOf('shop.orders')).toBeLessThan(order.indexOf('shop.addresses'));
    expect(order[order.length - 1]).toBe('public.users');
  });

  it('plans prepare first, the table steps, then mailbox, vacuum, downstream, verify, shred, certificate, notify, finish', () => {
    const plan = planErasure(map);
    const kinds = plan.steps.map((s) => s.kind);
    expect(kinds[0]).toBe('prepare');
    expect(kinds.slice(-7)).toEqual(['vacuum', 'await_downstream', 'verify', 'shred', 'certificate', 'notify', 'finish']);
    // rows: none tables get no step; the audit log is never rewritten.
    expect(plan.steps.some((s) => s.kind === 'sql' && s.table === 'public.audit')).toBe(false);
    const vacuum = plan.steps.find((s) => s.kind === 'vacuum');
    expect(vacuum).toMatchObject({ tables: ['public.users', 'shop.addresses', 'shop.order_items', 'shop.orders', 'shop.views'] });
  });

  it('plans the steps that change nothing right before the verification, which they read for', () => {
    const payments = {
      rows: 'retain',
      reach: { column: 'order_id', references: 'shop.orders.id' },
      retain: { legalBasis: 'E-Commerce Law Art. 31', period: 'P3Y', from: 'paid_at' },
      columns: { id: 'non_personal', order_id: 'non_personal', paid_at: 'non_personal' },
    };
    const withKept = { stores: [storeSchema.parse({ ...store, tables: { ...store.tables, 'shop.payments': payments } })] };
    expect(checkDataMap(withKept)).toEqual([]);
    const plan = planErasure(withKept);
    const at = plan.steps.findIndex((s) => s.kind === 'verify');
    expect(plan.steps.slice(at - 2, at)).toMatchObject([{ kind: 'await_downstream' }, { kind: 'sql', table: 'shop.payments', sets: [] }]);
    expect(plan.steps.filter((s) => s.kind === 'sql' && changesNothing(s)).map((s) => s.kind === 'sql' && s.table)).toEqual(['shop.payments']);
    // Nothing of it is rewritten: no scrub.
    expect(plan.steps.find((s) => s.kind === 'vacuum')).toMatchObject({ tables: ['public.users', 'shop.addresses', 'shop.order_items', 'shop.orders', 'shop.views'] });
  });

  it('follows references to the identity', () => {
    expect(reachPath(map, 'shop.order_items')).toEqual({
      hops: [{ column: 'order_id', parentTable: 'shop.orders', parentColumn: 'id' }],
      identity: { table: 'shop.orders', column: 'buyer_id', kind: 'user_id' },
    });
  });

  it('turns steps into set-based statements with parameters only', () => {
    const plan = planErasure(map);
    const step = (table: string) => plan.steps.find((s) => s.kind === 'sql' && s.table === table)!;
    const items = buildStepSql(step('shop.order_items') as never);
    expect(items.text).toContain('UPDATE "shop"."order_items" AS t SET "note" = NULL WHERE t."order_id" IN (SELECT "id" FROM "shop"."orders" WHERE "buyer_id" = $1)');
    const views = buildStepSql(step('shop.views') as never);
    expect(views.text).toContain('DELETE FROM "shop"."views" AS t WHERE t."buyer_id" = $1');
    const orders = buildStepSql(step('shop.orders') as never);
    expect(orders.text).toContain('RETURNING COALESCE(t."completed_at", t."updated_at") AS f');
    expect(orders.text).toContain('encode(sha256(decode($2');
    expect(orders.params.map((p) => p.ref)).toEqual(['user_id', 'hmac_outer', 'hmac_inner']);
    const addresses = buildStepSql(step('shop.addresses') as never);
    expect(addresses.text).toContain('"zip" = left(t."zip", 3)');
    expect(addresses.text).not.toContain('"city" =');
    const users = buildStepSql(step('public.users') as never);
    expect(users.params).toContainEqual({ ref: 'now' });
    expect(users.params).toContainEqual({ ref: 'const', value: 'erased' });
    expect(buildCountSql(step('shop.order_items') as never).text).toMatch(/^SELECT count\(\*\)::int AS n FROM "shop"."order_items"/);
  });

  it('purges retained rows children first and only when their period ended', () => {
    const plan = planErasure(map);
    const orders = plan.steps.find((s) => s.kind === 'sql' && s.table === 'shop.orders')!;
    const purge = buildPurgeSql(orders as never, [{ table: 'shop.payments', column: 'order_id', parentColumn: 'id' }]);
    expect(purge.text).toContain(`+ $2::interval <= $3::timestamptz`);
    expect(purge.text).toContain('NOT EXISTS (SELECT 1 FROM "shop"."payments" AS c WHERE c."order_id" = t."id")');
    expect(purge.params).toEqual([{ ref: 'user_id' }, { ref: 'period', value: 'P3Y' }, { ref: 'now' }]);
  });

  it('knows which columns survive on kept rows', () => {
    expect(survivingColumns(store.tables['shop.addresses'])).toEqual(['buyer_id', 'city', 'id']);
    expect(survivingColumns(store.tables['shop.views'])).toEqual([]);
  });

  it('finds contradictions and cycles', () => {
    const bad = storeSchema.parse({
      store: 'bad',
      database: 'adieu',
      tables: {
        'a.one': { rows: 'delete', reach: { column: 'x', references: 'a.two.id' }, columns: { x: 'set_null', id: 'non_personal' } },
        'a.two': { rows: 'update', reach: { column: 'y', references: 'a.one.id' }, columns: { y: 'non_personal', id: 'non_personal' } },
        'a.three': { rows: 'retain', reach: { column: 'owner', identity: 'user_id' }, columns: { owner: 'pseudonymise' } },
        'a.four': { rows: 'delete', reach: { column: 'owner', identity: 'user_id' }, columns: { owner: 'delete_row', id: 'non_personal' } },
        'a.five': { rows: 'update', reach: { column: 'four_id', references: 'a.four.id' }, columns: { four_id: 'non_personal' } },
      },
    });
    const problems = checkDataMap({ stores: [bad] });
    expect(problems).toContainEqual(expect.stringContaining('a.one.x: rows are deleted'));
    expect(problems).toContainEqual(expect.stringContaining('rows: retain needs retain'));
    expect(problems).toContainEqual(expect.stringContaining('a.three.owner: the reach column of kept rows must stay'));
    expect(problems).toContainEqual(expect.stringContaining('reference cycle'));
    expect(problems).toContainEqual(expect.stringContaining('a.five: its rows are kept but reach the subject through a.four'));
  });
});
