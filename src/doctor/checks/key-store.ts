import pg from 'pg';
import type { Config } from '../../config/schema.ts';
import { openConfiguredKeyStore } from '../../keys/open-key-store.ts';
import { connectionError, failure, ok, type CheckResult } from '../check-result.ts';

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
export async function checkKeyStore(config: Config): Promise<CheckResult> {
  const keys = openConfiguredKeyStore(config);
  const where = isPostgresUrl(config.keys.url) ? 'PostgreSQL key database' : `folder ${config.keys.url ?? `${config.dataDir}/keys`}`;
  try {
    await keys.ping();
  } catch (error) {
    return failure('key store', `${where}: ${connectionError(error)}`, isPostgresUrl(config.keys.url) ? 'check ADIEU_KEYSTORE_URL and that its database exists' : 'start Adieu once to create it, or fix the folder\'s permissions');
  } finally {
    await keys.close().catch(() => undefined);
  }
  if (isPostgresUrl(config.keys.url) && isPostgresUrl(config.database.url)) {
    const [keysAt, mainAt] = await Promise.all([whereIs(config.keys.url), whereIs(config.database.url)]);
    if (keysAt === mainAt) return failure('key store', 'the key database is the main database', 'set ADIEU_KEYSTORE_URL to a separate database, kept out of the main backups');
    return ok('key store', `${where} answers, separate from the main database`);
  }
  return ok('key store', `${where} answers`);
}
