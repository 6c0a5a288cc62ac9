import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { placeOrder, setOrderStatus } from './orders.ts';
import { openDispute, setDisputeStatus } from './disputes.ts';
import { setWalletBalance } from './wallet.ts';
import { createRefund, setRefundStatus } from './refunds.ts';
import { startSubscription, setSubscriptionStatus } from './subscriptions.ts';
import { issueCoupon, setCouponStatus } from './coupons.ts';
import { setPoints } from './points.ts';
import { ORDER_STATUSES } from './shop.tables.ts';
import { id } from '../http/params.ts';

/** Money is an integer in minor units (fen, cents): 8850 is ¥88.50. */
const minor = z.number({ error: 'an integer amount in minor units (fen, cents)' }).int('an integer amount in minor units (fen, cents)').min(0).max(1e12);
const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY');
const text = (max: number) => z.string().trim().min(1).max(max);
const address = z.object({ name: text(100), phone: text(40), line1: text(200), city: text(100), country: text(100) }).strict();

/**
 * Dev tools standing in for the platform's own systems: they create and change marketplace data
 * so that blockers can be made to appear and disappear. Registered only when `devTools` is on,
 * like the rest of `/api/dev`. An unknown `userId` answers 404; a frozen account is refused new
 * orders, subscriptions and top-ups (`ACCOUNT_FROZEN`), exactly as the shop's services refuse them.
 */
export function shopDevRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['dev'];

    app.post(
      '/api/dev/shop/orders',
      {
        schema: {
          tags,
          body: z.object({
            userId: id,
            status: z.enum(ORDER_STATUSES),
            total: minor,
            currency: currency.optional(),
            shippingAddress: address.optional(),
            items: z.array(z.object({ productName: text(200), qty: z.number().int().min(1).max(1000), price: minor }).strict()).max(50).optional(),
            placedAt: z.iso.datetime({ offset: true }).optional(),
          }),
        },
      },
      async (request, reply) => {
        const body = request.body;
        const result = await placeOrder(ctx, { ...body, placedAt: body.placedAt ? new Date(body.placedAt) : undefined });
        return reply.status(201).send(result);
      },
    );

    app.patch(
      '/api/dev/shop/orders/:orderId',
      { schema: { tags, params: z.object({ orderId: id }), body: z.object({ status: z.enum(ORDER_STATUSES) }) } },
      async (request) => setOrderStatus(ctx, request.params.orderId, request.body.status),
    );

    app.post(
      '/api/dev/shop/disputes',
      { schema: { tags, body: z.object({ userId: id, orderId: id.optional(), status: z.enum(['open', 'closed']).optional(), reason: text(2000).optional() }) } },
      async (request, reply) => reply.status(201).send(await openDispute(ctx, request.body)),
    );

    app.patch(
      '/api/dev/shop/disputes/:disputeId',
      { schema: { tags, params: z.object({ disputeId: id }), body: z.object({ status: z.enum(['open', 'closed']) }) } },
      async (request) => setDisputeStatus(ctx, request.params.disputeId, request.body.status),
    );

    app.post(
      '/api/dev/shop/wallet',
      { schema: { tags, body: z.object({ userId: id, balance: minor, currency: currency.optional() }) } },
      async (request) => setWalletBalance(ctx, request.body),
    );

    app.post(
      '/api/dev/shop/refunds',
      { schema: { tags, body: z.object({ userId: id, orderId: id.optional(), amount: minor, currency: currency.optional(), status: z.enum(['in_progress', 'done']).optional() }) } },
      async (request, reply) => reply.status(201).send(await createRefund(ctx, request.body)),
    );

    app.patch(
      '/api/dev/shop/refunds/:refundId',
      { schema: { tags, params: z.object({ refundId: id }), body: z.object({ status: z.enum(['in_progress', 'done']) }) } },
      async (request) => setRefundStatus(ctx, request.params.refundId, request.body.status),
    );

    app.post(
      '/api/dev/shop/subscriptions',
      { schema: { tags, body: z.object({ userId: id, planName: text(100).optional(), price: minor.optional(), currency: currency.optional(), status: z.enum(['active', 'cancelled']).optional() }) } },
      async (request, reply) => reply.status(201).send(await startSubscription(ctx, request.body)),
    );

    app.patch(
      '/api/dev/shop/subscriptions/:subscriptionId',
      { schema: { tags, params: z.object({ subscriptionId: id }), body: z.object({ status: z.enum(['active', 'cancelled']) }) } },
      async (request) => setSubscriptionStatus(ctx, request.params.subscriptionId, request.body.status),
    );

    app.post(
      '/api/dev/shop/coupons',
      {
        schema: {
          tags,
          body: z.object({ userId: id, value: minor, currency: currency.optional(), status: z.enum(['unused', 'used']).optional(), expiresAt: z.iso.datetime({ offset: true }).optional(), code: text(40).optional() }),
        },
      },
      async (request, reply) => {
        const body = request.body;
        return reply.status(201).send(await issueCoupon(ctx, { ...body, expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined }));
      },
    );

    app.patch(
      '/api/dev/shop/coupons/:couponId',
      { schema: { tags, params: z.object({ couponId: id }), body: z.object({ status: z.enum(['unused', 'used']) }) } },
      async (request) => setCouponStatus(ctx, request.params.couponId, request.body.status),
    );

    app.post(
      '/api/dev/shop/points',
      { schema: { tags, body: z.object({ userId: id, points: z.number().int().min(0).max(1e9) }) } },
      async (request) => setPoints(ctx, request.body),
    );
  };
}
