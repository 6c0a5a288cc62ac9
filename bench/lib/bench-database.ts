import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../../src/db/database.ts';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../../src/app/migrate.ts';

export const BENCH_DATA_ROOT = resolve('bench/.data');

/**
 * A database of one scenario's own: on the PostgreSQL server of DATABASE_URL a database named
 * `adieu_bench_<name>` (plus `adieu_bench_<name>_keys` for the shared key store), else a PGlite
 * folder under bench/.data/<name>. `dataDir` holds keys and the dev mailbox.
 */
export interface BenchDatabase {
  name: string;
  kind: DatabaseKind;
  /** PostgreSQL only. */
  url?: string;
  /** PostgreSQL only: the separate key database every process shares. */
  keystoreUrl?: string;
  dataDir: string;
  /** True when a kept data set was found and reused. */
  reused: boolean;
  /** Environment for an `adieu` child process on this database. */
  env(): Record<string, string>;
  open(poolSize?: number): Promise<Database>;
  /** Records that the data set `label` is complete, so a later run may reuse it. */
  markSeeded(label: string): void;
  seededLabel(): string | null;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Changes whenever the schema does: a kept data set from an older schema is rebuilt. */
function schemaFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).sort()) {
    hash.update(file).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Opens the scenario's database, migrated. With `keep`, a data set recorded by `markSeeded` under
 * the same schema is reused; otherwise everything starts empty.
 */
export async function benchDatabase(name: string, options: { databaseUrl?: string; keep?: boolean } = {}): Promise<BenchDatabase> {
  const dataDir = join(BENCH_DATA_ROOT, options.databaseUrl ? `pg-${name}` : name);
  const metaFile = join(dataDir, 'bench-meta.json');
  const fingerprint = schemaFingerprint();
  const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as { fingerprint: string; label: string | null }) : null;
  const dbName = `adieu_bench_${name}`;
  const url = options.databaseUrl ? withDatabase(options.databaseUrl, dbName) : undefined;
  const keystoreUrl = options.databaseUrl ? withDatabase(options.databaseUrl, `${dbName}_keys`) : undefined;

  let reusable = !!options.keep && meta?.fingerprint === fingerprint && !!meta.label;
  if (reusable && options.databaseUrl) {
    reusable = await admin(options.databaseUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName])).rowCount === 1);
  }
  if (!reusable) {
    rmSync(dataDir, { recursive: true, force: true });
    if (options.databaseUrl) {
      await admin(options.databaseUrl, async (c) => {
        for (const db of [dbName, `${dbName}_keys`]) {
          await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
          await c.query(`CREATE DATABASE ${db}`);
        }
      });
    }
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(metaFile, JSON.stringify({ fingerprint, label: reusable ? meta!.label : null }));

  const open = (poolSize = 10) => openDatabase({ url, dataDir, poolSize });
  if (!reusable) {
    const database = await open(2);
    try {
      await migrateDatabase(database);
    } finally {
      await database.close();
    }
  }

  return {
    name,
    kind: options.databaseUrl ? 'postgres' : 'embedded',
    url,
    keystoreUrl,
    dataDir,
    reused: reusable,
    env() {
      const env: Record<string, string> = { ADIEU_DATA_DIR: dataDir };
      if (url) env.DATABASE_URL = url;
      if (keystoreUrl) env.ADIEU_KEYSTORE_URL = keystoreUrl;
      return env;
    },
    open,
    markSeeded(label) {
      writeFileSync(metaFile, JSON.stringify({ fingerprint, label }));
    },
    seededLabel() {
      const current = JSON.parse(readFileSync(metaFile, 'utf8')) as { label: string | null };
      return current.label;
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      if (options.databaseUrl) {
        await admin(options.databaseUrl, async (c) => {
          for (const db of [dbName, `${dbName}_keys`]) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
        });
      }
    },
  };
}
