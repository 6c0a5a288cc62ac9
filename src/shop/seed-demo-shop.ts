import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import {
  shopBrowsingHistory,
  shopCoupons,
  shopDisputes,
  shopOrderItems,
  shopOrders,
  shopPayments,
  shopPointsBalances,
  shopProductReviews,
  shopRefunds,
  shopSellerMessages,
  shopShippingAddresses,
  shopSubscriptions,
  shopWallets,
  type OrderStatus,
} from './shop.tables.ts';

const DAY_MS = 86_400_000;

interface DemoOrder {
  status: OrderStatus;
  daysAgo: number;
  items: { productName: string; qty: number; price: number }[];
  addressId: string;
}

/**
 * The demo buyers' marketplace (API.md "Demo data"), written inside the caller's transaction:
 * - Ada: completed (and one closed) orders only, plus coupons and points (warnings), addresses,
 *   reviews, seller messages and browsing history: eligible.
 * - Ben: one order awaiting shipment and one shipped: blocked.
 * - Cai: an open dispute and a wallet balance: blocked.
 * Closed disputes, finished refunds, cancelled subscriptions and expired or used coupons are there
 * too, so that the checks visibly ignore what is already settled.
 */
export async function seedDemoShop(ctx: AppContext, tx: Db, buyers: Record<'ada' | 'ben' | 'cai', string>): Promise<void> {
  const now = ctx.clock.now().getTime();
  const ago = (days: number) => new Date(now - days * DAY_MS);

  async function address(buyerId: string, a: { name: string; phone: string; line1: string; city: string; country: string }, daysAgo: number): Promise<string> {
    const id = newId('adr');
    await tx.insert(shopShippingAddresses).values({ id, buyerId, ...a, createdAt: ago(daysAgo) });
    return id;
  }

  async function orders(buyerId: string, list: DemoOrder[]): Promise<string[]> {
    const ids: string[] = [];
    for (const order of list) {
      const id = newId('ord');
      ids.push(id);
      const total = order.items.reduce((sum, item) => sum + item.qty * item.price, 0);
      const placedAt = ago(order.daysAgo);
      await tx.insert(shopOrders).values({
        id,
        buyerId,
        status: order.status,
        totalMinor: total,
        currency: 'CNY',
        shippingAddressId: order.addressId,
        placedAt,
        completedAt: order.status === 'completed' ? ago(Math.max(order.daysAgo - 5, 0)) : null,
        updatedAt: ago(Math.max(order.daysAgo - 5, 0)),
      });
      await tx.insert(shopOrderItems).values(order.items.map((item) => ({ id: newId('itm'), orderId: id, productName: item.productName, qty: item.qty, priceMinor: item.price })));
      if (order.status !== 'awaiting_payment' && order.status !== 'closed') {
        await tx.insert(shopPayments).values({ id: newId('pay'), orderId: id, buyerId, amountMinor: total, currency: 'CNY', method: 'alipay', status: 'paid', paidAt: placedAt });
      }
    }
    return ids;
  }

  // Ada: eligible, with warnings (coupons, points).
  const ada = buyers.ada;
  const adaHome = await address(ada, { name: 'Ada Lovelace', phone: '+8613800000001', line1: '88 Huaihai Middle Road, Apt 1202', city: 'Shanghai', country: 'CN' }, 390);
  const adaOffice = await address(ada, { name: 'Ada Lovelace', phone: '+8613800000001', line1: '1 Century Avenue, Floor 30', city: 'Shanghai', country: 'CN' }, 200);
  const adaOrders = await orders(ada, [
    { status: 'completed', daysAgo: 320, addressId: adaHome, items: [{ productName: 'Mechanical keyboard', qty: 1, price: 49900 }] },
    { status: 'completed', daysAgo: 180, addressId: adaOffice, items: [{ productName: 'Green tea, 250 g', qty: 2, price: 6800 }, { productName: 'Ceramic teapot', qty: 1, price: 12900 }] },
    { status: 'closed', daysAgo: 120, addressId: adaHome, items: [{ productName: 'Desk lamp', qty: 1, price: 15900 }] },
    { status: 'completed', daysAgo: 60, addressId: adaHome, items: [{ productName: 'Notebook, A5 dotted', qty: 3, price: 2500 }] },
    { status: 'completed', daysAgo: 21, addressId: adaOffice, items: [{ productName: 'USB-C cable, 2 m', qty: 2, price: 3900 }] },
  ]);
  await tx.insert(shopProductReviews).values([
    { id: newId('rev'), buyerId: ada, orderId: adaOrders[0], productName: 'Mechanical keyboard', rating: 5, body: 'Lovely switches; arrived two days early. — Ada', createdAt: ago(310) },
    { id: newId('rev'), buyerId: ada, orderId: adaOrders[1], productName: 'Ceramic teapot', rating: 4, body: 'Pretty teapot, the lid is a little loose.', createdAt: ago(170) },
  ]);
  await tx.insert(shopSellerMessages).values([
    { id: newId('msg'), buyerId: ada, orderId: adaOrders[1], sellerName: 'Hangzhou Tea House', direction: 'to_seller', body: 'Could you deliver to my office at 1 Century Avenue instead?', sentAt: ago(180) },
    { id: newId('msg'), buyerId: ada, orderId: adaOrders[1], sellerName: 'Hangzhou Tea House', direction: 'from_seller', body: 'Of course, Ms Lovelace. Updated.', sentAt: ago(180) },
    { id: newId('msg'), buyerId: ada, orderId: adaOrders[2], sellerName: 'Bright Lamps', direction: 'to_seller', body: 'Please cancel, I ordered the wrong colour.', sentAt: ago(120) },
  ]);
  await tx.insert(shopBrowsingHistory).values(
    ['Standing desk', 'Mechanical keyboard', 'Oolong tea, 100 g', 'Fountain pen', 'Noise-cancelling headphones', 'Desk lamp'].map((productName, i) => ({
      id: newId('brw'),
      buyerId: ada,
      productName,
      viewedAt: ago(30 - i * 4),
    })),
  );
  await tx.insert(shopCoupons).values([
    { id: newId('cpn'), buyerId: ada, code: 'WELCOME20', valueMinor: 2000, currency: 'CNY', status: 'unused', expiresAt: ago(-60), issuedAt: ago(30) },
    { id: newId('cpn'), buyerId: ada, code: 'TEA5OFF', valueMinor: 500, currency: 'CNY', status: 'unused', expiresAt: ago(-20), issuedAt: ago(10) },
    { id: newId('cpn'), buyerId: ada, code: 'SPRING10', valueMinor: 1000, currency: 'CNY', status: 'used', expiresAt: ago(100), issuedAt: ago(200) },
    { id: newId('cpn'), buyerId: ada, code: 'OLD15', valueMinor: 1500, currency: 'CNY', status: 'unused', expiresAt: ago(5), issuedAt: ago(100) },
  ]);
  await tx.insert(shopPointsBalances).values({ buyerId: ada, points: 1280, updatedAt: ago(21) });
  await tx.insert(shopWallets).values({ buyerId: ada, balanceMinor: 0, currency: 'CNY', updatedAt: ago(90) });
  await tx.insert(shopSubscriptions).values({
    id: newId('sbs'),
    buyerId: ada,
    planName: 'Plus membership',
    status: 'cancelled',
    priceMinor: 1500,
    currency: 'CNY',
    startedAt: ago(300),
    renewsAt: null,
    cancelledAt: ago(90),
  });
  await tx.insert(shopDisputes).values({ id: newId('dsp'), buyerId: ada, orderId: adaOrders[2], status: 'closed', reason: 'Wrong colour delivered.', openedAt: ago(118), closedAt: ago(110) });
  await tx.insert(shopRefunds).values({ id: newId('rfd'), buyerId: ada, orderId: adaOrders[2], status: 'done', amountMinor: 15900, currency: 'CNY', requestedAt: ago(118), completedAt: ago(110) });

  // Ben: one order awaiting shipment, one shipped (blocked).
  const ben = buyers.ben;
  const benHome = await address(ben, { name: 'Ben Zhang', phone: '+8613900000002', line1: '12 Jianguo Road, Unit 5', city: 'Beijing', country: 'CN' }, 380);
  await orders(ben, [
    { status: 'completed', daysAgo: 150, addressId: benHome, items: [{ productName: 'Running shoes', qty: 1, price: 59900 }] },
    { status: 'awaiting_shipment', daysAgo: 2, addressId: benHome, items: [{ productName: 'Rice cooker', qty: 1, price: 39900 }] },
    { status: 'shipped', daysAgo: 6, addressId: benHome, items: [{ productName: 'Bluetooth speaker', qty: 1, price: 19900 }, { productName: 'AA batteries, 8 pack', qty: 1, price: 2990 }] },
  ]);
  await tx.insert(shopBrowsingHistory).values({ id: newId('brw'), buyerId: ben, productName: 'Rice cooker', viewedAt: ago(3) });
  await tx.insert(shopPointsBalances).values({ buyerId: ben, points: 350, updatedAt: ago(6) });

  // Cai: an open dispute and a wallet balance (blocked).
  const cai = buyers.cai;
  const caiHome = await address(cai, { name: '蔡文', phone: '+8613700000003', line1: '天河路 385 号 2 栋 1801 室', city: '广州', country: 'CN' }, 370);
  const caiOrders = await orders(cai, [
    { status: 'completed', daysAgo: 90, addressId: caiHome, items: [{ productName: '电饭煲', qty: 1, price: 29900 }] },
    { status: 'completed', daysAgo: 25, addressId: caiHome, items: [{ productName: '蓝牙耳机', qty: 1, price: 24900 }] },
  ]);
  await tx.insert(shopDisputes).values({ id: newId('dsp'), buyerId: cai, orderId: caiOrders[1], status: 'open', reason: '耳机右侧没有声音，卖家不同意退货。', openedAt: ago(10), closedAt: null });
  await tx.insert(shopSellerMessages).values({ id: newId('msg'), buyerId: cai, orderId: caiOrders[1], sellerName: '声音旗舰店', direction: 'to_seller', body: '您好，耳机右侧没有声音，请问怎么处理？', sentAt: ago(12) });
  await tx.insert(shopProductReviews).values({ id: newId('rev'), buyerId: cai, orderId: caiOrders[0], productName: '电饭煲', rating: 5, body: '煮饭很香，推荐。', createdAt: ago(80) });
  await tx.insert(shopWallets).values({ buyerId: cai, balanceMinor: 8850, currency: 'CNY', updatedAt: ago(40) });
}
