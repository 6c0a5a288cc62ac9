import type { Config } from '../config/schema.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { failure, ok, warning, type CheckResult } from './check-result.ts';
import { checkSettings } from './checks/settings.ts';
import { checkClockSkew, checkDatabase } from './checks/database.ts';
import { checkKeyStore } from './checks/key-store.ts';
import { checkSmtp } from './checks/smtp.ts';
import { checkProviders, checkReceivers } from './checks/downstream.ts';
import { checkDataMap } from './checks/data-map.ts';
import { checkDisk } from './checks/disk.ts';
import { checkIdentity } from './checks/identity.ts';

/** A check that hangs is a failure of that check, not of the doctor. */
const CHECK_TIMEOUT_MS = 20_000;

async function guarded(check: string, run: () => Promise<CheckResult | CheckResult[]>): Promise<CheckResult[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(failure(check, `no answer within ${CHECK_TIMEOUT_MS / 1000} s`, 'check that it runs and is reachable from here')), CHECK_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([run(), timeout]);
    return Array.isArray(result) ? result : [result];
  } catch (error) {
    return [failure(check, `could not be checked: ${(error as { code?: string }).code ?? (error as Error).name}`, 'see the line above; run again with the service reachable')];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Everything `adieu doctor` checks, in the order of docs/operations.md's production checklist.
 * Reads only: it sends no mail, erases nothing and writes no row (the key store's table is created
 * if missing, as any server's start would).
 */
export async function runDoctor(config: Config): Promise<CheckResult[]> {
  const results: CheckResult[] = [...checkSettings(config)];
  let database: Database | null = null;
  if (config.database.url) {
    database = await openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: 2 });
  } else {
    // PGlite serves one process: opening the folder a running server holds could damage it.
    const detail = 'embedded database (one process): not opened, a running server may hold it';
    const remedy = 'set DATABASE_URL to PostgreSQL for production';
    results.push(config.production ? warning('database', detail, remedy) : ok('database', detail));
  }
  try {
    let reachable = false;
    let migrated = false;
    if (database) {
      const db = database;
      const checked = await guarded('database', () => checkDatabase(db));
      results.push(...checked);
      reachable = checked[0]?.status === 'ok';
      migrated = checked.every((r) => r.status !== 'failure');
    }
    const [keys, mail, providers, receivers, identity] = await Promise.all([
      guarded('key store', () => checkKeyStore(config, migrated && database ? database.db : null)),
      guarded('mail (SMTP)', () => checkSmtp(config)),
      guarded('providers', () => checkProviders(config)),
      guarded('receivers', () => checkReceivers(config)),
      guarded('identity', () => checkIdentity(config)),
    ]);
    results.push(...keys, ...mail, ...providers, ...receivers, ...identity);
    // Adieu's own tables are compared with the map only once they are all there.
    results.push(...(await guarded('data map', () => checkDataMap(config, migrated ? database : null))));
    if (database && reachable) {
      const db = database;
      results.push(...(await guarded('clock skew', () => checkClockSkew(db))));
    }
    results.push(...(await guarded('free disk', () => checkDisk(config.dataDir))));
  } finally {
    await database?.close().catch(() => undefined);
  }
  return results;
}
