import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
// js-yaml, not `yaml`: the same YAML 1.2 core schema (a unit test compares both on every bundled
// file), parsed in a tenth of the time, and reading the map is on every server's start-up path.
import { CORE_SCHEMA, load } from 'js-yaml';
import { checkDataMap, storeSchema, type DataMap, type StoreSpec } from '../domain/erasure-datamap.ts';
import type { Config } from '../config/schema.ts';
import { storeKindOf, UNBUILT_SCHEMES } from './connectors/connector.ts';

export const DATAMAP_DIR = fileURLToPath(new URL('../../datamap', import.meta.url));

/** A data map that cannot be used; its message is one line naming the file and the key. */
export class DataMapError extends Error {}

export interface LoadedDataMap extends DataMap {
  /** sha256 of the files as read: a run records which map it was planned from. */
  hash: string;
}

/** Reads and validates every `*.yaml` file of the data map folder. Throws DataMapError. */
export function readDataMap(dir = DATAMAP_DIR): LoadedDataMap {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch {
    throw new DataMapError(`data map: cannot read the folder ${dir}`);
  }
  if (files.length === 0) throw new DataMapError(`data map: no *.yaml file in ${dir}`);
  const hash = createHash('sha256');
  const stores: StoreSpec[] = [];
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    hash.update(file).update('\0').update(text).update('\0');
    let raw: unknown;
    try {
      raw = load(text, { schema: CORE_SCHEMA });
    } catch (error) {
      throw new DataMapError(`data map ${file}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
    }
    const parsed = storeSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataMapError(`data map ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    stores.push(parsed.data);
  }
  // The built-in store first: the accounts table (the tombstone) is planned last anyway.
  const map: DataMap = { stores };
  const problems = checkDataMap(map);
  if (problems.length > 0) throw new DataMapError(`data map: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
  return { ...map, hash: hash.digest('hex') };
}

let cached: { dir: string; map: LoadedDataMap } | null = null;

/**
 * This installation's data map (`erasure.datamapDir`, else the bundled one), read once per process
 * and again only if the configured folder changes.
 */
export function dataMap(config: Pick<Config, 'erasure'>): LoadedDataMap {
  const dir = config.erasure.datamapDir ? resolve(config.erasure.datamapDir) : DATAMAP_DIR;
  if (!cached || cached.dir !== dir) cached = { dir, map: readDataMap(dir) };
  return cached.map;
}

/** Checks the map against the configuration: every store's connection must be configured. */
export function checkDataMapConfig(map: DataMap, config: Config): void {
  for (const store of map.stores) {
    if (store.database === 'adieu') continue;
    const url = config.erasure.stores[store.database.config]?.url;
    if (!url) {
      throw new DataMapError(`data map: store ${store.store} needs erasure.stores.${store.database.config}.url in the configuration`);
    }
    const scheme = new URL(url).protocol;
    const kind = storeKindOf(url);
    if (!kind) throw new DataMapError(`data map: store ${store.store}: ${UNBUILT_SCHEMES[scheme] ?? `no connector for ${scheme} URLs (postgres:, mysql:, redis:, file:)`}`);
    const has = store.keys ? 'keys' : store.files ? 'files' : 'tables';
    if (has !== kind) throw new DataMapError(`data map: store ${store.store} maps ${has}, but erasure.stores.${store.database.config}.url is a ${scheme.slice(0, -1)} store (${kind})`);
  }
}
