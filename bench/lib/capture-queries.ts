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

/**
 * The statement a PL/pgSQL function of one `RETURN QUERY` runs, with its arguments as `$n`
 * parameters bound to `values`: EXPLAIN of the call itself shows only a Function Scan.
 */
export async function functionQuery(database: Database, name: string, values: unknown[]): Promise<CapturedQuery> {
  const result = await database.executeSql(
    `SELECT p.prosrc AS body, p.proargnames AS names, array(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) t) AS types
     FROM pg_proc p WHERE p.oid = $1::regproc`,
    [name],
  );
  const [row] = (Array.isArray(result) ? result[0] : result).rows as Array<{ body: string; names: string[]; types: string[] }>;
  const body = row ? /RETURN QUERY\s+([\s\S]*?);\s*END/i.exec(row.body)?.[1] : undefined;
  if (!body) throw new Error(`${name} is not a function of one RETURN QUERY`);
  const bare = name.split('.').pop()!;
  // The in-arguments come first among the names (the RETURNS TABLE columns follow).
  const text = row.types.reduce(
    (sql, type, i) => sql.replace(new RegExp(`(?:\\b${bare}\\.|(?<![.\\w]))${row.names[i]}\\b`, 'g'), `$${i + 1}::${type}`),
    body,
  );
  return { text, values };
}
