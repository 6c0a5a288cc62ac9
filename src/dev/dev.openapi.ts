import { z } from 'zod';
import { ok, op, type OperationCatalog } from '../http/openapi/operation.ts';

const time = z.string().describe('ISO 8601 UTC');
const clock = z.object({ now: time.describe('the service clock') });
/** What a dev fixture made or changed: its id and, for a change, the new state. */
const DevResult = z.record(z.string(), z.unknown()).describe('the id of what was made or changed, and its new state');
const made = (what: string) => ({ 201: ok(DevResult, `${what} made`) });
const changed = (what: string) => ({ 200: ok(DevResult, `${what} changed`) });
const dev = 'public' as const;

export const devOperations: OperationCatalog = {
  'GET /api/dev/mailbox': op('devMailbox', 'Messages sent to the dev mailbox, newest first (dev tools)', dev, {
    200: ok(z.array(z.object({ to: z.string(), subject: z.string(), text: z.string(), html: z.string(), channel: z.enum(['email', 'sms']), sentAt: time })), 'Messages'),
  }),
  'POST /api/dev/clock': op('devSetClock', 'Move the service clock (dev tools)', dev, { 200: ok(clock, 'The new time') }, 'VALIDATION_FAILED', 'DEV_TOOLS_DISABLED'),
  'GET /api/dev/clock': op('devGetClock', 'The service clock (dev tools)', dev, { 200: ok(clock, 'The time') }),
  'POST /api/dev/jobs/run': op('devRunJobs', 'Run every due job now (dev tools)', dev, {
    200: ok(z.object({ queues: z.record(z.string(), z.object({ completed: z.number().int(), failed: z.number().int() })) }), 'Counts per queue'),
  }),
  'POST /api/dev/shop/orders': op('devCreateOrder', 'Make a demo order (dev tools)', dev, made('Order'), 'NOT_FOUND', 'ACCOUNT_FROZEN', 'VALIDATION_FAILED'),
  'PATCH /api/dev/shop/orders/:orderId': op('devSetOrderStatus', 'Change a demo order’s status (dev tools)', dev, changed('Order'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'POST /api/dev/shop/disputes': op('devOpenDispute', 'Open a demo dispute (dev tools)', dev, made('Dispute'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'PATCH /api/dev/shop/disputes/:disputeId': op('devSetDisputeStatus', 'Open or close a demo dispute (dev tools)', dev, changed('Dispute'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'POST /api/dev/shop/wallet': op('devSetWallet', 'Set a demo wallet balance (dev tools)', dev, changed('Wallet'), 'NOT_FOUND', 'ACCOUNT_FROZEN', 'VALIDATION_FAILED'),
  'POST /api/dev/shop/refunds': op('devCreateRefund', 'Make a demo refund (dev tools)', dev, made('Refund'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'PATCH /api/dev/shop/refunds/:refundId': op('devSetRefundStatus', 'Change a demo refund’s status (dev tools)', dev, changed('Refund'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'POST /api/dev/shop/subscriptions': op('devStartSubscription', 'Start a demo subscription (dev tools)', dev, made('Subscription'), 'NOT_FOUND', 'ACCOUNT_FROZEN', 'VALIDATION_FAILED'),
  'PATCH /api/dev/shop/subscriptions/:subscriptionId': op('devSetSubscriptionStatus', 'Change a demo subscription’s status (dev tools)', dev, changed('Subscription'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'POST /api/dev/shop/coupons': op('devIssueCoupon', 'Issue a demo coupon (dev tools)', dev, made('Coupon'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'PATCH /api/dev/shop/coupons/:couponId': op('devSetCouponStatus', 'Change a demo coupon’s status (dev tools)', dev, changed('Coupon'), 'NOT_FOUND', 'VALIDATION_FAILED'),
  'POST /api/dev/shop/points': op('devSetPoints', 'Set a demo points balance (dev tools)', dev, changed('Points'), 'NOT_FOUND', 'VALIDATION_FAILED'),
};
