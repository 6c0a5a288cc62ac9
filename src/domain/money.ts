/** Money as the API shows it: minor units (fen, cents) with the currency, plus a formatted string. */
export interface MoneyView {
  value: number;
  currency: string;
  formatted: string;
}

const digitsCache = new Map<string, number>();

/** Fraction digits of a currency (CNY 2, JPY 0), from ICU. */
export function currencyDigits(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    digitsCache.set(currency, digits);
  }
  return digits;
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits);
  } catch {
    return `${(minor / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

export const moneyView = (minor: number, currency: string, locale: string): MoneyView => ({ value: minor, currency, formatted: formatMoney(minor, currency, locale) });
