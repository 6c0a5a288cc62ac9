import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, wrapPglite, type Database, type DatabaseKind } from '../../src/db/database.ts';
import { withDatabase } from './global-setup.ts';

/** The databases every integration test runs on: always embedded, and PostgreSQL when CI gives one. */
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['embedded', 'postgres'] : ['embedded'];

let templateBytes: Buffer | null = null;

export interface TestDatabase {
  database: Database;
  /** The connection URL (PostgreSQL only), for child processes and other connectors. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'embedded') {
    templateBytes ??= readFileSync(inject('pgliteTemplate'));
    const client = await PGlite.create({ loadDataDir: new Blob([new Uint8Array(templateBytes)]) });
    const database = wrapPglite(client);
    return { database, drop: () => database.close() };
  }
  const baseUrl = process.env.TEST_DATABASE_URL!;
  const name = `adieu_t${randomBytes(4).toString('hex')}_${process.ppid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(baseUrl, name);
  const database = await openDatabase({ url, dataDir: '', poolSize: 5 });
  return {
    database,
    url,
    async drop() {
      await database.close();
      const again = new pg.Client({ connectionString: baseUrl });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await again.end();
    },
  };
}
