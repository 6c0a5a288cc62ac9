import { parentsOf, tableOf, type ColumnSpec, type DataMap, type FileEntry, type IdentityKind, type KeyEntry, type RetainSpec, type StoreSpec, type TableSpec } from './erasure-datamap.ts';

/**
 * The erasure planner: from the data map, an ordered list of steps for one subject. Children come
 * before the tables they reference, so a child's rows are still found through the parent's
 * identity column, and deletes never trip a foreign key. Pure: no I/O.
 */

/** One hop from a table to the table it reaches the subject through. */
export interface Hop {
  column: string;
  parentTable: string;
  parentColumn: string;
}

/** How a table's rows are tied to the subject: hops up to a table whose column holds an identity. */
export interface ReachPath {
  hops: Hop[];
  identity: { table: string; column: string; kind: IdentityKind };
}

export type SetOperation =
  | { column: string; op: 'null' }
  | { column: string; op: 'const'; value: string | number | boolean | null }
  | { column: string; op: 'now' }
  | { column: string; op: 'pseudonymise' }
  | { column: string; op: 'truncate'; length: number }
  | { column: string; op: 'date_trunc'; unit: 'year' | 'month' | 'day' };

export interface SqlStep {
  kind: 'sql';
  store: string;
  table: string;
  rows: 'delete' | 'update' | 'retain';
  reach: ReachPath;
  sets: SetOperation[];
  retain?: RetainSpec;
  /** Columns kept as-is on the retained rows (listed on the certificate). */
  retainedColumns?: string[];
}

/** One key pattern of a Redis store (the entry is frozen into the plan, as a table's reach is). */
export interface KeysStep {
  kind: 'keys';
  store: string;
  name: string;
  entry: KeyEntry;
}

/** One path template of a file store. */
export interface FilesStep {
  kind: 'files';
  store: string;
  name: string;
  entry: FileEntry;
}

/** A step of a store of items found by pattern rather than rows of tables. */
export type ItemStep = KeysStep | FilesStep;

export type StepSpec =
  /** Reads the identifiers (while the buyer's key still exists), samples values, fills the quarantine. */
  | { kind: 'prepare' }
  | SqlStep
  | KeysStep
  | FilesStep
  /** Removes every message to the buyer from the dev mailbox. */
  | { kind: 'mailbox' }
  | { kind: 'vacuum'; store: string; tables: string[] }
  /** Waits until every downstream receiver confirmed or an admin recorded an exception. */
  | { kind: 'await_downstream' }
  /**
   * Removes the links to the platform's accounts (`handledBy: identity`): after every store and
   * receiver has used the external id, before the scan proves it gone.
   */
  | { kind: 'unlink' }
  /** Scans every mapped column and every written file for the subject's identifiers. */
  | { kind: 'verify' }
  /** Destroys the document keys and files, then the buyer's key (last but one). */
  | { kind: 'shred' }
  | { kind: 'certificate' }
  /** Mails the certificate to the buyer: the very last message. */
  | { kind: 'notify' }
  /** Purges that mail too, destroys the run's own key, completes the run. */
  | { kind: 'finish' };

export type StepKind = StepSpec['kind'];

export interface Plan {
  steps: StepSpec[];
  /** Data categories of every personal column (sent downstream, shown on the certificate). */
  categories: string[];
}

interface MappedTable {
  store: StoreSpec;
  name: string;
  spec: TableSpec;
}

function allTables(map: DataMap): MappedTable[] {
  return map.stores.flatMap((store) => Object.entries(store.tables).map(([name, spec]) => ({ store, name, spec })));
}

/** Each data map's tables by name, made once: a scan asks for every table's path. */
const tablesByName = new WeakMap<DataMap, Map<string, MappedTable>>();

/** The hops from a table to the subject's identity, following `reach` references. */
export function reachPath(map: DataMap, tableName: string): ReachPath | null {
  let byName = tablesByName.get(map);
  if (!byName) tablesByName.set(map, (byName = new Map(allTables(map).map((t) => [t.name, t]))));
  const hops: Hop[] = [];
  let current = byName.get(tableName);
  for (let guard = 0; current && guard < 20; guard++) {
    const reach = current.spec.reach;
    if (!reach) return null;
    if ('identity' in reach) return { hops, identity: { table: current.name, column: reach.column, kind: reach.identity } };
    const [schema, table, column] = reach.references.split('.');
    hops.push({ column: reach.column, parentTable: `${schema}.${table}`, parentColumn: column });
    current = byName.get(`${schema}.${table}`);
  }
  return null;
}

/** Children before parents; ties broken by store order, then name, so a plan is deterministic. */
export function orderTables(map: DataMap): MappedTable[] {
  const tables = allTables(map);
  const names = new Set(tables.map((t) => t.name));
  const storeIndex = new Map(map.stores.map((s, i) => [s.store, i]));
  // The identity root (the accounts table itself) goes last: it becomes the tombstone.
  const isRoot = (t: MappedTable) => !!t.spec.reach && 'identity' in t.spec.reach && t.spec.reach.column === 'id';
  const ranks = new Map(tables.map((t) => [t.name, `${isRoot(t) ? 1 : 0}:${String(storeIndex.get(t.store.store)).padStart(3, '0')}:${t.name}`]));
  const rank = (t: MappedTable) => ranks.get(t.name)!;
  const children = new Map<string, Set<string>>();
  for (const t of tables) {
    for (const parent of parentsOf(t.spec)) {
      if (!names.has(parent) || parent === t.name) continue;
      if (!children.has(parent)) children.set(parent, new Set());
      children.get(parent)!.add(t.name);
    }
  }
  const byName = new Map(tables.map((t) => [t.name, t]));
  const remaining = new Map(tables.map((t) => [t.name, children.get(t.name)?.size ?? 0]));
  const ordered: MappedTable[] = [];
  while (remaining.size > 0) {
    // A table is ready when all tables referencing it are placed.
    const ready = [...remaining.entries()].filter(([, n]) => n === 0).map(([name]) => byName.get(name)!);
    if (ready.length === 0) throw new Error('reference cycle in the data map');
    ready.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
    const next = ready[0];
    ordered.push(next);
    remaining.delete(next.name);
    for (const parent of parentsOf(next.spec)) {
      if (remaining.has(parent)) remaining.set(parent, remaining.get(parent)! - 1);
    }
  }
  return ordered;
}

function setOperation(column: string, spec: ColumnSpec): SetOperation | null {
  switch (spec.action) {
    case 'set_null':
      return { column, op: 'null' };
    case 'replace':
      return spec.value === '@now' ? { column, op: 'now' } : { column, op: 'const', value: spec.value };
    case 'pseudonymise':
      return { column, op: 'pseudonymise' };
    case 'generalise':
      if (spec.generalise.method === 'truncate') return { column, op: 'truncate', length: spec.generalise.length };
      if (spec.generalise.method === 'date_trunc') return { column, op: 'date_trunc', unit: spec.generalise.unit };
      return null;
    default:
      return null;
  }
}

/** The SQL steps of one table, or none when the table holds nothing of the subject. */
export function tableStep(map: DataMap, table: MappedTable): SqlStep | null {
  const { spec } = table;
  if (spec.rows === 'none' || spec.rows === 'handled') return null;
  const reach = reachPath(map, table.name);
  if (!reach) return null;
  const columns = Object.entries(spec.columns).sort(([a], [b]) => (a < b ? -1 : 1));
  const sets = spec.rows === 'delete' ? [] : columns.map(([column, c]) => setOperation(column, c)).filter((s): s is SetOperation => s !== null);
  const step: SqlStep = { kind: 'sql', store: table.store.store, table: table.name, rows: spec.rows, reach, sets };
  if (spec.rows === 'retain') {
    step.retain = spec.retain;
    step.retainedColumns = columns.filter(([, c]) => c.action === 'retain').map(([column]) => column);
  }
  return step;
}

/** A step that neither deletes nor changes a column: it only counts the rows the subject keeps. */
export const changesNothing = (step: SqlStep): boolean => step.rows !== 'delete' && step.sets.length === 0;

/** Columns whose values a subject's rows still hold after erasure (none when the rows are deleted). */
export function survivingColumns(spec: TableSpec): string[] {
  if (spec.rows === 'delete') return [];
  if (spec.rows === 'none') return Object.keys(spec.columns).sort();
  return Object.entries(spec.columns)
    .filter(([, c]) => c.action === 'non_personal' || c.action === 'keep_pseudonymous' || c.action === 'retain' || (c.action === 'generalise' && c.generalise.method === 'keep'))
    .map(([column]) => column)
    .sort();
}

/** Every personal column's category, sorted and unique. */
export function categoriesOf(map: DataMap): string[] {
  const found = new Set<string>();
  for (const t of allTables(map)) {
    if (t.spec.rows === 'none') continue;
    for (const c of Object.values(t.spec.columns)) if (c.category && c.action !== 'non_personal') found.add(c.category);
  }
  for (const store of map.stores) {
    for (const e of [...Object.values(store.keys ?? {}), ...Object.values(store.files ?? {})]) if (e.category && e.action !== 'non_personal') found.add(e.category);
  }
  return [...found].sort();
}

/**
 * The whole run. Order matters: identifiers are read first (the buyer's key still exists), data
 * steps run children first, the mailbox is emptied before the scan looks at it, downstream must
 * confirm before the scan and the keys go, and the keys go last but one — only the certificate,
 * its mail and the purge of that mail come after. The steps that change nothing come right before
 * the verification: they read the rows the subject keeps, and in the same reading look for the
 * subject's identifiers in them, so the verification need not read those rows again.
 */
export function planErasure(map: DataMap): Plan {
  const steps: StepSpec[] = [{ kind: 'prepare' }];
  const touched = new Map<string, string[]>();
  const kept: SqlStep[] = [];
  for (const table of orderTables(map)) {
    const step = tableStep(map, table);
    if (!step) continue;
    if (changesNothing(step)) {
      kept.push(step);
      continue;
    }
    steps.push(step);
    if (!touched.has(step.store)) touched.set(step.store, []);
    touched.get(step.store)!.push(step.table);
  }
  // Key patterns and path templates: nothing references them, so they go after the tables.
  for (const store of map.stores) {
    for (const [name, entry] of Object.entries(store.keys ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (entry.action !== 'non_personal') steps.push({ kind: 'keys', store: store.store, name, entry });
    }
    for (const [name, entry] of Object.entries(store.files ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (entry.action !== 'non_personal') steps.push({ kind: 'files', store: store.store, name, entry });
    }
  }
  steps.push({ kind: 'mailbox' });
  for (const store of map.stores) {
    const tables = touched.get(store.store);
    if (store.vacuum && tables?.length) steps.push({ kind: 'vacuum', store: store.store, tables: [...tables].sort() });
  }
  steps.push({ kind: 'await_downstream' });
  if (allTables(map).some((t) => t.spec.rows === 'handled' && t.spec.handledBy === 'identity')) steps.push({ kind: 'unlink' });
  steps.push(...kept);
  steps.push({ kind: 'verify' }, { kind: 'shred' }, { kind: 'certificate' }, { kind: 'notify' }, { kind: 'finish' });
  return { steps, categories: categoriesOf(map) };
}

/** A short label of a step for people (admin API, CLI). */
export function describeStep(step: StepSpec): { store: string; table: string; action: string } {
  if (step.kind === 'sql') return { store: step.store, table: step.table, action: step.rows === 'retain' ? 'retain_anonymised' : step.rows === 'update' ? 'anonymise' : 'delete' };
  if (step.kind === 'keys') return { store: step.store, table: step.entry.pattern, action: step.entry.action };
  if (step.kind === 'files') return { store: step.store, table: step.entry.path, action: 'delete_files' };
  if (step.kind === 'vacuum') return { store: step.store, table: step.tables.join(','), action: 'vacuum' };
  const labels: Record<string, { store: string; table: string; action: string }> = {
    prepare: { store: 'adieu', table: '-', action: 'prepare' },
    mailbox: { store: 'files', table: 'mailbox', action: 'purge' },
    await_downstream: { store: 'downstream', table: '-', action: 'await_confirmations' },
    unlink: { store: 'adieu', table: 'public.external_identities', action: 'unlink' },
    verify: { store: 'all', table: '-', action: 'verify' },
    shred: { store: 'keys', table: 'subject_key,document_keys', action: 'crypto_shred' },
    certificate: { store: 'adieu', table: 'deletion_certificates', action: 'sign_certificate' },
    notify: { store: 'mail', table: '-', action: 'send_certificate' },
    finish: { store: 'adieu', table: '-', action: 'finish' },
  };
  return labels[step.kind];
}

export { tableOf };
