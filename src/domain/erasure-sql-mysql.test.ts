import { describe, expect, it } from 'vitest';
import type { ReachPath } from './erasure-plan.ts';
import { mysqlCountSql, mysqlDeleteBatchSql, mysqlIdent, mysqlScanSql, mysqlUpdateSql } from './erasure-sql-mysql.ts';

const direct: ReachPath = { hops: [], identity: { table: 'crm.customers', column: 'user_ref', kind: 'user_id' } };
const twoHops: ReachPath = {
  hops: [
    { column: 'ticket_id', parentTable: 'crm.tickets', parentColumn: 'id' },
    { column: 'customer_id', parentTable: 'crm.customers', parentColumn: 'id' },
  ],
  identity: { table: 'crm.customers', column: 'user_ref', kind: 'subject_id' },
};

describe('MySQL erasure statements', () => {
  it('deletes in LIMIT batches by the reach path, without an alias, one placeholder per identity', () => {
    const sql = mysqlDeleteBatchSql({ table: 'crm.replies', reach: twoHops }, 500);
    expect(sql.text).toBe(
      'DELETE FROM `crm`.`replies` WHERE `ticket_id` IN (SELECT `id` FROM `crm`.`tickets` WHERE `customer_id` IN (SELECT `id` FROM `crm`.`customers` WHERE `user_ref` = ?)) LIMIT 500',
    );
    expect(sql.params).toEqual([{ ref: 'subject_id' }]);
  });

  it('updates with every action, parameters in text order, and the same HMAC as PostgreSQL', () => {
    const sql = mysqlUpdateSql({
      table: 'crm.customers',
      reach: direct,
      sets: [
        { column: 'email', op: 'null' },
        { column: 'name', op: 'const', value: 'erased' },
        { column: 'phone', op: 'pseudonymise' },
        { column: 'postcode', op: 'truncate', length: 3 },
        { column: 'born', op: 'date_trunc', unit: 'year' },
        { column: 'erased_at', op: 'now' },
      ],
    })!;
    expect(sql.text).toContain('t.`email` = NULL');
    expect(sql.text).toContain('t.`postcode` = LEFT(t.`postcode`, 3)');
    expect(sql.text).toContain("t.`born` = DATE_FORMAT(t.`born`, '%Y-01-01')");
    expect(sql.text).toMatch(/SHA2\(CONCAT\(UNHEX\(\?\), UNHEX\(SHA2\(CONCAT\(UNHEX\(\?\), CONVERT\(t.`phone` USING utf8mb4\)\), 256\)\)\), 256\)/);
    expect(sql.params.map((p) => p.ref)).toEqual(['const', 'hmac_outer', 'hmac_inner', 'now', 'user_id']);
    expect(sql.text.split('?').length - 1).toBe(sql.params.length);
    expect(mysqlUpdateSql({ table: 'crm.customers', reach: direct, sets: [] })).toBeNull();
  });

  it('counts with the retention bounds, locking when asked', () => {
    const sql = mysqlCountSql({ table: 'crm.tickets', reach: direct, retain: { legalBasis: 'consumer law 3y', period: 'P3Y', from: 'closed_at', fallbackFrom: 'opened_at' } }, true);
    expect(sql.text).toBe(
      'SELECT COUNT(*) AS n, MIN(COALESCE(t.`closed_at`, t.`opened_at`)) AS earliest, MAX(COALESCE(t.`closed_at`, t.`opened_at`)) AS latest FROM `crm`.`tickets` AS t WHERE t.`user_ref` = ? FOR UPDATE',
    );
  });

  it('scans with the needles first, then the predicates in text order', () => {
    const sql = mysqlScanSql({ table: 'crm.customers', columns: ['email', 'id'], exceptSubject: direct }, [
      { kind: 'like', strong: false },
      { kind: 'regexp', strong: true },
    ]);
    expect(sql.text.indexOf('LIKE ?')).toBeLessThan(sql.text.indexOf('REGEXP ?'));
    expect(sql.text.indexOf('REGEXP ?')).toBeLessThan(sql.text.indexOf('`user_ref` = ?'));
    expect(sql.text).toContain('(t.`user_ref` = ?) IS NOT TRUE');
    expect(sql.params).toEqual([{ ref: 'user_id' }]);
  });

  it('matches weak needles in the subject’s rows only in the columns the erasure changes', () => {
    const sql = mysqlScanSql({ table: 'crm.customers', columns: ['email', 'id'], weak: { path: direct, columns: ['email'] } }, [
      { kind: 'like', strong: false },
      { kind: 'like', strong: true },
    ]);
    expect(sql.text).toContain('SUM(x.wtxt LIKE ?)');
    expect(sql.text).toContain('SUM(x.txt LIKE ?)');
    expect(sql.text).toContain('CASE WHEN (t.`user_ref` = ?) IS TRUE THEN LOWER(CONCAT_WS(CHAR(1 USING utf8mb4), CAST(t.`email` AS CHAR)))');
    expect(sql.params).toEqual([{ ref: 'user_id' }]);
  });

  it('refuses identifiers that are not plain lower-case names', () => {
    expect(() => mysqlIdent('a`; DROP TABLE x')).toThrow(/unsafe/);
  });
});
