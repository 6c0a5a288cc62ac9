import { describe, expect, it } from 'vitest';
import { tableSchema, type TableSpec } from './erasure-datamap.ts';
import { dataMapCoverage, mappedSchemas, privilegesNeeded } from './erasure-datamap-coverage.ts';

const tables: Record<string, TableSpec> = {
  'crm.contacts': tableSchema.parse({ rows: 'update', reach: { column: 'user_ref', identity: 'user_id' }, columns: { id: 'non_personal', user_ref: { action: 'keep_pseudonymous', note: 'id' }, email: 'set_null' } }),
  'crm.visits': tableSchema.parse({ rows: 'delete', reach: { column: 'user_ref', identity: 'user_id' }, columns: { user_ref: 'delete_row', page: 'delete_row' } }),
};
const live = (names: string[]) => names.map((n) => ({ table: n.split('.').slice(0, 2).join('.'), column: n.split('.')[2] }));

describe('data map coverage', () => {
  it('finds nothing when the map and the database agree', () => {
    expect(dataMapCoverage(tables, live(['crm.contacts.id', 'crm.contacts.user_ref', 'crm.contacts.email', 'crm.visits.user_ref', 'crm.visits.page']))).toEqual({ unmapped: [], stale: [] });
  });

  it('names a new column nobody mapped, a table nobody mapped, and a mapped column that is gone', () => {
    const found = dataMapCoverage(tables, live(['crm.contacts.id', 'crm.contacts.user_ref', 'crm.contacts.email', 'crm.contacts.phone', 'crm.visits.user_ref', 'crm.notes.body']));
    expect(found).toEqual({ unmapped: ['crm.contacts.phone', 'crm.notes.body'], stale: ['crm.visits.page'] });
  });

  it('answers for the schemas the map names, and asks for the privileges each row policy uses', () => {
    expect(mappedSchemas(tables)).toEqual(['crm']);
    expect(privilegesNeeded('delete')).toEqual(['SELECT', 'DELETE']);
    expect(privilegesNeeded('update')).toEqual(['SELECT', 'UPDATE']);
    expect(privilegesNeeded('retain')).toEqual(['SELECT', 'UPDATE', 'DELETE']);
    expect(privilegesNeeded('none')).toEqual(['SELECT']);
  });
});
