import type { Money } from '../../api/types.ts';

export type OrderStatus = 'awaiting_payment' | 'awaiting_shipment' | 'shipped' | 'completed' | 'closed';
export const ORDER_STATUSES: OrderStatus[] = ['awaiting_payment', 'awaiting_shipment', 'shipped', 'completed', 'closed'];

export interface OrderSummary {
  id: string;
  status: OrderStatus;
  total: Money;
  placedAt: string;
  completedAt: string | null;
}

export interface Order extends OrderSummary {
  items: Array<{ productName: string; qty: number; price: Money }>;
  shippingAddress: { name: string; phone: string; line1: string; city: string; country: string } | null;
}

export interface Overview {
  orders: { total: number; byStatus: Record<OrderStatus, number>; pending: number };
  recentOrders: OrderSummary[];
  wallet: Money;
  coupons: { unused: number };
  points: number;
  openDisputes: number;
  refundsInProgress: number;
  activeSubscriptions: number;
}

export interface Wallet {
  balance: Money;
  points: number;
  coupons: Array<{ id: string; code: string; value: Money; status: string; expiresAt: string }>;
}
