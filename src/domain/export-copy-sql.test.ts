import { describe, expect, it } from 'vitest';
import { exportCopySql, sqlLiteral, type ColumnType } from './export-copy-sql.ts';
import type { SubjectRowsQuery } from './erasure-sql.ts';

const TEXT: ColumnType = { oid: 25, typtype: 'b' };
const INT4: ColumnType = { oid: 23, typtype: 'b' };

const query = (columns: string[], exclude?: SubjectRowsQuery['exclude']): SubjectRowsQuery => ({
  table: 'shop.orders',
  columns,
  path: { hops: [], identity: { table: 'shop.orders', column: 'buyer_id', kind: 'user_id' } },
  ...(exclude ? { exclude } : {}),
});

describe('export COPY statements', () => {
  it('writes parameters as literals, quotes doubled, never a placeholder left', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral('back\\slash')).toBe("'back\\slash'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(() => sqlLiteral('a\0b')).toThrow();
    expect(() => sqlLiteral({})).toThrow();
    const types = new Map([
      ['id', TEXT],
      ['qty', INT4],
    ]);
    const sql = exportCopySql(query(['id', 'qty'], { column: 'id', values: ["x'y", '$1'] }), types, (params) =>
      params.map((p) => (p.ref === 'user_id' ? "usr_'1" : p.ref === 'const' ? p.value : null)),
    )!;
    // Each placeholder once, by its value; a value that looks like one stays as it is.
    for (const text of [sql.csv, sql.json]) expect(text).toContain(`WHERE t."buyer_id" = 'usr_''1' AND (t."id" IS NULL OR t."id"::text NOT IN ('x''y', '$1')))`);
    expect(sql.json).toContain(`'{"id":' || coalesce(to_json(t."id"::text)::text, 'null') || ',"qty":' || coalesce(t."qty"::text, 'null') || '}'`);
  });

  it('leaves the table to the row path for a type it does not write, a domain, a missing column or one column', () => {
    const resolve = () => ['usr_1'];
    const ok = new Map([
      ['id', TEXT],
      ['qty', INT4],
    ]);
    expect(exportCopySql(query(['id', 'qty']), ok, resolve)).not.toBeNull();
    expect(exportCopySql(query(['id', 'qty']), new Map([['id', TEXT], ['qty', { oid: 701, typtype: 'b' }]]), resolve)).toBeNull();
    expect(exportCopySql(query(['id', 'qty']), new Map([['id', TEXT], ['qty', { oid: 3802, typtype: 'b' }]]), resolve)).toBeNull();
    expect(exportCopySql(query(['id', 'qty']), new Map([['id', TEXT], ['qty', { oid: 90001, typtype: 'd' }]]), resolve)).toBeNull();
    expect(exportCopySql(query(['id', 'qty']), new Map([['id', TEXT]]), resolve)).toBeNull();
    expect(exportCopySql(query(['id']), ok, resolve)).toBeNull();
  });
});
