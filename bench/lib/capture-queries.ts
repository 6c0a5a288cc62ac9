import type { Database } from '../../src/db/database.ts';

export interface CapturedQuery {
  text: string;
  values: unknown[];
}

/**
 * Records every statement the app sends while `fn` runs (by wrapping the driver's `query`), so a
 * scenario can EXPLAIN exactly what a service function runs, not a copy of it.
 */
export async function captureQueries<T>(database: Database, fn: () => Promise<T>): Promise<{ result: T; queries: CapturedQuery[] }> {
  const queries: CapturedQuery[] = [];
  const target = (database.pool ?? database.pglite) as unknown as { query: (...args: any[]) => Promise<unknown> };
  const original = target.query;
  target.query = function (this: unknown, ...args: any[]) {
    const [first, second] = args;
    if (typeof first === 'string') queries.push({ text: first, values: Array.isArray(second) ? second : [] });
    else if (first && typeof first.text === 'string') queries.push({ text: first.text, values: first.values ?? (Array.isArray(second) ? second : []) });
    return original.apply(this, args);
  };
  try {
    return { result: await fn(), queries };
  } finally {
    target.query = original;
  }
}

/** EXPLAIN (ANALYZE, BUFFERS) of a captured statement, as text lines. */
export async function explain(database: Database, query: CapturedQuery): Promise<string> {
  const result = await database.executeSql(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query.text}`, query.values.length > 0 ? query.values : undefined);
  const rows = Array.isArray(result) ? result.flatMap((r) => r.rows) : result.rows;
  return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
}

/** Tables read by a sequential scan in a plan (a hot query should show none on big tables). */
export function seqScans(plan: string): string[] {
  return [...plan.matchAll(/Seq Scan on (\S+)/g)].map((m) => m[1]);
}
