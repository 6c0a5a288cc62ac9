import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const STATUS_TONES: Record<string, Tone> = {
  submitted: 'info',
  in_review: 'info',
  needs_info: 'warning',
  rejected: 'danger',
  approved: 'success',
  grace: 'warning',
  erasing: 'warning',
  erased: 'neutral',
  withdrawn: 'neutral',
  running: 'info',
  pending_external: 'warning',
  completed: 'success',
  failed: 'danger',
  done: 'success',
  pending: 'neutral',
  confirmed: 'success',
  healthy: 'success',
  degraded: 'warning',
  failing: 'danger',
  sending: 'info',
  delivered: 'info',
  disabled: 'neutral',
  exception: 'warning',
  order_awaiting_payment: 'warning',
  order_awaiting_shipment: 'info',
  order_shipped: 'info',
  order_completed: 'success',
  order_closed: 'neutral',
  coupon_unused: 'success',
  coupon_used: 'neutral',
  coupon_expired: 'neutral',
  disputes_open: 'warning',
  disputes_closed: 'neutral',
  refunds_in_progress: 'info',
  refunds_done: 'success',
  subscriptions_active: 'info',
  subscriptions_cancelled: 'neutral',
};

/** A status word in colour and in text (colour is never the only signal). */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Badge tone={STATUS_TONES[status] ?? 'neutral'}>{t(`status.${status}`, { defaultValue: status })}</Badge>;
}
