import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';

/**
 * No relational schema: every query names its tables, which each feature owns in its `*.tables.ts`
 * (drizzle-kit reads them all from drizzle.config.ts), so the database floor knows no feature.
 */
type Schema = Record<string, never>;
/** A drizzle handle on either driver. A transaction is also a `Db`, so services take `Db`. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DatabaseKind = 'embedded' | 'postgres';

export interface RawResult {
  rows: any[];
}

/** The open database: a drizzle handle plus the raw access pg-boss and migrations need. */
export interface Database {
  kind: DatabaseKind;
  db: Db;
  /** One statement with parameters, or several statements without (then one result each). */
  executeSql(text: string, values?: unknown[]): Promise<RawResult | RawResult[]>;
  /** Runs `fn` with a raw connection that stays the same for its whole duration. */
  withConnection<T>(fn: (query: (text: string, values?: unknown[]) => Promise<RawResult>) => Promise<T>): Promise<T>;
  pglite?: PGlite;
  pool?: pg.Pool;
  close(): Promise<void>;
}

// int8 (counts, sums) as numbers: our counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client) as unknown as Db;
  return {
    kind: 'embedded',
    db,
    pglite: client,
    async executeSql(text, values) {
      if (values && values.length > 0) return client.query(text, values);
      const results = await client.exec(text);
      return results.length === 1 ? results[0] : results;
    },
    async withConnection(fn) {
      return fn((text, values) => client.query(text, values ?? []));
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

export function wrapPool(pool: pg.Pool): Database {
  const db = drizzlePg(pool) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pool,
    async executeSql(text, values) {
      return (await pool.query(text, values as any[])) as any;
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn((text, values) => client.query(text, values as any[]));
      } finally {
        client.release();
      }
    },
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}

/** Opens PostgreSQL when a URL is given, else the embedded database under `dataDir/db`. */
export async function openDatabase(options: { url?: string; dataDir: string; poolSize?: number }): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => undefined);
    return wrapPool(pool);
  }
  const dir = join(options.dataDir, 'db');
  mkdirSync(dir, { recursive: true });
  return wrapPglite(await PGlite.create(dir));
}
