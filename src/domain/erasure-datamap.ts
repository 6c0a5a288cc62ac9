import { z } from 'zod';
import { hasPlaceholder, templateIdentities } from './erasure-templates.ts';

/**
 * The data map: which store, table and column holds a buyer's personal data, how rows reach the
 * buyer (an identity column, or a reference to a table that reaches them — as Fides datasets
 * describe it), and what erasure does to each column. Written as YAML under `datamap/`, checked
 * here. Pure: no I/O.
 */

/**
 * Identities a row can be tied to the subject by: our user id, the pseudonymous subject id, the
 * platform's own id of the buyer (`external_id`: the `sub` of its identity provider or handoff),
 * or, as a last resort for legacy tables keyed by contact, the buyer's email or phone.
 */
export const IDENTITIES = ['user_id', 'subject_id', 'external_id', 'email', 'phone'] as const;
export type IdentityKind = (typeof IDENTITIES)[number];

/**
 * Identities that are not Adieu's own ids: known only while a run holds them (sealed under the
 * run's key), so rows reached by them are deleted by the run — a kept row would keep the very
 * value (its reach column), and the retention purge, long after, could never find it again.
 */
export const RUN_ONLY_IDENTITIES: readonly IdentityKind[] = ['external_id', 'email', 'phone'];

/** Contact details as keys: they change, are shared and are typed in many ways. A warning, not an error. */
export const CONTACT_IDENTITIES: readonly IdentityKind[] = ['email', 'phone'];

/** Kinds of identifier the verification scan looks for, and that sampling labels values with. */
export const IDENTIFIER_KINDS = ['email', 'phone', 'name', 'address', 'free_text', 'external_id', 'other'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

const qualifiedName = z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, 'expected schema.table in lower case');
const columnName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case column name');
/** ISO 8601 period of whole years, months or days: P3Y, P18M, P30D. */
export const periodSchema = z.string().regex(/^P(\d+Y)?(\d+M)?(\d+D)?$/, 'expected an ISO 8601 period such as P3Y').refine((p) => p !== 'P', 'empty period');

/**
 * Right of access: `include` (as stored), `omit` (never leaves: credentials, keys, blind indexes,
 * other people's ids, staff notes) or `{ decrypt: FIELD }` (sealed under the buyer's key with the
 * associated data `userId:FIELD`, exported in the clear).
 */
export const exportDecisionSchema = z.union([
  z.enum(['include', 'omit']),
  z.object({ decrypt: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'expected the sealed field name, e.g. email') }).strict(),
]);
export type ExportDecision = z.infer<typeof exportDecisionSchema>;

const common = {
  /** Fides data category, e.g. `user.contact.email`. */
  category: z.string().regex(/^[a-z][a-z_.]*$/).optional(),
  /** What the value is, for the verification scan's sample. */
  identifier: z.enum(IDENTIFIER_KINDS).optional(),
  /** Encrypted under the buyer's key: crypto-shredding makes any copy unreadable. */
  encrypted: z.boolean().optional(),
  note: z.string().optional(),
  /** What the buyer's data export does with the column (`src/domain/export-datamap.ts`). */
  export: exportDecisionSchema.optional(),
};

const generaliseMethod = z.discriminatedUnion('method', [
  /** The value is already coarse (a city, a country): kept as the generalised form of a record. */
  z.object({ method: z.literal('keep') }).strict(),
  /** Keep the first `length` characters (a postcode's district). */
  z.object({ method: z.literal('truncate'), length: z.number().int().min(0).max(50) }).strict(),
  /** Keep a timestamp's year or month only. */
  z.object({ method: z.literal('date_trunc'), unit: z.enum(['year', 'month', 'day']) }).strict(),
]);

export const columnSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('non_personal'), ...common }).strict(),
  /** The column is personal and its rows are deleted (in a `rows: delete` table). */
  z.object({ action: z.literal('delete_row'), ...common }).strict(),
  z.object({ action: z.literal('set_null'), ...common }).strict(),
  /** A constant; `@now` is the time of the step. */
  z.object({ action: z.literal('replace'), value: z.union([z.string(), z.number(), z.boolean(), z.null()]), ...common }).strict(),
  /** Keyed HMAC-SHA256 under a random key of this erasure alone, destroyed when it ends. */
  z.object({ action: z.literal('pseudonymise'), ...common }).strict(),
  z.object({ action: z.literal('generalise'), generalise: generaliseMethod, ...common }).strict(),
  /** Kept as-is while the row is retained on a legal basis (only in a `rows: retain` table). */
  z.object({ action: z.literal('retain'), ...common, note: z.string().min(1) }).strict(),
  /** A pseudonymous id (our random user id) that links kept rows to the account's tombstone. */
  z.object({ action: z.literal('keep_pseudonymous'), ...common, note: z.string().min(1) }).strict(),
]);
export type ColumnSpec = z.infer<typeof columnSchema>;
export type ColumnAction = ColumnSpec['action'];

const SHORTHANDS = ['non_personal', 'delete_row', 'set_null', 'pseudonymise'] as const;
/** A column is an object, or one of the shorthand words for actions without options. */
const columnInput = z.union([z.enum(SHORTHANDS).transform((action) => ({ action }) as ColumnSpec), columnSchema]);

export const reachSchema = z.union([
  /** The column holds the subject's identity. */
  z.object({ column: columnName, identity: z.enum(IDENTITIES) }).strict(),
  /** The column references a table that reaches the subject (`schema.table.column`). */
  z.object({ column: columnName, references: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/) }).strict(),
]);
export type Reach = z.infer<typeof reachSchema>;

export const retainSchema = z
  .object({
    legalBasis: z.string().min(10),
    period: periodSchema,
    /** The column the period runs from, and one to use where it is null. */
    from: columnName,
    fallbackFrom: columnName.optional(),
  })
  .strict();
export type RetainSpec = z.infer<typeof retainSchema>;

export const ROW_POLICIES = ['delete', 'update', 'retain', 'handled', 'none'] as const;
export type RowPolicy = (typeof ROW_POLICIES)[number];

export const tableSchema = z
  .object({
    description: z.string().optional(),
    /**
     * delete: the subject's rows are deleted. update: their columns are anonymised in place.
     * retain: anonymised in place and kept on a legal basis until purged. handled: a module erases
     * them (named by `handledBy`). none: the table holds no subject's personal data.
     */
    rows: z.enum(ROW_POLICIES),
    reach: reachSchema.optional(),
    retain: retainSchema.optional(),
    handledBy: z.enum(['documents', 'identity']).optional(),
    /** Foreign keys to other mapped tables (`column: schema.table.column`), for ordering steps. */
    references: z.record(columnName, z.string()).optional(),
    columns: z.record(columnName, columnInput),
    /** Rows the data export leaves out: those whose column holds one of these values (staff-only events). */
    exportExcludes: z.object({ column: columnName, values: z.array(z.string().min(1)).min(1) }).strict().optional(),
  })
  .strict();
export type TableSpec = z.infer<typeof tableSchema>;

/** Redis value types a key entry may name (TYPE's answers). */
export const KEY_TYPES = ['string', 'hash', 'list', 'set', 'zset', 'stream'] as const;
const entryName = z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lower-case name');

/**
 * A Redis key pattern (see datamap/README.md): `pattern` is a Redis glob with identity
 * placeholders (`cart:{user_id}`, `session:*`). What the erasure removes: whole keys
 * (`delete_key`, UNLINK), fields of hashes (`delete_fields`, HDEL), members of sets, sorted sets and
 * lists (`remove_members`), entries of streams (`delete_entries`); or nothing (`non_personal`).
 * `where` ties a key (or a stream entry) to the buyer by a hash field (entry field) holding an identity.
 */
export const keyEntrySchema = z
  .object({
    pattern: z.string().min(1).max(300),
    type: z.enum(KEY_TYPES).optional(),
    action: z.enum(['delete_key', 'delete_fields', 'remove_members', 'delete_entries', 'non_personal']),
    where: z.object({ field: z.string().min(1).max(200), identity: z.enum(IDENTITIES) }).strict().optional(),
    /** Hash fields to delete (templates: `{user_id}` names a field per buyer; globs allowed). */
    fields: z.array(z.string().min(1).max(300)).min(1).optional(),
    /** The buyer's members (a template, globs allowed): `{user_id}` or `{user_id}:*`. */
    member: z.string().min(1).max(300).optional(),
    ...common,
  })
  .strict();
export type KeyEntry = z.infer<typeof keyEntrySchema>;

/**
 * A path template of a file store, relative to its root: `avatars/{user_id}/*`,
 * `invoices/**\/{user_id}-*.pdf` (picomatch globs). `delete` removes every file it matches for
 * the buyer; `non_personal` declares files that hold nobody's data.
 */
export const fileEntrySchema = z
  .object({
    path: z
      .string()
      .min(1)
      .max(500)
      .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'expected a path relative to the store, without ..'),
    action: z.enum(['delete', 'non_personal']),
    ...common,
  })
  .strict();
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const storeSchema = z
  .object({
    store: z.string().regex(/^[a-z][a-z0-9_-]{0,40}$/),
    title: z.string().optional(),
    /** `adieu`: Adieu's own database. `{ config: NAME }`: the URL in `erasure.stores.NAME.url`. */
    database: z.union([z.literal('adieu'), z.object({ config: z.string().regex(/^[a-z][a-z0-9_-]*$/) }).strict()]),
    /** Whether the engine may VACUUM the tables it touched. */
    vacuum: z.boolean().default(true),
    tables: z.record(qualifiedName, tableSchema).default({}),
    /** Redis stores: key patterns instead of tables. */
    keys: z.record(entryName, keyEntrySchema).optional(),
    /** File stores (and, later, object stores): path templates instead of tables. */
    files: z.record(entryName, fileEntrySchema).optional(),
  })
  .strict();
export type StoreSpec = z.infer<typeof storeSchema>;

export interface DataMap {
  stores: StoreSpec[];
}

/** Finds what the schema cannot: unknown references, cycles, actions that contradict the row policy. */
export function checkDataMap(map: DataMap): string[] {
  const problems: string[] = [];
  const seenStores = new Set<string>();
  const tables = new Map<string, { store: StoreSpec; spec: TableSpec }>();
  for (const store of map.stores) {
    if (seenStores.has(store.store)) problems.push(`store ${store.store}: declared twice`);
    seenStores.add(store.store);
    for (const [name, spec] of Object.entries(store.tables)) {
      if (tables.has(name)) problems.push(`${name}: mapped twice`);
      tables.set(name, { store, spec });
    }
  }
  for (const [name, { store, spec }] of tables) {
    const where = `${store.store}: ${name}`;
    const columns = spec.columns;
    const actions = Object.entries(columns);
    const needsReach = spec.rows === 'delete' || spec.rows === 'update' || spec.rows === 'retain' || spec.rows === 'handled';
    if (needsReach && !spec.reach) problems.push(`${where}: rows: ${spec.rows} needs reach`);
    if (spec.reach && !(spec.reach.column in columns)) problems.push(`${where}: reach column ${spec.reach.column} is not among its columns`);
    if (spec.reach && 'references' in spec.reach) {
      const target = spec.reach.references.split('.');
      const parent = tables.get(`${target[0]}.${target[1]}`);
      if (!parent) problems.push(`${where}: reach references unknown table ${target[0]}.${target[1]}`);
      else if (parent.store.store !== store.store) problems.push(`${where}: reach crosses stores (${parent.store.store})`);
      else if (!(target[2] in parent.spec.columns)) problems.push(`${where}: reach references unknown column ${spec.reach.references}`);
      else if (!parent.spec.reach) problems.push(`${where}: reaches the subject through ${target[0]}.${target[1]}, which does not reach them`);
    }
    if (spec.reach && 'references' in spec.reach && spec.rows !== 'delete') {
      const parent = tables.get(tableOf(spec.reach.references));
      if (parent?.spec.rows === 'delete') {
        problems.push(`${where}: its rows are kept but reach the subject through ${tableOf(spec.reach.references)}, whose rows are deleted: they could never be found again (for the retention purge)`);
      }
    }
    if (spec.rows === 'retain' && !spec.retain) problems.push(`${where}: rows: retain needs retain (legal basis, period, from)`);
    if (spec.rows !== 'retain' && spec.retain) problems.push(`${where}: retain is only for rows: retain`);
    if (spec.retain) {
      for (const column of [spec.retain.from, spec.retain.fallbackFrom]) {
        if (column && !(column in columns)) problems.push(`${where}: retain column ${column} is not among its columns`);
      }
    }
    if (spec.rows === 'handled' && !spec.handledBy) problems.push(`${where}: rows: handled needs handledBy`);
    if (spec.reach && 'identity' in spec.reach && RUN_ONLY_IDENTITIES.includes(spec.reach.identity) && spec.rows !== 'delete' && spec.rows !== 'none') {
      problems.push(`${where}: rows reached by ${spec.reach.identity} must be deleted (rows: delete): a kept row would keep the ${spec.reach.identity} itself, and the retention purge could not find it again`);
    }
    for (const [column, target] of Object.entries(spec.references ?? {})) {
      if (!(column in columns)) problems.push(`${where}: references column ${column} is not among its columns`);
      const parts = target.split('.');
      if (parts.length !== 3 || !tables.has(`${parts[0]}.${parts[1]}`)) problems.push(`${where}: ${column} references unknown table ${target}`);
    }
    for (const [column, col] of actions) {
      const at = `${where}.${column}`;
      switch (spec.rows) {
        case 'delete':
          if (!['delete_row', 'non_personal', 'keep_pseudonymous'].includes(col.action)) problems.push(`${at}: rows are deleted, so use delete_row or non_personal (not ${col.action})`);
          break;
        case 'update':
        case 'retain':
          if (col.action === 'delete_row') problems.push(`${at}: delete_row needs rows: delete`);
          if (col.action === 'retain' && spec.rows !== 'retain') problems.push(`${at}: retain needs rows: retain`);
          break;
        case 'none':
          if (!['non_personal', 'keep_pseudonymous'].includes(col.action)) problems.push(`${at}: rows: none holds no personal data, so only non_personal or keep_pseudonymous`);
          break;
        case 'handled':
          break;
      }
      // (The identity module deletes its rows whole, like rows: delete.)
      const deletedWhole = spec.rows === 'delete' || (spec.rows === 'handled' && spec.handledBy === 'identity');
      if (spec.reach && spec.reach.column === column && !deletedWhole && !['keep_pseudonymous', 'non_personal'].includes(col.action)) {
        problems.push(`${at}: the reach column of kept rows must stay (keep_pseudonymous), or the rows could not be found again`);
      }
    }
  }
  for (const store of map.stores) {
    for (const [name, entry] of Object.entries(store.keys ?? {})) problems.push(...checkKeyEntry(`${store.store}: keys.${name}`, entry));
    for (const [name, entry] of Object.entries(store.files ?? {})) problems.push(...checkFileEntry(`${store.store}: files.${name}`, entry));
    const kinds = [Object.keys(store.tables).length > 0, !!store.keys, !!store.files].filter(Boolean).length;
    if (kinds > 1) problems.push(`store ${store.store}: tables, keys and files are for different kinds of store; use one per store`);
  }
  const cycle = findCycle(tables.keys(), (name) => parentsOf(tables.get(name)!.spec).filter((parent) => tables.has(parent)));
  if (cycle) problems.push(`reference cycle: ${cycle.join(' -> ')}`);
  return problems;
}

function placeholderProblems(where: string, templates: Array<string | undefined>): string[] {
  return templates.flatMap((t) => (t ? templateIdentities(t).unknown.map((name) => `${where}: {${name}} is not an identity (${IDENTITIES.join(', ')})`) : []));
}

/** What the schema cannot say about a key entry: an erasure must name the buyer, and fit the type. */
export function checkKeyEntry(where: string, entry: KeyEntry): string[] {
  const problems = placeholderProblems(where, [entry.pattern, entry.member, ...(entry.fields ?? [])]);
  const named = hasPlaceholder(entry.pattern) || !!entry.where;
  const type = entry.type;
  switch (entry.action) {
    case 'delete_key':
      if (!named) problems.push(`${where}: delete_key needs a placeholder in the pattern or a where field (it would delete everyone's keys)`);
      if (entry.where && type && type !== 'hash') problems.push(`${where}: where names a hash field, so type must be hash`);
      break;
    case 'delete_fields':
      if (type && type !== 'hash') problems.push(`${where}: delete_fields is for hashes`);
      if (!entry.fields) problems.push(`${where}: delete_fields needs fields`);
      else if (!named && !entry.fields.some(hasPlaceholder)) problems.push(`${where}: delete_fields needs a placeholder in the pattern or the fields, or a where field`);
      break;
    case 'remove_members':
      if (!type || !['set', 'zset', 'list'].includes(type)) problems.push(`${where}: remove_members needs type set, zset or list`);
      if (!entry.member || !hasPlaceholder(entry.member)) problems.push(`${where}: remove_members needs a member template naming the buyer ({user_id})`);
      break;
    case 'delete_entries':
      if (type !== 'stream') problems.push(`${where}: delete_entries needs type stream`);
      if (!entry.where) problems.push(`${where}: delete_entries needs where (the entry field naming the buyer)`);
      break;
    case 'non_personal':
      break;
  }
  if (entry.action !== 'delete_fields' && entry.fields) problems.push(`${where}: fields is only for delete_fields`);
  if (entry.action !== 'remove_members' && entry.member) problems.push(`${where}: member is only for remove_members`);
  return problems;
}

export function checkFileEntry(where: string, entry: FileEntry): string[] {
  const problems = placeholderProblems(where, [entry.path]);
  if (entry.action === 'delete' && !hasPlaceholder(entry.path)) problems.push(`${where}: delete needs a placeholder in the path (it would delete everyone's files)`);
  return problems;
}

/** What `datamap check` warns about without failing: tables reached by a contact detail. */
export function dataMapWarnings(map: DataMap): string[] {
  const warnings: string[] = [];
  for (const store of map.stores) {
    for (const [name, spec] of Object.entries(store.tables)) {
      if (spec.reach && 'identity' in spec.reach && CONTACT_IDENTITIES.includes(spec.reach.identity)) {
        warnings.push(
          `${store.store}: ${name} is reached by ${spec.reach.identity} (${spec.reach.column}): a last resort — rows holding an old or differently written ${spec.reach.identity} are missed; key the table by external_id if you can`,
        );
      }
    }
  }
  return warnings;
}

/** Tables a table points at (its reach reference and declared foreign keys). */
export function parentsOf(spec: TableSpec): string[] {
  const parents = new Set<string>();
  if (spec.reach && 'references' in spec.reach) parents.add(tableOf(spec.reach.references));
  for (const target of Object.values(spec.references ?? {})) parents.add(tableOf(target));
  return [...parents];
}

export const tableOf = (columnRef: string): string => columnRef.split('.').slice(0, 2).join('.');

function findCycle(nodes: Iterable<string>, edges: (node: string) => string[]): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges(node)) {
      if (next === node) continue;
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of nodes) {
    const found = visit(node);
    if (found) return found;
  }
  return null;
}
