import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireUser } from '../accounts/request-auth.ts';
import { buyerOverview } from './buyer-overview.ts';
import { buyerWallet, listBuyerDisputes, listBuyerOrders, listBuyerRefunds, listBuyerSubscriptions } from './buyer-lists.ts';
import { buyerOrderAction } from './orders.ts';
import { setSubscriptionStatus } from './subscriptions.ts';
import { withdrawWallet } from './wallet.ts';
import { ORDER_STATUSES } from './shop.tables.ts';
import { id } from '../http/params.ts';


/**
 * The buyer's own marketplace data for the web UI's "My account" pages, and the few moves a buyer
 * makes to clear a blocker (confirm receipt, cancel an unpaid order or a subscription, withdraw
 * the wallet). Every query is scoped to the signed-in buyer; someone else's id answers 404.
 */
export function shopRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/shop/overview', { schema: { tags: ['shop'] } }, async (request) => {
      const { user } = requireUser(request);
      return buyerOverview(ctx, user.id, user.locale);
    });

    app.get(
      '/api/shop/orders',
      {
        schema: {
          tags: ['shop'],
          querystring: z.object({
            status: z.enum([...ORDER_STATUSES, 'pending']).optional(),
            cursor: z.string().max(400).optional(),
            limit: z.coerce.number().int().min(1).max(100).optional(),
          }),
        },
      },
      async (request) => {
        const { user } = requireUser(request);
        return listBuyerOrders(ctx, user.id, { ...request.query, locale: user.locale });
      },
    );

    app.post('/api/shop/orders/:orderId/confirm-receipt', { schema: { tags: ['shop'], params: z.object({ orderId: id }) } }, async (request) => {
      const { user } = requireUser(request);
      return buyerOrderAction(ctx, user.id, request.params.orderId, 'confirm_receipt');
    });

    app.post('/api/shop/orders/:orderId/cancel', { schema: { tags: ['shop'], params: z.object({ orderId: id }) } }, async (request) => {
      const { user } = requireUser(request);
      return buyerOrderAction(ctx, user.id, request.params.orderId, 'cancel');
    });

    app.get('/api/shop/disputes', { schema: { tags: ['shop'] } }, async (request) => listBuyerDisputes(ctx, requireUser(request).user.id));

    app.get('/api/shop/refunds', { schema: { tags: ['shop'] } }, async (request) => {
      const { user } = requireUser(request);
      return listBuyerRefunds(ctx, user.id, user.locale);
    });

    app.get('/api/shop/subscriptions', { schema: { tags: ['shop'] } }, async (request) => {
      const { user } = requireUser(request);
      return listBuyerSubscriptions(ctx, user.id, user.locale);
    });

    app.post('/api/shop/subscriptions/:subscriptionId/cancel', { schema: { tags: ['shop'], params: z.object({ subscriptionId: id }) } }, async (request) => {
      const { user } = requireUser(request);
      return setSubscriptionStatus(ctx, request.params.subscriptionId, 'cancelled', user.id);
    });

    app.get('/api/shop/wallet', { schema: { tags: ['shop'] } }, async (request) => {
      const { user } = requireUser(request);
      return buyerWallet(ctx, user.id, user.locale);
    });

    app.post('/api/shop/wallet/withdraw', { schema: { tags: ['shop'] } }, async (request) => {
      const { user } = requireUser(request);
      const result = await withdrawWallet(ctx, user.id);
      return { balance: result.balance, withdrawn: result.withdrawn, currency: result.currency };
    });
  };
}
