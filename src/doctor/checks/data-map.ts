import pg from 'pg';
import type { Config } from '../../config/schema.ts';
import type { Database } from '../../db/database.ts';
import { DATAMAP_DIR, readDataMap, type LoadedDataMap } from '../../erasure/datamap.ts';
import { dataMapCoverage, mappedSchemas, privilegesNeeded } from '../../domain/erasure-datamap-coverage.ts';
import type { StoreSpec, TableSpec } from '../../domain/erasure-datamap.ts';
import { connectionError, failure, ok, warning, type CheckResult } from '../check-result.ts';
import { itemConnectorFor } from '../../erasure/connectors/connector.ts';

type Query = (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** Where erasure keeps its "step done" marks in an external store (see erasure/steps/sql-step.ts). */
const MARKERS = 'adieu_erasure_markers';

/** Every column of every table in the given schemas, from the catalog (it lists columns whatever our privileges). */
const LIVE_COLUMNS = `
  SELECT n.nspname || '.' || c.relname AS t, a.attname AS c
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
    AND n.nspname = ANY($1::text[]) AND c.relname <> '${MARKERS}'
  ORDER BY 1, 2`;

/** The map's stores grouped by the database they live in: `adieu` (ours) or an `erasure.stores` name. */
function byDatabase(map: LoadedDataMap): Map<string, StoreSpec[]> {
  const groups = new Map<string, StoreSpec[]>();
  for (const store of map.stores) {
    const key = store.database === 'adieu' ? 'adieu' : store.database.config;
    groups.set(key, [...(groups.get(key) ?? []), store]);
  }
  return groups;
}

const tablesOf = (stores: StoreSpec[]): Record<string, TableSpec> => Object.assign({}, ...stores.map((s) => s.tables));
const fileHint = (stores: StoreSpec[]) => stores.map((s) => s.store).join(', ');
const list = (items: string[]) => `${items.slice(0, 5).join(', ')}${items.length > 5 ? ` and ${items.length - 5} more` : ''}`;

/** Every column of the schemas this database's map names is mapped, and every mapped column exists. */
async function coverage(name: string, stores: StoreSpec[], query: Query): Promise<CheckResult> {
  const tables = tablesOf(stores);
  const schemas = mappedSchemas(tables);
  const live = (await query(LIVE_COLUMNS, [schemas])).map((r) => ({ table: String(r.t), column: String(r.c) }));
  const { unmapped, stale } = dataMapCoverage(tables, live);
  const check = `data map covers ${name}`;
  if (unmapped.length > 0) {
    return failure(check, `${unmapped.length} column${unmapped.length === 1 ? '' : 's'} not mapped: ${list(unmapped)}`, `map each in the data map (store ${fileHint(stores)}), or declare it non_personal`);
  }
  if (stale.length > 0) return failure(check, `mapped but not in the database: ${list(stale)}`, `remove them from the data map (store ${fileHint(stores)}) or migrate the database`);
  return ok(check, `every column of schema${schemas.length === 1 ? '' : 's'} ${schemas.join(', ')} is mapped (${Object.keys(tables).length} tables)`);
}

/** The store's account may do what the map's steps do, table by table (read-only checks of the catalog). */
async function permissions(name: string, stores: StoreSpec[], query: Query): Promise<CheckResult> {
  const missing: string[] = [];
  const schemasWithoutUsage = new Set<string>();
  for (const [table, spec] of Object.entries(tablesOf(stores))) {
    const [schema, relation] = table.split('.');
    // By the catalog, not by name: a name in a schema we may not use cannot even be looked up.
    const [row] = await query(
      `SELECT has_schema_privilege(n.oid, 'USAGE') AS usage, has_table_privilege(c.oid, 'SELECT') AS "SELECT",
              has_table_privilege(c.oid, 'UPDATE') AS "UPDATE", has_table_privilege(c.oid, 'DELETE') AS "DELETE"
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
      [schema, relation],
    );
    if (!row) {
      missing.push(`table ${table} (it does not exist)`);
      continue;
    }
    if (row.usage !== true) schemasWithoutUsage.add(schema);
    const lacking = privilegesNeeded(spec.rows).filter((p) => row[p] !== true);
    if (lacking.length > 0) missing.push(`${lacking.join(', ')} on ${table}`);
  }
  const [marks] = await query(
    `SELECT current_schema() AS schema, to_regclass('${MARKERS}') IS NOT NULL AS present, has_schema_privilege(current_schema(), 'CREATE') AS can_create,
            has_table_privilege(to_regclass('${MARKERS}'), 'SELECT, INSERT, UPDATE') AS usable`,
  );
  if (marks.present ? marks.usable !== true : marks.can_create !== true) {
    missing.push(marks.present ? `SELECT, INSERT, UPDATE on ${MARKERS}` : `CREATE on schema ${String(marks.schema)} (for ${MARKERS})`);
  }
  missing.unshift(...[...schemasWithoutUsage].map((schema) => `USAGE on schema ${schema}`));
  if (missing.length > 0) return failure(`store ${name}`, `reachable, but the account lacks ${missing.join('; ')}`, `GRANT what the data map's steps need to the user of erasure.stores.${name}.url`);
  return ok(`store ${name}`, 'reachable, with every privilege its erasure steps need');
}

/**
 * The data map is valid, each store it names is configured, reachable and allowed to do what its
 * steps do, and the map covers every column of the schemas it answers for (as the integration
 * test `datamap-coverage` checks Adieu's own). Nothing is written.
 */
export async function checkDataMap(config: Config, database: Database | null): Promise<CheckResult[]> {
  let map: LoadedDataMap;
  try {
    map = readDataMap(config.erasure.datamapDir ?? DATAMAP_DIR);
  } catch (error) {
    return [failure('data map', (error as Error).message, 'fix the file it names (datamap/README.md describes the format)')];
  }
  const tableCount = map.stores.reduce((n, s) => n + Object.keys(s.tables).length, 0);
  const results: CheckResult[] = [ok('data map', `valid: ${map.stores.length} stores, ${tableCount} tables`)];
  const groups = byDatabase(map);
  for (const [name, stores] of groups) {
    if (name === 'adieu') {
      if (!database) continue;
      const query: Query = async (text, values) => {
        const result = await database.executeSql(text, values);
        return (Array.isArray(result) ? result[result.length - 1] : result).rows as Array<Record<string, unknown>>;
      };
      results.push(await coverage('adieu', stores, query));
      continue;
    }
    const url = config.erasure.stores[name]?.url;
    if (!url) {
      results.push(failure(`store ${name}`, `the data map's store ${fileHint(stores)} has no connection`, `set erasure.stores.${name}.url in the configuration`));
      continue;
    }
    const scheme = new URL(url).protocol;
    const items = itemConnectorFor(stores[0], url);
    if (items) {
      const probe = await items.probe();
      if (!probe.ok) {
        results.push(failure(`store ${name}`, `${scheme.slice(0, -1)}: ${probe.detail}`, `check erasure.stores.${name}.url and that Adieu's account may read and remove there`));
        continue;
      }
      results.push(ok(`store ${name}`, `${scheme.slice(0, -1)}: ${probe.detail}`));
      const merged: StoreSpec = { ...stores[0], keys: Object.assign({}, ...stores.map((s) => s.keys ?? {})), files: Object.assign({}, ...stores.map((s) => s.files ?? {})) };
      const unmapped = await items.unmapped(merged).catch(() => null);
      if (unmapped === null) results.push(warning(`data map covers ${name}`, 'could not be read to compare with the data map', 'run `adieu datamap check`'));
      else if (unmapped.length > 0) results.push(failure(`data map covers ${name}`, `${unmapped.length} shape${unmapped.length === 1 ? '' : 's'} not mapped: ${list(unmapped)}`, `map each in the data map (store ${fileHint(stores)}), or declare it non_personal`));
      else results.push(ok(`data map covers ${name}`, `${items.scheme === 'redis' ? 'every key of the namespaces it names' : 'every file of the folder'} is mapped`));
      continue;
    }
    if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
      // Other connectors (mysql:) are not probed here yet; their coverage is `adieu datamap check`'s.
      results.push(warning(`store ${name}`, `a ${scheme.slice(0, -1)} store: not checked by doctor`, 'run `adieu datamap check` to compare it with the data map'));
      continue;
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      results.push(failure(`store ${name}`, `not reachable: ${connectionError(error)}`, `check erasure.stores.${name}.url (host, port, user, password, database)`));
      continue;
    }
    try {
      const query: Query = async (text, values) => (await client.query(text, values as unknown[])).rows;
      results.push(await permissions(name, stores, query));
      results.push(await coverage(name, stores, query));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  for (const name of Object.keys(config.erasure.stores)) {
    if (!groups.has(name)) results.push(warning(`store ${name}`, 'configured, but no store of the data map uses it', `name it in a data map file (database: { config: ${name} }) or remove erasure.stores.${name}`));
  }
  return results;
}
