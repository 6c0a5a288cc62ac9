import { describe, expect, it } from 'vitest';
import { combineResults, shopFindings, type ShopFacts } from './eligibility.ts';

const clean: ShopFacts = {
  pendingOrders: { awaiting_payment: 0, awaiting_shipment: 0, shipped: 0 },
  openDisputes: 0,
  refundsInProgress: [],
  wallet: { value: 0, currency: 'CNY' },
  activeSubscriptions: [],
  unusedCoupons: [],
  points: 0,
};

describe('shopFindings', () => {
  it('finds nothing for a buyer with nothing open', () => {
    expect(shopFindings(clean)).toEqual({ blockers: [], warnings: [] });
    expect(shopFindings({ ...clean, wallet: null })).toEqual({ blockers: [], warnings: [] });
  });

  it('counts pending orders across the three unfinished statuses and keeps the breakdown', () => {
    const { blockers } = shopFindings({ ...clean, pendingOrders: { awaiting_payment: 0, awaiting_shipment: 1, shipped: 2 } });
    expect(blockers).toEqual([{ code: 'PENDING_ORDERS', count: 3, amounts: [], link: '/account/orders?status=pending', parts: { awaiting_shipment: 1, shipped: 2 } }]);
  });

  it('reports every blocker kind, in a stable order', () => {
    const { blockers, warnings } = shopFindings({
      pendingOrders: { awaiting_payment: 1, awaiting_shipment: 0, shipped: 0 },
      openDisputes: 2,
      refundsInProgress: [{ count: 1, amount: { value: 500, currency: 'CNY' } }],
      wallet: { value: 8850, currency: 'CNY' },
      activeSubscriptions: [{ count: 1, amount: { value: 1500, currency: 'CNY' } }],
      unusedCoupons: [{ count: 2, amount: { value: 2500, currency: 'CNY' } }],
      points: 1280,
    });
    expect(blockers.map((b) => b.code)).toEqual(['PENDING_ORDERS', 'OPEN_DISPUTES', 'REFUNDS_IN_PROGRESS', 'WALLET_BALANCE', 'ACTIVE_SUBSCRIPTION']);
    expect(blockers.find((b) => b.code === 'WALLET_BALANCE')!.amounts).toEqual([{ value: 8850, currency: 'CNY' }]);
    expect(warnings).toEqual([
      { code: 'UNUSED_COUPONS', count: 2, amounts: [{ value: 2500, currency: 'CNY' }], link: '/account/wallet' },
      { code: 'POINTS_FORFEITED', count: 1280, amounts: [], link: '/account/wallet' },
    ]);
  });

  it('sums counts over currencies and keeps one amount per currency', () => {
    const { blockers } = shopFindings({
      ...clean,
      refundsInProgress: [
        { count: 1, amount: { value: 500, currency: 'CNY' } },
        { count: 2, amount: { value: 900, currency: 'USD' } },
      ],
    });
    expect(blockers[0]).toMatchObject({ code: 'REFUNDS_IN_PROGRESS', count: 3, amounts: [{ currency: 'CNY' }, { currency: 'USD' }] });
  });

  it('warnings alone do not block', () => {
    const result = combineResults([shopFindings({ ...clean, points: 10 })]);
    expect(result.eligible).toBe(true);
    expect(result.warnings).toHaveLength(1);
  });
});

describe('combineResults', () => {
  it('is eligible only when no provider reports a blocker', () => {
    expect(combineResults([{ blockers: [], warnings: [] }, { blockers: [], warnings: [] }]).eligible).toBe(true);
    const blocked = combineResults([{ blockers: [], warnings: [] }, { blockers: [{ code: 'CHECK_UNAVAILABLE' }], warnings: [] }]);
    expect(blocked).toEqual({ eligible: false, blockers: [{ code: 'CHECK_UNAVAILABLE' }], warnings: [] });
  });

  it('never answers eligible without any answer at all', () => {
    expect(combineResults([]).eligible).toBe(false);
  });
});
