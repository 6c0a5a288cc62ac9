import type { Answer, Schema } from '../../api/typed.ts';

export type OrderStatus = 'awaiting_payment' | 'awaiting_shipment' | 'shipped' | 'completed' | 'closed';
export const ORDER_STATUSES: OrderStatus[] = ['awaiting_payment', 'awaiting_shipment', 'shipped', 'completed', 'closed'];

export type Order = Schema<'Order'>;
export type OrderSummary = Omit<Order, 'items' | 'shippingAddress'>;
export type Overview = Answer<'/api/shop/overview', 'get'>;
export type Wallet = Answer<'/api/shop/wallet', 'get'>;
