import { describe, expect, it } from 'vitest';
import { buildScanSql } from './erasure-scan.ts';

describe('the verification scan, limited to some rows', () => {
  it('reads only the rows `rowsWhere` selects, with the subject’s path when both are given', () => {
    const built = buildScanSql({ table: 'pgboss.job', columns: ['name', 'data'], rowsWhere: `t.name IN ('notify')` });
    expect(built.text).toContain(`FROM "pgboss"."job" AS t WHERE (t.name IN ('notify')) OFFSET 0)`);
    const path = { hops: [], identity: { table: 'shop.orders', column: 'buyer_id', kind: 'user_id' as const } };
    const both = buildScanSql({ table: 'shop.orders', columns: ['note'], only: path, rowsWhere: 't.note IS NOT NULL' });
    expect(both.text).toContain(`WHERE t."buyer_id" = $1 AND (t.note IS NOT NULL) OFFSET 0)`);
  });
});
