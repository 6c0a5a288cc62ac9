import { describe, expect, it } from 'vitest';
import { ENDONYMS, LOCALES, fallbackChain, negotiateLocale, textDirection } from './locales.ts';

describe('locales', () => {
  it('finds the closest supported locale for a language tag', () => {
    expect(negotiateLocale('pt-PT')).toBe('pt-BR');
    expect(negotiateLocale('pt')).toBe('pt-BR');
    expect(negotiateLocale('de-AT')).toBe('de');
    expect(negotiateLocale('ar-EG')).toBe('ar');
    expect(negotiateLocale('zh')).toBe('zh-CN');
    expect(negotiateLocale('zh-SG')).toBe('zh-CN');
    expect(negotiateLocale('zh-HK')).toBe('zh-TW');
    expect(negotiateLocale('zh-Hant-HK')).toBe('zh-TW');
    expect(negotiateLocale('ZH_tw')).toBe('zh-TW');
    expect(negotiateLocale('sv-SE')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
  });

  it('falls back pt-BR → pt → en, and never from one Chinese script to the other', () => {
    expect(fallbackChain('pt-BR')).toEqual(['pt-BR', 'pt', 'en']);
    expect(fallbackChain('zh-TW')).toEqual(['zh-TW', 'en']);
    expect(fallbackChain('zh-CN')).toEqual(['zh-CN', 'en']);
    expect(fallbackChain('en')).toEqual(['en']);
  });

  it('names every locale in its own language and knows which read right to left', () => {
    expect(Object.keys(ENDONYMS).sort()).toEqual([...LOCALES].sort());
    expect(LOCALES.filter((l) => textDirection(l) === 'rtl')).toEqual(['ar']);
  });
});
