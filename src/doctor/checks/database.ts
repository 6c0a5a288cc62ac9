import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../db/database.ts';
import { MIGRATIONS_FOLDER } from '../../db/migrations-folder.ts';
import { connectionError, failure, ok, warning, type CheckResult } from '../check-result.ts';

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this version of Adieu ships (drizzle's journal). */
export function shippedMigrations(): JournalEntry[] {
  return (JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] }).entries;
}

async function rows(database: Database, text: string): Promise<Array<Record<string, unknown>>> {
  const result = await database.executeSql(text);
  return (Array.isArray(result) ? result[result.length - 1] : result).rows as Array<Record<string, unknown>>;
}

/**
 * Reachable, and migrated: drizzle records each applied migration with its journal timestamp
 * (`created_at` = the journal's `when`), so the two lists compare without reading the SQL files.
 */
export async function checkDatabase(database: Database): Promise<CheckResult[]> {
  let version: string;
  try {
    const [row] = await rows(database, 'SELECT current_setting(\'server_version\') AS version');
    version = String(row.version);
  } catch (error) {
    return [failure('database', `not reachable: ${connectionError(error)}`, 'check DATABASE_URL (host, port, user, password, database) and that PostgreSQL runs')];
  }
  const reached = ok('database', `${database.kind === 'postgres' ? 'PostgreSQL' : 'embedded PostgreSQL'} ${version} answers`);
  const shipped = shippedMigrations();
  let applied: number[];
  try {
    applied = (await rows(database, 'SELECT created_at FROM drizzle.__drizzle_migrations')).map((r) => Number(r.created_at));
  } catch {
    return [reached, failure('migrations', `none of ${shipped.length} applied`, 'run `npx adieu migrate`')];
  }
  const missing = shipped.filter((m) => !applied.includes(m.when)).map((m) => m.tag);
  const unknown = applied.filter((when) => !shipped.some((m) => m.when === when)).length;
  if (missing.length > 0) {
    return [reached, failure('migrations', `${shipped.length - missing.length} of ${shipped.length} applied, missing ${missing.join(', ')}`, 'run `npx adieu migrate`')];
  }
  if (unknown > 0) {
    return [reached, warning('migrations', `all ${shipped.length} applied, and ${unknown} this version does not know`, 'the database was migrated by a newer Adieu: run that version')];
  }
  return [reached, ok('migrations', `all ${shipped.length} applied`)];
}

/**
 * The service clock follows this machine; deadlines, leases and signatures compare it with
 * timestamps the database wrote. Measured against the middle of the round trip.
 */
export async function checkClockSkew(database: Database): Promise<CheckResult> {
  const before = Date.now();
  const [row] = await rows(database, 'SELECT clock_timestamp() AS now');
  const after = Date.now();
  const skewMs = new Date(row.now as string).getTime() - (before + after) / 2;
  const seconds = Math.abs(skewMs) / 1000;
  const detail = `${seconds.toFixed(1)} s ${skewMs > 0 ? 'behind' : 'ahead of'} the database`;
  if (seconds <= 2) return ok('clock skew', `${seconds.toFixed(1)} s against the database`);
  const remedy = 'synchronise both machines\' clocks (NTP, chrony)';
  return seconds <= 30 ? warning('clock skew', detail, remedy) : failure('clock skew', detail, remedy);
}
