import { describe, expect, it } from 'vitest';
import { checkDataMap, dataMapWarnings, storeSchema } from './erasure-datamap.ts';
import { planErasure, reachPath } from './erasure-plan.ts';
import { buildStepSql } from './erasure-sql.ts';
import { mysqlDeleteBatchSql } from './erasure-sql-mysql.ts';

/** Platform tables reached by the platform's buyer id, or (as a last resort) by a contact. */
const platform = storeSchema.parse({
  store: 'crm',
  database: { config: 'crm' },
  tables: {
    'crm.members': { rows: 'delete', reach: { column: 'platform_user_id', identity: 'external_id' }, columns: { platform_user_id: 'delete_row', id: 'non_personal', nickname: 'delete_row' } },
    'crm.member_notes': { rows: 'delete', reach: { column: 'member_id', references: 'crm.members.id' }, columns: { member_id: 'delete_row', body: 'delete_row' } },
    'crm.newsletter': { rows: 'delete', reach: { column: 'address', identity: 'email' }, columns: { address: 'delete_row' } },
    'crm.sms_optin': { rows: 'delete', reach: { column: 'msisdn', identity: 'phone' }, columns: { msisdn: 'delete_row' } },
  },
});

describe('reach by the platform id or a contact', () => {
  it('plans set-based steps whose placeholder is the identity of the reach path', () => {
    const map = { stores: [platform] };
    expect(checkDataMap(map)).toEqual([]);
    expect(reachPath(map, 'crm.member_notes')?.identity).toEqual({ table: 'crm.members', column: 'platform_user_id', kind: 'external_id' });
    const steps = planErasure(map).steps.filter((s) => s.kind === 'sql');
    const notes = buildStepSql(steps.find((s) => s.kind === 'sql' && s.table === 'crm.member_notes') as Parameters<typeof buildStepSql>[0]);
    expect(notes.text).toContain('"member_id" IN (SELECT "id" FROM "crm"."members" WHERE "platform_user_id" = $1)');
    expect(notes.params).toEqual([{ ref: 'external_id' }]);
    const mysql = mysqlDeleteBatchSql({ table: 'crm.newsletter', reach: reachPath(map, 'crm.newsletter')! }, 100);
    expect(mysql.params).toEqual([{ ref: 'email' }]);
  });

  it('warns about tables reached by email or phone, not about the platform id', () => {
    const warnings = dataMapWarnings({ stores: [platform] });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^crm: crm\.newsletter is reached by email \(address\): a last resort/);
    expect(warnings[1]).toMatch(/^crm: crm\.sms_optin is reached by phone/);
  });

  it('refuses kept rows reached by the platform id or a contact (the id would stay, the purge could not find them)', () => {
    const kept = storeSchema.parse({
      store: 'crm',
      database: { config: 'crm' },
      tables: {
        'crm.profiles': { rows: 'update', reach: { column: 'platform_user_id', identity: 'external_id' }, columns: { platform_user_id: { action: 'keep_pseudonymous', note: 'x' }, name: 'set_null' } },
        'crm.invoices': {
          rows: 'retain',
          reach: { column: 'email', identity: 'email' },
          retain: { legalBasis: 'tax law, ten years', period: 'P10Y', from: 'issued_at' },
          columns: { email: { action: 'keep_pseudonymous', note: 'x' }, issued_at: 'non_personal' },
        },
      },
    });
    const problems = checkDataMap({ stores: [kept] });
    expect(problems).toContainEqual(expect.stringContaining('crm: crm.profiles: rows reached by external_id must be deleted'));
    expect(problems).toContainEqual(expect.stringContaining('crm: crm.invoices: rows reached by email must be deleted'));
  });
});
