import type { SQL } from 'drizzle-orm';
import type { Db } from './database.ts';

/** Runs a drizzle SQL fragment and returns its rows, on either driver. */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export type RawQuery = (text: string, values?: unknown[]) => Promise<{ rows: any[] }>;

/**
 * Plain `$1`-style SQL on the very connection behind a drizzle handle or transaction, so that a
 * library speaking SQL text (pg-boss) or a generated statement runs inside our transaction with
 * its parameters typed as the statement says. Both drivers keep their client on the session: a
 * pool or PGlite for the handle, the transaction's own client inside `transaction()`.
 */
export function rawQuery(db: Db): RawQuery {
  const client = (db as unknown as { session?: { client?: { query?: unknown } } }).session?.client;
  if (!client || typeof client.query !== 'function') throw new Error('no raw client behind this database handle');
  const query = client.query as (text: string, values: unknown[]) => Promise<{ rows: any[] }>;
  return (text, values) => query.call(client, text, values ?? []);
}
