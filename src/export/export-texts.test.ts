import { describe, expect, it } from 'vitest';
import { planExport } from '../domain/export-datamap.ts';
import { LOCALES } from '../domain/locales.ts';
import { readDataMap } from '../erasure/datamap.ts';
import { NOTIFY_MESSAGES } from '../notify/render.ts';
import { tableTextKey } from './export-readme.ts';

describe('the export README texts', () => {
  const tables = planExport(readDataMap()).map((t) => t.table);

  it('cover the bundled data map', () => {
    expect(tables).toContain('public.users');
    expect(tables).toContain('platform.loyalty_members');
  });

  // Each locale's own file, not the English fallback: a buyer reads every description in their language.
  it.each(LOCALES)('describe every exported table in %s', (locale) => {
    const own = NOTIFY_MESSAGES.raw(locale);
    expect(tables.filter((table) => !own[tableTextKey(table)])).toEqual([]);
  });
});
