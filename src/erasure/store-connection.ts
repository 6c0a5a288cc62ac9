import type pg from 'pg';
import { types as pgliteTypes } from '@electric-sql/pglite';
import type { AppContext } from '../context.ts';
import type { Db } from '../db/database.ts';
import { rawQuery } from '../db/sql.ts';
import { postgresDriver } from '../db/postgres-driver.ts';
import type { StoreSpec } from '../domain/erasure-datamap.ts';
import { closeMysqlPools } from './connectors/mysql.ts';
import { closeRedisClients } from './connectors/redis.ts';
import { READ_BATCH, type ReadSubjectRows } from './connectors/connector.ts';
import { buildReadSql, type SubjectRowsQuery } from '../domain/erasure-sql.ts';
import { resolveParams, type ParamValues } from './params.ts';
import { utcTimestampToIso } from '../domain/timestamp-text.ts';

export type Query = (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * The SQL connector: Adieu's own database, or a platform's PostgreSQL named by a connection URL
 * (`erasure.stores.NAME.url`), so the same set-based steps run against the systems that really
 * hold the data.
 */
export interface StoreConnection {
  store: string;
  /** Adieu's own database: a step's effect and its "done" mark commit in one transaction. */
  builtin: boolean;
  query: Query;
  /** Runs `fn` in one transaction of the store (external stores only; built-in steps use the run's transaction). */
  transaction<T>(fn: (query: Query) => Promise<T>): Promise<T>;
  /** A statement that must not run in a transaction (VACUUM). */
  exec(text: string): Promise<void>;
  /** The subject's rows of one table, for the data export (a cursor in a read-only transaction). */
  read: ReadSubjectRows;
  /** The store's PostgreSQL pool, for the export's `COPY … TO STDOUT`; null on the embedded database, which streams no COPY. */
  pool: pg.Pool | null;
}

type RawRows = (text: string, values?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

const TIMESTAMPTZ = 1184;
/** The read's parsers: a `timestamptz` comes as ISO 8601 text (the session is in UTC), not a Date per value. */
const PG_READ_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    const types = postgresDriver().types;
    if (oid !== TIMESTAMPTZ) return types.getTypeParser(oid, format ?? 'text');
    const parse = types.getTypeParser(TIMESTAMPTZ, 'text');
    return (text: string) => utcTimestampToIso(text) ?? parse(text);
  },
} as pg.CustomTypesConfig;
const PGLITE_READ_PARSERS = { [TIMESTAMPTZ]: (text: string) => utcTimestampToIso(text) ?? pgliteTypes.parseType(text, TIMESTAMPTZ) };

/**
 * Reads through a server-side cursor on a connection already in a transaction: `FETCH` hands over
 * one batch at a time, so neither the server's answer nor ours is ever the whole table. The next
 * batch is asked for while the current one is handled (the server reads as we write): two batches
 * at most in memory. A short batch is the last, which saves the round trip of an empty one.
 * Not on the embedded database: it runs in this thread, so there is nothing to overlap, and a
 * second batch would only raise the peak. Times come in UTC, `timestamptz` values as ISO 8601
 * text (see `PG_READ_TYPES`).
 */
async function readWithCursor(query: RawRows, q: SubjectRowsQuery, values: ParamValues, onBatch: (rows: Array<Record<string, unknown>>) => Promise<void>, prefetch = true): Promise<number> {
  const built = buildReadSql(q);
  await query("SET LOCAL TIME ZONE 'UTC'");
  await query(`DECLARE adieu_export NO SCROLL CURSOR FOR ${built.text}`, resolveParams(built.params, values));
  const fetch = () => query(`FETCH ${READ_BATCH} FROM adieu_export`);
  let count = 0;
  let next: ReturnType<RawRows> | null = fetch();
  try {
    while (next) {
      const { rows }: Awaited<ReturnType<RawRows>> = await next;
      const more: boolean = rows.length === READ_BATCH;
      next = more && prefetch ? fetch() : null;
      if (rows.length === 0) break;
      count += rows.length;
      await onBatch(rows);
      if (more && !prefetch) next = fetch();
    }
  } catch (error) {
    // The transaction is rolled back; a FETCH still in flight goes with it.
    await next?.catch(() => undefined);
    throw error;
  }
  await query('CLOSE adieu_export');
  return count;
}

async function readOnPool(pool: pg.Pool, q: SubjectRowsQuery, values: ParamValues, onBatch: (rows: Array<Record<string, unknown>>) => Promise<void>): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    const count = await readWithCursor((text, v) => client.query({ text, values: v, types: PG_READ_TYPES }), q, values, onBatch);
    await client.query('COMMIT');
    return count;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Adieu's own database: its pool, or the embedded database's one connection inside a transaction. */
function readBuiltin(ctx: AppContext): ReadSubjectRows {
  return async (q, values, onBatch) => {
    if (ctx.database.pool) return readOnPool(ctx.database.pool, q, values, onBatch);
    const pglite = ctx.database.pglite;
    if (!pglite) throw new Error('no database to read from');
    return pglite.transaction((tx) => readWithCursor((text, v) => tx.query(text, v ?? [], { parsers: PGLITE_READ_PARSERS }) as Promise<{ rows: Array<Record<string, unknown>> }>, q, values, onBatch, false));
  };
}

export const queryOn =
  (db: Db): Query =>
  async (text, values = []) =>
    (await rawQuery(db)(text, values)).rows;

const pools = new Map<string, pg.Pool>();

function poolFor(url: string): pg.Pool {
  let pool = pools.get(url);
  if (!pool) {
    pool = new (postgresDriver().Pool)({ connectionString: url, max: 3, idleTimeoutMillis: 5_000, allowExitOnIdle: true });
    pool.on('error', () => undefined);
    pools.set(url, pool);
  }
  return pool;
}

export function connectStore(ctx: AppContext, store: StoreSpec): StoreConnection {
  if (store.database === 'adieu') {
    return {
      store: store.store,
      builtin: true,
      query: queryOn(ctx.db),
      transaction: (fn) => ctx.db.transaction((tx) => fn(queryOn(tx))),
      exec: async (text) => {
        await ctx.database.executeSql(text);
      },
      read: readBuiltin(ctx),
      pool: ctx.database.pool ?? null,
    };
  }
  const url = ctx.config.erasure.stores[store.database.config]?.url;
  if (!url) throw new Error(`store ${store.store}: no connection URL configured`);
  if (!/^postgres(ql)?:$/.test(new URL(url).protocol)) throw new Error(`store ${store.store}: not a PostgreSQL URL`);
  const pool = poolFor(url);
  return {
    store: store.store,
    builtin: false,
    query: async (text, values = []) => (await pool.query(text, values as unknown[])).rows,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(async (text, values = []) => (await client.query(text, values as unknown[])).rows);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    exec: async (text) => {
      await pool.query(text);
    },
    read: (q, values, onBatch) => readOnPool(pool, q, values, onBatch),
    pool,
  };
}

/** Closes the pools of external stores (tests, shutdown). */
export async function closeStoreConnections(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all([...all.map((p) => p.end().catch(() => undefined)), closeMysqlPools(), closeRedisClients()]);
}
