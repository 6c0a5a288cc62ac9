import type pg from 'pg';
import { lazyModule } from '../lazy-module.ts';

const load = lazyModule<typeof pg>('pg');
let configured = false;

/**
 * `pg`, loaded by the first PostgreSQL connection instead of at start: a server on the embedded
 * database never needs it (about 30 ms of its start, with the fetch implementation that pg's
 * runtime check pulls in). src/ reaches pg only through here (pg's ESM entry is its CommonJS
 * module, so drizzle's import shares this copy), so the parser below is set before any query.
 */
export function postgresDriver(): typeof pg {
  const driver = load();
  if (!configured) {
    // int8 (counts, sums) as numbers: our counts stay far below 2^53.
    driver.types.setTypeParser(20, (v) => Number(v));
    configured = true;
  }
  return driver;
}
