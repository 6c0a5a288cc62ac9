import { describe, expect, it } from 'vitest';
import { storeSchema, type DataMap } from './erasure-datamap.ts';
import { exportDecisionProblems, planExport } from './export-datamap.ts';

const map = (tables: Record<string, unknown>): DataMap => ({ stores: [storeSchema.parse({ store: 's', database: 'adieu', tables })] });

describe('export decisions of the data map', () => {
  it('names a personal column without a decision, and ciphertext let out as stored', () => {
    const problems = exportDecisionProblems(
      map({
        'a.users': {
          rows: 'update',
          reach: { column: 'id', identity: 'user_id' },
          columns: {
            id: { action: 'keep_pseudonymous', note: 'id', export: 'include' },
            email: 'set_null',
            secret_enc: { action: 'set_null', encrypted: true, export: 'include' },
            sealed_enc: { action: 'non_personal', encrypted: true },
            total: 'non_personal',
          },
        },
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('a.users.email: personal column (set_null) has no export decision'),
      expect.stringContaining('a.users.secret_enc: encrypted column exported as stored'),
      expect.stringContaining('a.users.sealed_enc: encrypted column has no export decision'),
    ]);
  });

  it('plans the tables that reach the buyer, with decrypted, included and non-personal columns, never omitted ones', () => {
    const plan = planExport(
      map({
        'a.users': {
          rows: 'update',
          reach: { column: 'id', identity: 'user_id' },
          columns: {
            id: { action: 'keep_pseudonymous', note: 'id', export: 'include' },
            email_enc: { action: 'set_null', encrypted: true, export: { decrypt: 'email' } },
            password_hash: { action: 'set_null', export: 'omit' },
            undecided: 'set_null',
            created_at: 'non_personal',
          },
        },
        'a.orders': { rows: 'update', reach: { column: 'user_id', references: 'a.users.id' }, columns: { user_id: { action: 'keep_pseudonymous', note: 'x', export: 'include' }, staff_id: { action: 'non_personal', export: 'omit' } } },
        'a.settings': { rows: 'none', columns: { key: 'non_personal' } },
      }),
    );
    expect(plan.map((t) => [t.table, t.columns])).toEqual([
      ['a.users', [{ name: 'id' }, { name: 'email_enc', decrypt: 'email' }, { name: 'created_at' }]],
      ['a.orders', [{ name: 'user_id' }]],
    ]);
    expect(plan[1].path.hops).toHaveLength(1);
  });

});
