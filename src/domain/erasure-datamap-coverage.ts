import type { RowPolicy, TableSpec } from './erasure-datamap.ts';

/** One column as the database's catalog lists it (`information_schema.columns`). */
export interface LiveColumn {
  /** `schema.table` */
  table: string;
  column: string;
}

export interface Coverage {
  /** `schema.table.column` in the database but neither mapped nor declared non-personal. */
  unmapped: string[];
  /** `schema.table.column` in the map but not in the database. */
  stale: string[];
}

/**
 * Compares a store's mapped tables with the columns its database really has (those of every
 * schema the map names for that database): a new column that nobody mapped would slip past
 * erasure, a mapped column that is gone would make a step fail. Pure: the caller reads the catalog.
 */
export function dataMapCoverage(tables: Record<string, TableSpec>, live: LiveColumn[]): Coverage {
  const liveSet = new Set(live.map((c) => `${c.table}.${c.column}`));
  const unmapped = live.filter((c) => !tables[c.table]?.columns[c.column]).map((c) => `${c.table}.${c.column}`);
  const stale = Object.entries(tables)
    .flatMap(([table, spec]) => Object.keys(spec.columns).map((column) => `${table}.${column}`))
    .filter((column) => !liveSet.has(column));
  return { unmapped, stale };
}

/** The schemas a set of mapped tables lives in: the part of the database the map answers for. */
export const mappedSchemas = (tables: Record<string, TableSpec>): string[] => [...new Set(Object.keys(tables).map((t) => t.split('.')[0]))].sort();

/**
 * The table privileges a store's account needs for what the data map does with a table: erasure
 * statements (DELETE or UPDATE, with SELECT for their WHERE), the retention purge that later deletes
 * retained rows, and the verification scan that reads every mapped table.
 */
export function privilegesNeeded(rows: RowPolicy): Array<'SELECT' | 'UPDATE' | 'DELETE'> {
  switch (rows) {
    case 'delete':
      return ['SELECT', 'DELETE'];
    case 'update':
      return ['SELECT', 'UPDATE'];
    case 'retain':
      return ['SELECT', 'UPDATE', 'DELETE'];
    case 'handled':
    case 'none':
      return ['SELECT'];
  }
}
