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

/** One formatter per locale and currency (null: ICU knows neither): making one costs far more than using it. */
const moneyFormats = new Map<string, Intl.NumberFormat | null>();

function moneyFormat(currency: string, locale: string, digits: number): Intl.NumberFormat | null {
  const key = `${locale}\u0000${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    try {
      format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    } catch {
      format = null;
    }
    // Locales and currencies are few; the bound only keeps odd values from growing the map for ever.
    if (moneyFormats.size >= 1000) moneyFormats.clear();
    moneyFormats.set(key, format);
  }
  return format;
}

export function formatMoney(minor: number, currency: string, locale: string): string {
  const digits = currencyDigits(currency);
  const amount = minor / 10 ** digits;
  return moneyFormat(currency, locale, digits)?.format(amount) ?? `${amount.toFixed(digits)} ${currency}`;
}

export const moneyView = (minor: number, currency: string, locale: string): MoneyView => ({ value: minor, currency, formatted: formatMoney(minor, currency, locale) });
