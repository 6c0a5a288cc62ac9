import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { localeTree } from './helpers/i18n.ts';

type Tree = { [key: string]: unknown };

function flatten(tree: Tree, prefix = ''): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(tree)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, flatten(value as Tree, `${prefix}${key}.`));
    else out[`${prefix}${key}`] = value as string | string[];
  }
  return out;
}

const base = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
const vars = (text: string | string[]) => [...new Set([...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]))].sort();

const en = flatten(localeTree('en') as Tree);
const zh = flatten(localeTree('zh-CN') as Tree);
const SRC = fileURLToPath(new URL('../../web/src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every text of the UI exists in both languages, with the same placeholders. */
describe('translations', () => {
  it('have the same keys in English and Simplified Chinese', () => {
    const enKeys = new Set(Object.keys(en).map(base));
    const zhKeys = new Set(Object.keys(zh).map(base));
    expect([...enKeys].filter((k) => !zhKeys.has(k))).toEqual([]);
    expect([...zhKeys].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('use the same placeholders in both languages', () => {
    const mismatches: string[] = [];
    for (const key of Object.keys(en)) {
      const other = zh[key] ?? zh[`${base(key)}_other`];
      if (other !== undefined && vars(en[key]).join() !== vars(other).join()) {
        // A plural form may leave out {{count}} (English "1 point").
        const withoutCount = (list: string[]) => list.filter((v) => v !== 'count').join();
        if (withoutCount(vars(en[key])) !== withoutCount(vars(other))) mismatches.push(key);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('cover every key the components ask for', () => {
    const missing: string[] = [];
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([^'$]+)'/g)) {
        const key = match[1];
        for (const [name, table] of [['en', en], ['zh-CN', zh]] as const) {
          const present = key in table || Object.keys(table).some((k) => base(k) === key || k.startsWith(`${key}.`));
          if (!present) missing.push(`${name}: ${key} (${file.slice(SRC.length)})`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('keep components free of hard-coded sentences', () => {
    // JSX text nodes made of letters (not punctuation, symbols or code) must come from t().
    const offenders: string[] = [];
    for (const file of sources(SRC).filter((f) => f.endsWith('.tsx'))) {
      const text = readFileSync(file, 'utf8');
      // `=>` and generics (`api<T>(…)`) are code, not JSX text: skip `>` after `=` and text with code characters.
      for (const match of text.matchAll(/[^=-]>\s*([A-Za-z\u4e00-\u9fff][^<>{}();=?&|]*?)\s*</g)) {
        const words = match[1].trim();
        if (/^[A-Z]$/.test(words) || words === 'SMS' || words === 'HTTP') continue;
        offenders.push(`${file.slice(SRC.length)}: ${words}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
