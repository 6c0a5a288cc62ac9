import type { Faker } from '@faker-js/faker';
import type { Catalogue } from './catalogue.ts';
import type { IdSource } from './bulk-insert.ts';
import type { MarketplaceBuffers } from './buffers.ts';

const DAY_MS = 86_400_000;

export interface SyntheticBuyer {
  id: string;
  locale: 'en' | 'zh-CN';
  name: string;
  phone: string | null;
  createdAt: Date;
  /** A heavy buyer gets tens of thousands of orders. */
  heavy: boolean;
}

export interface GeneratorTools {
  /** Drives every random choice; seeded, so a run is repeatable. */
  rng: Faker;
  catalogue: Catalogue;
  ids: IdSource;
  now: number;
}

/** 1 + a geometric draw: most buyers few, a long tail of many. */
function geometric(rng: Faker, mean: number, cap: number): number {
  const p = 1 / mean;
  const u = rng.number.float({ min: 0, max: 0.999999 });
  return Math.min(cap, Math.floor(Math.log(1 - u) / Math.log(1 - p)));
}

/**
 * How many orders a buyer has: 12% none, most a handful (geometric, mean ~5), 1% power buyers
 * with hundreds, and the heavy few with tens of thousands.
 */
export function orderCount(rng: Faker, heavy: boolean): number {
  if (heavy) return rng.number.int({ min: 10_000, max: 40_000 });
  const r = rng.number.float();
  if (r < 0.12) return 0;
  if (r < 0.13) return rng.number.int({ min: 100, max: 800 });
  return 1 + geometric(rng, 5, 300);
}

/** Status by age: recent orders are often still open, older ones finished. */
function statusFor(rng: Faker, ageDays: number): 'awaiting_payment' | 'awaiting_shipment' | 'shipped' | 'completed' | 'closed' {
  const r = rng.number.float();
  if (ageDays < 2) return r < 0.3 ? 'awaiting_payment' : r < 0.8 ? 'awaiting_shipment' : 'shipped';
  if (ageDays < 14) return r < 0.05 ? 'awaiting_shipment' : r < 0.25 ? 'shipped' : r < 0.95 ? 'completed' : 'closed';
  return r < 0.93 ? 'completed' : 'closed';
}

const PAYMENT_METHODS = ['alipay', 'wechat_pay', 'card', 'unionpay'];
const PLANS = [
  { name: 'Plus membership', price: 1500 },
  { name: 'Plus membership (yearly)', price: 14800 },
  { name: 'Free-shipping pass', price: 990 },
  { name: 'Video add-on', price: 2500 },
];

/** Everything one buyer has done on the marketplace, pushed into the column buffers. */
export function generateBuyerActivity(buyer: SyntheticBuyer, tools: GeneratorTools, out: MarketplaceBuffers, person: Faker): void {
  const { rng, catalogue, ids, now } = tools;
  const since = buyer.createdAt.getTime();
  const zh = buyer.locale === 'zh-CN';
  const at = (ms: number) => new Date(ms).toISOString();
  const between = (from: number, to: number) => from + Math.floor(rng.number.float() * Math.max(to - from, 1));

  // Address book: the buyer's own, sometimes a relative's or the office.
  const addressIds: string[] = [];
  const addressCount = 1 + (rng.number.float() < 0.3 ? 1 : 0) + (rng.number.float() < 0.1 ? 1 : 0);
  for (let i = 0; i < addressCount; i++) {
    const id = ids.next('adr');
    addressIds.push(id);
    const own = i === 0 || rng.number.float() < 0.6;
    out.addresses.push(
      id,
      buyer.id,
      own ? buyer.name : person.person.fullName(),
      own && buyer.phone ? buyer.phone : `+861${rng.number.int({ min: 30, max: 89 })}${rng.string.numeric(8)}`,
      person.location.streetAddress(),
      person.location.city(),
      zh || rng.number.float() < 0.7 ? 'CN' : person.location.countryCode(),
      at(between(since, now)),
    );
  }

  // Orders, with items and payments.
  const orders: { id: string; placedAt: number; status: string; firstProduct: string }[] = [];
  const count = orderCount(rng, buyer.heavy);
  for (let i = 0; i < count; i++) {
    const id = ids.next('ord');
    const placedAt = between(since, now);
    const status = statusFor(rng, (now - placedAt) / DAY_MS);
    const itemCount = rng.number.float() < 0.6 ? 1 : rng.number.float() < 0.65 ? 2 : rng.number.int({ min: 3, max: 5 });
    let total = 0;
    let firstProduct = '';
    for (let j = 0; j < itemCount; j++) {
      const product = catalogue.products[rng.number.int({ max: catalogue.products.length - 1 })];
      const qty = rng.number.float() < 0.8 ? 1 : rng.number.int({ min: 2, max: 4 });
      total += product.price * qty;
      if (j === 0) firstProduct = product.name;
      out.items.push(ids.next('itm'), id, product.name, qty, product.price);
    }
    const completedAt = status === 'completed' ? Math.min(placedAt + rng.number.int({ min: 2, max: 10 }) * DAY_MS, now) : null;
    out.orders.push(id, buyer.id, status, total, 'CNY', addressIds[rng.number.int({ max: addressIds.length - 1 })], at(placedAt), completedAt ? at(completedAt) : null, at(completedAt ?? placedAt));
    const paid = status !== 'awaiting_payment' && (status !== 'closed' || rng.number.float() < 0.5);
    if (paid) {
      out.payments.push(ids.next('pay'), id, buyer.id, total, 'CNY', rng.helpers.arrayElement(PAYMENT_METHODS), status === 'closed' ? 'refunded' : 'paid', at(placedAt + 60_000));
    }
    orders.push({ id, placedAt, status, firstProduct });
  }

  // Reviews of some completed orders (at most 40 a buyer).
  let reviews = 0;
  for (const order of orders) {
    if (reviews >= 40) break;
    if (order.status !== 'completed' || rng.number.float() >= 0.15) continue;
    reviews += 1;
    const rating = rng.helpers.weightedArrayElement([
      { weight: 55, value: 5 },
      { weight: 25, value: 4 },
      { weight: 10, value: 3 },
      { weight: 5, value: 2 },
      { weight: 5, value: 1 },
    ]);
    const body = rng.helpers.arrayElement(zh ? catalogue.reviewsZh : catalogue.reviewsEn);
    out.reviews.push(ids.next('rev'), buyer.id, order.id, order.firstProduct, rating, body, at(Math.min(order.placedAt + 7 * DAY_MS, now)));
  }

  // Messages with sellers.
  const messageCount = orders.length === 0 ? 0 : rng.number.float() < 0.5 ? 0 : geometric(rng, 3, 30);
  for (let i = 0; i < messageCount; i++) {
    const order = orders[rng.number.int({ max: orders.length - 1 })];
    const fromSeller = rng.number.float() < 0.4;
    out.messages.push(
      ids.next('msg'),
      buyer.id,
      order.id,
      rng.helpers.arrayElement(catalogue.sellers),
      fromSeller ? 'from_seller' : 'to_seller',
      rng.helpers.arrayElement(zh ? catalogue.messagesZh : catalogue.messagesEn),
      at(Math.min(order.placedAt + rng.number.int({ max: 5 * DAY_MS }), now)),
    );
  }

  // Browsing history of the last 90 days.
  const views = rng.number.float() < 0.2 ? 0 : geometric(rng, 10, 60);
  for (let i = 0; i < views; i++) {
    out.browsing.push(ids.next('brw'), buyer.id, catalogue.products[rng.number.int({ max: catalogue.products.length - 1 })].name, at(between(Math.max(since, now - 90 * DAY_MS), now)));
  }

  // Disputes and refunds on a few orders; some still open.
  if (orders.length > 0 && rng.number.float() < 0.03) {
    const order = orders[rng.number.int({ max: orders.length - 1 })];
    const open = rng.number.float() < 0.3;
    const openedAt = Math.min(order.placedAt + 5 * DAY_MS, now);
    out.disputes.push(ids.next('dsp'), buyer.id, order.id, open ? 'open' : 'closed', rng.helpers.arrayElement(catalogue.disputeReasons), at(openedAt), open ? null : at(Math.min(openedAt + 7 * DAY_MS, now)));
  }
  if (orders.length > 0 && rng.number.float() < 0.04) {
    const order = orders[rng.number.int({ max: orders.length - 1 })];
    const inProgress = rng.number.float() < 0.25;
    const requestedAt = Math.min(order.placedAt + 3 * DAY_MS, now);
    out.refunds.push(ids.next('rfd'), buyer.id, order.id, inProgress ? 'in_progress' : 'done', rng.number.int({ min: 100, max: 50_000 }), 'CNY', at(requestedAt), inProgress ? null : at(Math.min(requestedAt + 4 * DAY_MS, now)));
  }

  // Wallet, coupons, points, subscriptions.
  if (rng.number.float() < 0.35) {
    const balance = rng.number.float() < 0.4 ? rng.number.int({ min: 100, max: 50_000 }) : 0;
    out.wallets.push(buyer.id, balance, 'CNY', at(between(since, now)));
  }
  const coupons = rng.number.float() < 0.4 ? 0 : rng.number.int({ min: 1, max: 6 });
  for (let i = 0; i < coupons; i++) {
    const issuedAt = between(Math.max(since, now - 365 * DAY_MS), now);
    out.coupons.push(
      ids.next('cpn'),
      buyer.id,
      rng.string.alphanumeric({ length: 8, casing: 'upper' }),
      rng.helpers.arrayElement([300, 500, 1000, 2000, 5000]),
      'CNY',
      rng.number.float() < 0.4 ? 'used' : 'unused',
      at(issuedAt + rng.number.int({ min: 7, max: 180 }) * DAY_MS),
      at(issuedAt),
    );
  }
  if (rng.number.float() < 0.7) out.points.push(buyer.id, Math.floor(Math.exp(rng.number.float({ min: 0, max: Math.log(20_000) }))), at(between(since, now)));
  if (rng.number.float() < 0.08) {
    const plan = rng.helpers.arrayElement(PLANS);
    const active = rng.number.float() < 0.6;
    const startedAt = between(since, now);
    out.subscriptions.push(
      ids.next('sbs'),
      buyer.id,
      plan.name,
      active ? 'active' : 'cancelled',
      plan.price,
      'CNY',
      at(startedAt),
      active ? at(now + rng.number.int({ min: 1, max: 30 }) * DAY_MS) : null,
      active ? null : at(between(startedAt, now)),
    );
  }
}
