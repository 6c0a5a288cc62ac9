import { classifyColumn, type ColumnVerdict } from './personal-data-classifier.ts';

/**
 * `adieu datamap discover`'s draft: from a store's structure and a classification of each column
 * (by name and sampled values, which stay in memory and never reach the draft), a data map file
 * with a proposed action, a join path to the buyer and a comment saying why. Pure: no I/O.
 */
export interface DescribedTable {
  /** `schema.table` */
  name: string;
  columns: Array<{ name: string; samples: string[] }>;
  primaryKey: string[];
  /** column → `schema.table.column` */
  foreignKeys: Record<string, string>;
}

export interface DraftEntry {
  table: string;
  column: string;
  verdict: ColumnVerdict;
}

export function draftDataMap(store: string, config: string, tables: DescribedTable[]): { yaml: string; entries: DraftEntry[] } {
  const entries: DraftEntry[] = [];
  const verdicts = new Map<string, Map<string, ColumnVerdict>>();
  for (const table of tables) {
    const byColumn = new Map<string, ColumnVerdict>();
    for (const column of table.columns) {
      const verdict = classifyColumn(column.name, column.samples);
      byColumn.set(column.name, verdict);
      entries.push({ table: table.name, column: column.name, verdict });
    }
    verdicts.set(table.name, byColumn);
  }
  // A column named like the buyer's id that is a foreign key (`customer_id` → customers.id) reaches them through that table, not by itself.
  const identityOf = (table: DescribedTable) => table.columns.find((c) => verdicts.get(table.name)!.get(c.name)!.kind === 'identity' && !(c.name in table.foreignKeys))?.name;
  const byName = new Map(tables.map((t) => [t.name, t]));
  const referenced = new Set(tables.flatMap((t) => Object.values(t.foreignKeys).map((ref) => ref.split('.').slice(0, 2).join('.'))));
  const lines = [`# Draft written by adieu datamap discover: review every entry before use.`, `store: ${store}`, `database: { config: ${config} }`, `tables:`];
  for (const table of tables) {
    const identity = identityOf(table);
    const fk = Object.entries(table.foreignKeys).find(([, ref]) => {
      const parent = byName.get(ref.split('.').slice(0, 2).join('.'));
      return parent && identityOf(parent);
    });
    const reach = identity ? { column: identity, text: `{ column: ${identity}, identity: user_id }`, why: `${identity} names the buyer` } : fk ? { column: fk[0], text: `{ column: ${fk[0]}, references: ${fk[1]} }`, why: `foreign key ${fk[0]} to ${fk[1]}, which reaches the buyer` } : null;
    const personal = table.columns.filter((c) => verdicts.get(table.name)!.get(c.name)!.personal);
    // A record other tables point at is anonymised in place (its rows keep the children's joins); the rest is deleted.
    const rows = !reach ? 'none' : referenced.has(table.name) && table.primaryKey.length > 0 ? 'update' : 'delete';
    lines.push(`  ${table.name}:`);
    lines.push(`    # rows: ${rows} — ${!reach ? (personal.length ? 'REVIEW: personal columns but no join path to the buyer was found' : 'nothing ties it to a buyer') : rows === 'update' ? 'other tables reference it: anonymised in place' : "the buyer's rows are deleted"}`);
    lines.push(`    rows: ${rows}`);
    if (reach) lines.push(`    # reach: ${reach.why}`, `    reach: ${reach.text}`);
    lines.push(`    columns:`);
    for (const column of table.columns) {
      const verdict = verdicts.get(table.name)!.get(column.name)!;
      let action: string;
      if (!reach || !verdict.personal) action = 'non_personal';
      else if (column.name === reach.column) action = rows === 'delete' ? 'delete_row' : `{ action: keep_pseudonymous, note: "the buyer's id" }`;
      else if (rows === 'delete') action = verdict.identifier ? `{ action: delete_row, identifier: ${verdict.identifier} }` : 'delete_row';
      else action = verdict.identifier ? `{ action: set_null, identifier: ${verdict.identifier} }` : 'set_null';
      if (!reach && verdict.personal) action = `non_personal  # REVIEW: looks personal`;
      lines.push(`      # ${verdict.why}`, `      ${column.name}: ${action}`);
    }
  }
  return { yaml: `${lines.join('\n')}\n`, entries };
}
