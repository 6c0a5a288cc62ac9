import { describe, expect, it } from 'vitest';
import type { ExportTable } from '../domain/export-datamap.ts';
import { LOCALES } from '../domain/locales.ts';
import { renderReadme } from './export-readme.ts';

const users = {
  store: { store: 'adieu', title: 'Adieu' },
  table: 'public.users',
  path: [],
  columns: [{ name: 'email_enc', decrypt: 'email' }, { name: 'created_at' }],
  file: 'stores/adieu/public.users',
} as unknown as ExportTable;

const readme = (locale: (typeof LOCALES)[number]) =>
  renderReadme({
    locale,
    generatedAt: new Date('2026-03-01T08:00:00Z'),
    jwksUrl: 'https://adieu.example/.well-known/jwks.json',
    tables: [{ table: users, rows: 1, files: ['stores/adieu/public.users.json'] }],
    documents: [],
  });

describe('the export README', () => {
  it('reads right to left in Arabic and left to right elsewhere', () => {
    expect(readme('ar')).toContain('<html lang="ar" dir="rtl">');
    expect(readme('en')).toContain('<html lang="en" dir="ltr">');
    expect(readme('ja')).toContain('<html lang="ja" dir="ltr">');
  });

  it.each(LOCALES.filter((l) => l !== 'en'))('is written in %s, not in English', (locale) => {
    const english = readme('en');
    const text = readme(locale);
    for (const sentence of ['This archive holds a copy', 'Proof of what was held', 'your email address', 'Your account: name']) {
      expect(english).toContain(sentence);
      expect(text).not.toContain(sentence);
    }
    // The placeholders are filled in every language.
    expect(text).toContain('https://adieu.example/.well-known/jwks.json');
    expect(text).toContain('2026-03-01T08:00:00.000Z');
  });
});
