import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Lang = 'en' | 'zh-CN';
type Tree = { [key: string]: string | string[] | Tree };

const load = (lang: Lang) => JSON.parse(readFileSync(fileURLToPath(new URL(`../../../web/src/locales/${lang}.json`, import.meta.url)), 'utf8')) as Tree;
const TREES: Record<Lang, Tree> = { en: load('en'), 'zh-CN': load('zh-CN') };

/** The UI's own words, so the same test reads English and Chinese pages. */
export function translator(lang: Lang) {
  return (key: string, vars: Record<string, string | number> = {}): string => {
    let node: unknown = TREES[lang];
    for (const part of key.split('.')) node = (node as Tree | undefined)?.[part];
    if (typeof node !== 'string') throw new Error(`no text for ${key} in ${lang}`);
    return node.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name] ?? ''));
  };
}

export const localeTree = (lang: Lang) => TREES[lang];
