import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { copyTemplate } from './embedded-template.ts';
import { postgresDriver } from './postgres-driver.ts';

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
  /**
   * `user-changed` (user id): a change to a user, their sessions or their applications committed, in any
   * process. Emitted by the connection that committed it before its commit returns, so a server
   * never serves its own stale copy; other servers hear it on their listening connections.
   */
  notices: EventEmitter;
  close(): Promise<void>;
}

/** The channel of migration 0006's triggers; the payload is a user id. */
export const USER_CHANGED_CHANNEL = 'adieu_user_changed';

export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client) as unknown as Db;
  // The session cache listens on the one connection itself (src/accounts/session-cache.ts).
  const notices = new EventEmitter();
  return {
    kind: 'embedded',
    db,
    pglite: client,
    notices,
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

/** drizzle's PostgreSQL driver is loaded by the first PostgreSQL database, not by every start (./postgres-driver.ts). */
export async function wrapPool(pool: pg.Pool, notices = new EventEmitter()): Promise<Database> {
  const { drizzle: drizzlePg } = await import('drizzle-orm/node-postgres');
  const db = drizzlePg(pool) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    pool,
    notices,
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
    const notices = new EventEmitter();
    const pool = new (postgresDriver().Pool)({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      // Every connection listens before its first use, so the connection that commits a change to
      // a session or user hears its own notification before its commit returns: this server never
      // serves its own stale copy (src/accounts/session-cache.ts).
      onConnect: async (client) => {
        client.on('notification', (message) => {
          if (message.channel === USER_CHANGED_CHANNEL && message.payload) notices.emit('user-changed', message.payload);
        });
        await client.query(`LISTEN ${USER_CHANGED_CHANNEL}`);
      },
    });
    // An idle client losing its connection must not crash the process.
    pool.on('error', () => undefined);
    return wrapPool(pool, notices);
  }
  const dir = join(options.dataDir, 'db');
  copyTemplate(dir);
  mkdirSync(dir, { recursive: true });
  return wrapPglite(await PGlite.create(dir, { startParams: EMBEDDED_START_PARAMS }));
}

/**
 * PostgreSQL's default 128 MB of shared buffers are allocated and touched when PGlite starts, and
 * WebAssembly memory never shrinks: they were a third of an idle server's memory. The embedded
 * database serves one process whose files the OS caches anyway, so 32 MB is plenty (measured: an
 * opened database alone 298 → 194 MiB; an idle demo server 451 → 284 MiB with the other start-up
 * changes of issue 17).
 */
const EMBEDDED_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];
