import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Finding, Money } from '../domain/eligibility.ts';
import { formatMoney } from '../domain/money.ts';
import { ELIGIBILITY_LOCALES, type Blocker, type EligibilityLocale } from './check-provider.ts';

export { ELIGIBILITY_LOCALES, type EligibilityLocale };

interface FindingTexts {
  title?: string;
  title_one?: string;
  title_other?: string;
  detail: string;
  resolveHint: string;
}

export interface EligibilityTexts {
  orderStatus: Record<string, string>;
  list: { separator: string; last: string };
  findings: Record<string, FindingTexts>;
  consequences: Record<string, string>;
}

const LOCALES_DIR = fileURLToPath(new URL('./locales', import.meta.url));
const cache = new Map<EligibilityLocale, EligibilityTexts>();

/** The texts of one locale, read once from `locales/<locale>.json`. */
export function eligibilityTexts(locale: EligibilityLocale): EligibilityTexts {
  let texts = cache.get(locale);
  if (!texts) {
    texts = JSON.parse(readFileSync(`${LOCALES_DIR}/${locale}.json`, 'utf8')) as EligibilityTexts;
    cache.set(locale, texts);
  }
  return texts;
}

/** `zh…` → zh-CN, anything else → en. */
export function toEligibilityLocale(value: string | null | undefined): EligibilityLocale {
  return value && value.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** Picks `key_one` / `key_other` (CLDR plural rules of the locale), falling back to `key`. */
export function plural(entries: Record<string, string | undefined>, key: string, count: number | undefined, locale: EligibilityLocale): string {
  if (count !== undefined) {
    const category = new Intl.PluralRules(locale).select(count);
    const chosen = entries[`${key}_${category}`] ?? entries[`${key}_other`];
    if (chosen) return chosen;
  }
  return entries[key] ?? entries[`${key}_other`] ?? '';
}

function joinList(items: string[], texts: EligibilityTexts): string {
  if (items.length <= 1) return items.join('');
  return items.slice(0, -1).join(texts.list.separator) + texts.list.last + items[items.length - 1];
}

const formatAmounts = (amounts: Money[], locale: EligibilityLocale, texts: EligibilityTexts) =>
  joinList(
    amounts.map((a) => formatMoney(a.value, a.currency, locale)),
    texts,
  );

/** Puts a finding into words in the buyer's language. */
export function describeFinding(finding: Finding, locale: EligibilityLocale, extra: Record<string, string | number> = {}): Blocker {
  const texts = eligibilityTexts(locale);
  const entry = texts.findings[finding.code];
  const count = finding.count;
  const number = (n: number) => new Intl.NumberFormat(locale).format(n);
  const breakdown = joinList(
    Object.entries(finding.parts ?? {}).map(([status, n]) => fill(texts.orderStatus[status] ?? status, { count: number(n) })),
    texts,
  );
  const vars = { count: count === undefined ? '' : number(count), amount: formatAmounts(finding.amounts, locale, texts), breakdown, ...extra };
  const blocker: Blocker = {
    code: finding.code,
    title: fill(plural(entry as unknown as Record<string, string>, 'title', count, locale), vars),
    detail: fill(entry.detail, vars),
    resolveHint: fill(entry.resolveHint, vars),
  };
  if (count !== undefined) blocker.count = count;
  // One currency: a machine-readable amount; several: only in the words.
  if (finding.amounts.length === 1) blocker.amount = { value: finding.amounts[0].value, currency: finding.amounts[0].currency };
  if (finding.link) blocker.link = finding.link;
  return blocker;
}

/** What closing the account means, in plain words. */
export function describeConsequences(locale: EligibilityLocale, graceDays: number): string[] {
  const c = eligibilityTexts(locale).consequences;
  const grace = graceDays === 0 ? c.grace_zero : graceDays === 1 ? c.grace_one : fill(c.grace_other, { days: graceDays });
  return [c.closed, c.deleted, c.keptByLaw, c.lost, grace, c.certificate];
}
