import pg from 'pg';
import type { Config } from '../../config/schema.ts';
import { openConfiguredKeyStore } from '../../keys/open-key-store.ts';
import { connectionError, failure, ok, type CheckResult } from '../check-result.ts';
import { ConfigError } from '../../config/load.ts';
import type { Db } from '../../db/database.ts';
import { checkKek, inspectBinding, readIdentity } from '../../keys/key-store-binding.ts';

const isPostgresUrl = (url: string | undefined): url is string => url !== undefined && /^postgres(ql)?:\/\//.test(url);

/** Which database a connection really reached: its name and the server's identity. */
async function whereIs(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT current_database() AS db, inet_server_addr()::text AS addr, inet_server_port() AS port, pg_postmaster_start_time()::text AS started`);
    return JSON.stringify(rows[0]);
  } finally {
    await client.end();
  }
}

/**
 * The key store answers, and is not the main database (whatever the URLs look like: two host names
 * may reach the same database). Whether a folder sits inside the data directory is a setting rule.
 */
export async function checkKeyStore(config: Config, db: Db | null = null): Promise<CheckResult | CheckResult[]> {
  let keys;
  try {
    keys = openConfiguredKeyStore(config);
  } catch (error) {
    return failure('key store', error instanceof ConfigError ? error.message.replace(/^configuration error: /, '') : String(error), 'set ADIEU_KEK or ADIEU_KEK_FILE');
  }
  const where = isPostgresUrl(config.keys.url) ? 'PostgreSQL key database' : `folder ${config.keys.url ?? `${config.dataDir}/keys`}`;
  try {
    await keys.ping();
  } catch (error) {
    await keys.close().catch(() => undefined);
    return failure('key store', `${where}: ${connectionError(error)}`, isPostgresUrl(config.keys.url) ? 'check ADIEU_KEYSTORE_URL and that its database exists' : 'start Adieu once to create it, or fix the folder\'s permissions');
  }
  // Whether a server would start with this key store: its identity, the main database's, the KEK.
  let binding: CheckResult;
  try {
    if (db) {
      const verdict = await inspectBinding(db, keys);
      binding = verdict.problem
        ? failure('key store identity', verdict.problem, 'see docs/key-management.md (restore order)')
        : ok('key store identity', verdict.storeId ? `key store ${verdict.storeId} of main database ${verdict.databaseId}, opened by ${keys.wrapper.currentId}` : 'not bound yet (first start binds it)');
    } else {
      const identity = await readIdentity(keys);
      if (identity) await checkKek(keys, identity);
      binding = ok('key store identity', identity ? `key store ${identity.storeId} of main database ${identity.databaseId}, opened by ${keys.wrapper.currentId}` : 'not bound yet (first start binds it)');
    }
  } catch (error) {
    binding = failure('key store identity', (error as Error).message.replace(/^key store refused: /, ''), 'see docs/key-management.md');
  } finally {
    await keys.close().catch(() => undefined);
  }
  const reached = await reachedCheck(config);
  return binding.status === 'ok' ? [reached, binding] : [binding, reached];
}

async function reachedCheck(config: Config): Promise<CheckResult> {
  const where = isPostgresUrl(config.keys.url) ? 'PostgreSQL key database' : `folder ${config.keys.url ?? `${config.dataDir}/keys`}`;
  if (isPostgresUrl(config.keys.url) && isPostgresUrl(config.database.url)) {
    const [keysAt, mainAt] = await Promise.all([whereIs(config.keys.url), whereIs(config.database.url)]);
    if (keysAt === mainAt) return failure('key store', 'the key database is the main database', 'set ADIEU_KEYSTORE_URL to a separate database, kept out of the main backups');
    return ok('key store', `${where} answers, separate from the main database`);
  }
  return ok('key store', `${where} answers`);
}
