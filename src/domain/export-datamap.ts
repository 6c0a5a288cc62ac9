import type { ColumnSpec, DataMap, StoreSpec } from './erasure-datamap.ts';
import { reachPath, type ReachPath } from './erasure-plan.ts';

/**
 * The right of access read along the same data map that drives erasure: every table that reaches
 * the buyer becomes one JSON and one CSV file of their rows, with the columns whose export decision
 * lets them out. Pure: no I/O.
 */

/** One exported column: its name, and the sealed field to decrypt it as (buyer's key). */
export interface ExportColumn {
  name: string;
  decrypt?: string;
}

export interface ExportTable {
  store: StoreSpec;
  /** `schema.table` */
  table: string;
  path: ReachPath;
  columns: ExportColumn[];
  /** Rows left out (staff-only events). */
  exclude?: { column: string; values: string[] };
  /** Base name of its files in the ZIP (`stores/<store>/<schema.table>`), without extension. */
  file: string;
}

/**
 * A personal column says how it is exported; a column declared non-personal is exported unless it
 * says `omit` (ids of staff, internal states). An encrypted column must be decrypted or omitted:
 * ciphertext is no use to the buyer.
 */
export function exportDecisionOf(column: ColumnSpec): ExportColumn['decrypt'] | 'include' | 'omit' | null {
  const decision = column.export;
  if (decision === undefined) return column.action === 'non_personal' && !column.encrypted ? 'include' : null;
  if (typeof decision === 'object') return decision.decrypt;
  return decision;
}

/** Columns the export check refuses: a personal column without a decision, ciphertext let out as is. */
export function exportDecisionProblems(map: DataMap): string[] {
  const problems: string[] = [];
  for (const store of map.stores) {
    for (const [table, spec] of Object.entries(store.tables)) {
      for (const [name, column] of Object.entries(spec.columns)) {
        const at = `${store.store}: ${table}.${name}`;
        if (column.export === undefined && column.action !== 'non_personal') problems.push(`${at}: personal column (${column.action}) has no export decision (export: include | omit | { decrypt: FIELD })`);
        else if (column.export === undefined && column.encrypted) problems.push(`${at}: encrypted column has no export decision (export: omit | { decrypt: FIELD })`);
        else if (column.export === 'include' && column.encrypted) problems.push(`${at}: encrypted column exported as stored; use export: { decrypt: FIELD } or omit`);
      }
    }
  }
  return problems;
}

/**
 * The tables of one export, in data-map order: each table that reaches the buyer, with the
 * columns that leave. A personal column without a decision stays out (the check names it).
 */
export function planExport(map: DataMap): ExportTable[] {
  const tables: ExportTable[] = [];
  for (const store of map.stores) {
    for (const [table, spec] of Object.entries(store.tables)) {
      const path = spec.reach ? reachPath(map, table) : null;
      if (!path) continue;
      const columns: ExportColumn[] = [];
      for (const [name, column] of Object.entries(spec.columns)) {
        const decision = exportDecisionOf(column);
        if (decision === null || decision === 'omit') continue;
        columns.push(decision === 'include' ? { name } : { name, decrypt: decision });
      }
      if (columns.length === 0) continue;
      tables.push({ store, table, path, columns, ...(spec.exportExcludes ? { exclude: spec.exportExcludes } : {}), file: `stores/${store.store}/${table}` });
    }
  }
  return tables;
}
