import { describe, expect, it } from 'vitest';
import { describeConsequences, describeFinding, ELIGIBILITY_LOCALES } from './texts.ts';

const CODES = ['PENDING_ORDERS', 'OPEN_DISPUTES', 'REFUNDS_IN_PROGRESS', 'WALLET_BALANCE', 'ACTIVE_SUBSCRIPTION', 'UNUSED_COUPONS', 'POINTS_FORFEITED', 'CHECK_UNAVAILABLE'];

describe('eligibility texts', () => {
  it.each(ELIGIBILITY_LOCALES)('has every finding and consequence in %s', (locale) => {
    for (const code of CODES) {
      const finding = describeFinding({ code: code as 'PENDING_ORDERS', count: 2, amounts: [{ value: 1250, currency: 'EUR' }], parts: { shipped: 2 } }, locale, { provider: 'crm' });
      expect(finding.title, code).toBeTruthy();
      expect(finding.detail, code).toBeTruthy();
      expect(finding.resolveHint, code).toBeTruthy();
    }
    expect(describeConsequences(locale, 7)).toHaveLength(6);
  });

  it('fills counts, plurals, breakdowns and amounts in the buyer language', () => {
    const finding = { code: 'PENDING_ORDERS' as const, count: 3, amounts: [], link: '/account/orders?status=pending', parts: { awaiting_payment: 1, shipped: 2 } };
    const en = describeFinding(finding, 'en');
    expect(en.title).toBe('3 orders are not finished yet');
    expect(en.detail).toContain('1 awaiting payment and 2 shipped, not yet confirmed as received');
    expect(describeFinding({ ...finding, count: 1, parts: { shipped: 1 } }, 'en').title).toBe('1 order is not finished yet');
    const zh = describeFinding(finding, 'zh-CN');
    expect(zh.title).toBe('有 3 笔订单尚未完成');
    expect(zh.detail).toContain('1 笔待付款');

    const wallet = describeFinding({ code: 'WALLET_BALANCE', amounts: [{ value: 8850, currency: 'CNY' }], link: '/account/wallet' }, 'zh-CN');
    expect(wallet).toMatchObject({ amount: { value: 8850, currency: 'CNY' }, link: '/account/wallet' });
    expect(wallet.detail).toContain('¥88.50');
    // Several currencies: no single machine-readable amount, all of them in the words.
    const refunds = describeFinding({ code: 'REFUNDS_IN_PROGRESS', count: 2, amounts: [{ value: 500, currency: 'CNY' }, { value: 1250, currency: 'USD' }] }, 'en');
    expect(refunds.amount).toBeUndefined();
    expect(refunds.detail).toMatch(/5\.00 and \$12\.50/);
  });

  it('words the grace period for 0, 1 and many days', () => {
    expect(describeConsequences('en', 7).join(' ')).toContain('grace period of 7 days');
    expect(describeConsequences('en', 1).join(' ')).toContain('grace period of 1 day ');
    expect(describeConsequences('en', 0).join(' ')).toContain('as soon as your request is approved');
    expect(describeConsequences('zh-CN', 7).join('')).toContain('7 天的冷静期');
  });
});

describe('blocker titles count like the language does', () => {
  const title = (locale: 'ru' | 'pl' | 'ar', count: number) => describeFinding({ code: 'PENDING_ORDERS', count, amounts: [] }, locale).title;
  const n = (locale: string, value: number) => new Intl.NumberFormat(locale).format(value);
  it.each([
    ['ru', 1, '1 заказ ещё не завершён'],
    ['ru', 2, '2 заказа ещё не завершены'],
    ['ru', 5, '5 заказов ещё не завершены'],
    ['ru', 21, '21 заказ ещё не завершён'],
    ['pl', 1, '1 zamówienie nie jest jeszcze zakończone'],
    ['pl', 2, '2 zamówienia nie są jeszcze zakończone'],
    ['pl', 5, '5 zamówień nie jest jeszcze zakończonych'],
    ['pl', 21, '21 zamówień nie jest jeszcze zakończonych'],
    ['ar', 0, 'لا طلبات غير مكتملة'],
    ['ar', 1, 'طلب واحد لم يكتمل بعد'],
    ['ar', 2, 'طلبان لم يكتملا بعد'],
    ['ar', 5, `${n('ar', 5)} طلبات لم تكتمل بعد`],
    ['ar', 21, `${n('ar', 21)} طلبًا لم يكتمل بعد`],
  ] as const)('%s, %i orders', (locale, count, words) => {
    expect(title(locale, count)).toBe(words);
  });
});
