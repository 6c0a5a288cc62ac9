import { fileURLToPath } from 'node:url';
import type { Finding, Money } from '../domain/eligibility.ts';
import { negotiateLocale, type Locale } from '../domain/locales.ts';
import { MessageCatalog } from '../i18n/catalog.ts';
import { formatMoney } from '../domain/money.ts';
import { ELIGIBILITY_LOCALES, type Blocker, type EligibilityLocale } from './check-provider.ts';

export { ELIGIBILITY_LOCALES, type EligibilityLocale };

/** The blockers', warnings' and consequences' words: ICU messages in `locales/<locale>.json`. */
export const ELIGIBILITY_MESSAGES = MessageCatalog.fromDirectory(fileURLToPath(new URL('./locales', import.meta.url)));

/** Any language tag → the closest supported locale (`zh-HK` → zh-TW, `pt` → pt-BR, else en). */
export const toEligibilityLocale = (value: string | null | undefined): EligibilityLocale => negotiateLocale(value);

/** One formatter per locale: making an Intl formatter costs far more than using it. */
const listFormats = new Map<Locale, Intl.ListFormat>();

/** "A, B and C" in the buyer's language (Intl.ListFormat), never glued together by hand. */
function joinList(items: string[], locale: Locale): string {
  let format = listFormats.get(locale);
  if (!format) listFormats.set(locale, (format = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' })));
  return format.format(items);
}

const formatAmounts = (amounts: Money[], locale: Locale) =>
  joinList(
    amounts.map((a) => formatMoney(a.value, a.currency, locale)),
    locale,
  );

/** Puts a finding into words in the buyer's language. */
export function describeFinding(finding: Finding, locale: EligibilityLocale, extra: Record<string, string | number> = {}): Blocker {
  const t = (key: string, values: Record<string, string | number>) => ELIGIBILITY_MESSAGES.format(locale, `findings.${finding.code}.${key}`, values);
  const breakdown = joinList(
    Object.entries(finding.parts ?? {}).map(([status, n]) =>
      ELIGIBILITY_MESSAGES.has(locale, `orderStatus.${status}`) ? ELIGIBILITY_MESSAGES.format(locale, `orderStatus.${status}`, { count: n }) : status,
    ),
    locale,
  );
  const values = { count: finding.count ?? 0, amount: formatAmounts(finding.amounts, locale), breakdown, ...extra };
  const blocker: Blocker = {
    code: finding.code,
    title: t('title', values),
    detail: t('detail', values),
    resolveHint: t('resolveHint', values),
  };
  if (finding.count !== undefined) blocker.count = finding.count;
  // One currency: a machine-readable amount; several: only in the words.
  if (finding.amounts.length === 1) blocker.amount = { value: finding.amounts[0].value, currency: finding.amounts[0].currency };
  if (finding.link) blocker.link = finding.link;
  return blocker;
}

/** What closing the account means, in plain words. */
export function describeConsequences(locale: EligibilityLocale, graceDays: number): string[] {
  const t = (key: string, values: Record<string, number> = {}) => ELIGIBILITY_MESSAGES.format(locale, `consequences.${key}`, values);
  return [t('closed'), t('deleted'), t('keptByLaw'), t('lost'), t('grace', { days: graceDays }), t('certificate')];
}
