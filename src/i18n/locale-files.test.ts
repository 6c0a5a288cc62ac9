import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { LOCALES, STAFF_LOCALES } from '../domain/locales.ts';

/**
 * The translation files themselves: every locale has every key English has (staff-only texts in the
 * staff languages only), no other key, the same placeholders, valid ICU syntax, and every plural
 * form its language needs. The web UI's keys are also checked against the components that use them.
 */
type Tree = { [key: string]: unknown };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Tree;

function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (Array.isArray(value)) value.forEach((item, i) => (out[`${prefix}${key}.${i}`] = String(item)));
    else if (value && typeof value === 'object') Object.assign(out, flatten(value as Tree, `${prefix}${key}.`));
    else out[`${prefix}${key}`] = String(value);
  }
  return out;
}

/** Sections of the web UI that only staff see: written in en and zh-CN only. */
const STAFF_SECTIONS = ['review.', 'admin.', 'dev.'];
const isStaffKey = (key: string) => STAFF_SECTIONS.some((s) => key.startsWith(s));

interface Catalog {
  name: string;
  /** Messages per locale that must exist. */
  files: (locale: string) => Record<string, string>;
  /** Keys only staff languages must carry. */
  staffOnly: (key: string) => boolean;
  /** Guidance is plain text that admins edit, not ICU. */
  icu: boolean;
}

const dirFiles = (dir: string, locale: string, pattern: (file: string) => boolean) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(`.${locale}.json`) || f === `${locale}.json`)
    .filter(pattern)
    .reduce<Record<string, string>>((all, f) => ({ ...all, ...prefixKeys(f, flatten(readJson(`${dir}/${f}`))) }), {});
const prefixKeys = (file: string, messages: Record<string, string>) => {
  const feature = file.split('.').length > 2 ? `${file.split('.')[0]}:` : '';
  return Object.fromEntries(Object.entries(messages).map(([k, v]) => [`${feature}${k}`, v]));
};
const exists = (path: string) => {
  try {
    return statSync(join(ROOT, path)).isFile();
  } catch {
    return false;
  }
};

const CATALOGS: Catalog[] = [
  { name: 'web UI', files: (l) => (exists(`web/src/locales/${l}.json`) ? flatten(readJson(`web/src/locales/${l}.json`)) : {}), staffOnly: isStaffKey, icu: true },
  { name: 'mail and SMS', files: (l) => dirFiles('src/notify/locales', l, () => true), staffOnly: (k) => k.startsWith('staff:'), icu: true },
  { name: 'eligibility', files: (l) => dirFiles('src/eligibility/locales', l, () => true), staffOnly: () => false, icu: true },
  { name: 'guidance defaults', files: (l) => dirFiles('src/review/locales', l, () => true), staffOnly: () => false, icu: false },
];

function elementsOf(message: string): MessageFormatElement[] {
  return parse(message, { requiresOtherClause: true });
}

/** Placeholder names (arguments, plural and select variables) of a message. */
function argumentsOf(elements: MessageFormatElement[], out = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date || el.type === TYPE.time) out.add(el.value);
    if (el.type === TYPE.plural || el.type === TYPE.select) {
      out.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, out);
    }
    if (el.type === TYPE.tag) {
      out.add(`<${el.value}>`);
      argumentsOf(el.children, out);
    }
  }
  return out;
}

/**
 * The CLDR plural categories that whole counts reach in a language (Russian: one, few, many, other;
 * Arabic: all six). Categories only compact numbers reach (Spanish `many` for "1 M") are left out.
 */
const countCategories = (locale: string) => {
  const rules = new Intl.PluralRules(locale);
  return [...new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)))];
};

/** Plural selectors missing for the language's categories (`=0` etc. are extras, never substitutes). */
function missingPluralForms(elements: MessageFormatElement[], locale: string): string[] {
  const needed = countCategories(locale);
  const missing: string[] = [];
  for (const el of elements) {
    if (el.type === TYPE.plural && el.pluralType !== 'ordinal') {
      for (const category of needed) if (!(category in el.options)) missing.push(`${el.value}:${category}`);
      for (const option of Object.values(el.options)) missing.push(...missingPluralForms(option.value, locale));
    } else if (el.type === TYPE.select) {
      for (const option of Object.values(el.options)) missing.push(...missingPluralForms(option.value, locale));
    } else if (el.type === TYPE.tag) missing.push(...missingPluralForms(el.children, locale));
  }
  return missing;
}

describe.each(CATALOGS)('$name translations', (catalog) => {
  const english = catalog.files('en');
  const englishArgs = new Map(Object.entries(english).map(([k, v]) => [k, catalog.icu ? [...argumentsOf(elementsOf(v))].sort().join() : '']));

  it.each([...LOCALES])('%s has every key English has, and no other', (locale) => {
    const messages = catalog.files(locale);
    const staff = STAFF_LOCALES.includes(locale);
    const expected = Object.keys(english).filter((k) => staff || !catalog.staffOnly(k));
    expect(expected.filter((k) => messages[k] === undefined || messages[k].trim() === '')).toEqual([]);
    expect(Object.keys(messages).filter((k) => english[k] === undefined || (!staff && catalog.staffOnly(k)))).toEqual([]);
  });

  it.skipIf(!catalog.icu).each([...LOCALES])('%s: valid ICU, the same placeholders as English, every plural form', (locale) => {
    const problems: string[] = [];
    for (const [key, message] of Object.entries(catalog.files(locale))) {
      let elements: MessageFormatElement[];
      try {
        elements = elementsOf(message);
      } catch (error) {
        problems.push(`${key}: ${(error as Error).message}`);
        continue;
      }
      const args = [...argumentsOf(elements)].sort().join();
      if (englishArgs.has(key) && args !== englishArgs.get(key)) problems.push(`${key}: placeholders ${args} ≠ ${englishArgs.get(key)}`);
      for (const missing of missingPluralForms(elements, locale)) problems.push(`${key}: no plural form ${missing}`);
    }
    expect(problems).toEqual([]);
  });

  // A file copied from English to fill a new locale passes the key checks; this catches it. Short
  // words may rightly be the same (`File` in Italian), so only a large share of copies fails.
  it.each(LOCALES.filter((l) => l !== 'en'))('%s is translated, not a copy of English', (locale) => {
    const messages = catalog.files(locale);
    const fileOf = (key: string) => (key.includes(':') ? key.split(':')[0] : catalog.name);
    const copies = new Map<string, { same: number; all: number }>();
    for (const [key, text] of Object.entries(english)) {
      if (messages[key] === undefined) continue;
      const count = copies.get(fileOf(key)) ?? { same: 0, all: 0 };
      count.all += 1;
      if (messages[key] === text) count.same += 1;
      copies.set(fileOf(key), count);
    }
    const copied = [...copies].filter(([, c]) => c.all >= 10 && c.same / c.all > 0.25).map(([file, c]) => `${file}: ${c.same} of ${c.all} in English`);
    expect(copied).toEqual([]);
  });
});

const SRC = join(ROOT, 'web/src/');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}
const componentSources = sources(SRC).filter((f) => !f.includes('/locales/'));

describe('the web UI and its translations', () => {
  const en = flatten(readJson('web/src/locales/en.json'));
  const texts = componentSources.map((file) => ({ file: file.slice(SRC.length), text: readFileSync(file, 'utf8') }));

  it('has a text for every key the components ask for', () => {
    const missing: string[] = [];
    for (const { file, text } of texts) {
      for (const match of text.matchAll(/\bt\(\s*'([^'$]+)'/g)) {
        const key = match[1];
        if (!(key in en) && !Object.keys(en).some((k) => k.startsWith(`${key}.`))) missing.push(`${key} (${file})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no key that no component uses', () => {
    // A key is used when a component names it (`t('a.b')`, `i18nKey="a.b"`, a key in a string) or
    // builds it from a prefix (`t(`a.${x}`)`, `'a.' + x`).
    const all = texts.map((t) => t.text).join('\n');
    const literal = new Set([...all.matchAll(/['"`]([a-zA-Z][\w-]*(?:\.[\w-]+)+)['"`]/g)].map((m) => m[1]));
    const prefixes = [...all.matchAll(/[`'"]([a-zA-Z][\w-]*(?:\.[\w-]+)*\.?[\w-]*)\$\{/g)].map((m) => m[1]).filter((p) => p.length > 2);
    const parents = (key: string) => key.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
    const unused = Object.keys(en).filter((key) => {
      const candidates = [...parents(key), key.replace(/\.\d+$/, '')];
      return !candidates.some((k) => literal.has(k)) && !prefixes.some((p) => key.startsWith(p));
    });
    expect(unused).toEqual([]);
  });

  it('keeps components free of hard-coded sentences', () => {
    // JSX text nodes made of letters (not punctuation, symbols or code) must come from t().
    const offenders: string[] = [];
    for (const { file, text } of texts.filter((t) => t.file.endsWith('.tsx'))) {
      // `=>` and generics (`api<T>(…)`) are code, not JSX text: skip `>` after `=` and text with code characters.
      for (const match of text.matchAll(/[^=-]>\s*([A-Za-z\u4e00-\u9fff][^<>{}();=?&|]*?)\s*</g)) {
        const words = match[1].trim();
        if (/^[A-Z]$/.test(words) || words === 'SMS' || words === 'HTTP') continue;
        offenders.push(`${file}: ${words}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
