import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IntlMessageFormat } from 'intl-messageformat';
import { fallbackChain, type Locale } from '../../../src/domain/locales.ts';
import { PSEUDO_LOCALE, pseudoLocalize } from '../../../web/src/lib/pseudo-locale.ts';

export type Lang = Locale | typeof PSEUDO_LOCALE;
type Tree = { [key: string]: string | string[] | Tree };

const load = (lang: string): Tree => {
  if (lang === PSEUDO_LOCALE) return pseudoLocalize(load('en')) as Tree;
  try {
    return JSON.parse(readFileSync(fileURLToPath(new URL(`../../../web/src/locales/${lang}.json`, import.meta.url)), 'utf8')) as Tree;
  } catch {
    return {};
  }
};
const TREES = new Map<string, Tree>();
const tree = (lang: string) => {
  if (!TREES.has(lang)) TREES.set(lang, load(lang));
  return TREES.get(lang)!;
};

const lookup = (lang: string, key: string): string | undefined => {
  let node: unknown = tree(lang);
  for (const part of key.split('.')) node = (node as Tree | undefined)?.[part];
  return typeof node === 'string' ? node : undefined;
};

/**
 * The UI's own words, formatted like the UI formats them (ICU, the same fallback chain), so the
 * same test reads a page in any language. Staff texts fall back to English in the buyer-only languages.
 */
export function translator(lang: Lang) {
  const chain = lang === PSEUDO_LOCALE ? [lang, 'en'] : fallbackChain(lang);
  return (key: string, vars: Record<string, string | number> = {}): string => {
    const from = chain.find((l) => lookup(l, key) !== undefined);
    if (!from) throw new Error(`no text for ${key} in ${lang}`);
    const message = new IntlMessageFormat(lookup(from, key)!, from === PSEUDO_LOCALE ? 'en' : from, undefined, { ignoreTag: true });
    // A placeholder the test leaves out reads as empty, as the page would show before data arrives.
    const values = new Proxy(vars, { has: () => true, get: (target, name: string) => (name in target ? target[name] : '') });
    return String(message.format(values));
  };
}

export const localeTree = (lang: Lang) => tree(lang);
