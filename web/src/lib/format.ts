import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Money } from '../api/types.ts';

const DAY = 24 * 60 * 60 * 1000;

/** Dates, numbers and money in the reader's language (Intl), in their own time zone. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? 'en';
  return useMemo(() => {
    const dateFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
    const dateTimeFmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const numberFmt = new Intl.NumberFormat(locale);
    const relativeFmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
    const parse = (value: string | Date | null | undefined) => (value ? new Date(value) : null);
    return {
      locale,
      date: (value: string | Date | null | undefined) => {
        const d = parse(value);
        return d && !Number.isNaN(d.getTime()) ? dateFmt.format(d) : '—';
      },
      dateTime: (value: string | Date | null | undefined) => {
        const d = parse(value);
        return d && !Number.isNaN(d.getTime()) ? dateTimeFmt.format(d) : '—';
      },
      number: (value: number) => numberFmt.format(value),
      money: (value: number | Money | null | undefined, fallbackCurrency = 'CNY') => formatMoney(locale, value, fallbackCurrency),
      /** "in 3 days", "2 hours ago", relative to `now` (the service clock when known). */
      relative: (value: string | Date, now: number = Date.now()) => {
        const diff = new Date(value).getTime() - now;
        const abs = Math.abs(diff);
        if (abs >= DAY) return relativeFmt.format(Math.round(diff / DAY), 'day');
        if (abs >= 60 * 60 * 1000) return relativeFmt.format(Math.round(diff / 3_600_000), 'hour');
        return relativeFmt.format(Math.round(diff / 60_000), 'minute');
      },
      percent: (value: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value),
    };
  }, [locale]);
}

/**
 * Money arrives as `{ value, currency }` in minor units (fen, cents; the shop's convention), or as a
 * plain number in major units. Minor units are divided by the currency's own fraction digits.
 */
export function formatMoney(locale: string, value: number | Money | null | undefined, fallbackCurrency = 'CNY'): string {
  if (value === null || value === undefined) return '—';
  const currency = (typeof value === 'object' && value.currency) || fallbackCurrency;
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency });
  if (typeof value === 'number') return fmt.format(value);
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return typeof value.value === 'number' ? fmt.format(value.value / 10 ** digits) : '—';
}
