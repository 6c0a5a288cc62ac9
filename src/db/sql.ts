import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './database.ts';

/** Runs a drizzle SQL fragment and returns its rows, on either driver. */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * Turns `$1`-style SQL text and its values into a drizzle fragment, so that a library speaking
 * plain SQL (pg-boss) can run inside one of our drizzle transactions.
 */
export function textToSql(text: string, values: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [sql.raw(parts[0])];
  for (let i = 1; i < parts.length; i += 2) {
    // drizzle drops an undefined parameter entirely (leaving `::int` behind); SQL wants NULL.
    chunks.push(sql`${values[Number(parts[i]) - 1] ?? null}`);
    chunks.push(sql.raw(parts[i + 1]));
  }
  return sql.join(chunks, sql.raw(''));
}
