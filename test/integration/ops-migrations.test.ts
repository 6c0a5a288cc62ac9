import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../helpers/test-databases.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import { openDatabase, wrapPglite, type Database } from '../../src/db/database.ts';
import { migrateDatabase, MIGRATIONS_FOLDER } from '../../src/app/migrate.ts';
import { QUEUES } from '../../src/jobs/queues.ts';

const MIGRATION_FILES = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).length;

async function count(database: Database, text: string): Promise<number> {
  const result = (await database.executeSql(text)) as { rows: Array<{ n: number }> };
  return Number(result.rows[0].n);
}

/** What a complete migration leaves behind, exactly once. */
async function expectMigratedOnce(database: Database): Promise<void> {
  expect(await count(database, 'SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).toBe(MIGRATION_FILES);
  expect(await count(database, 'SELECT count(*) AS n FROM pgboss.version')).toBe(1);
  expect(await count(database, `SELECT count(*) AS n FROM pgboss.queue`)).toBe(Object.keys(QUEUES).length);
  expect(await count(database, `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'users'`)).toBe(1);
}

describe.each(DATABASE_KINDS)('migrations (%s)', (kind) => {
  it.runIf(kind === 'postgres')('lets several servers migrate one empty database at once', async () => {
    const base = process.env.TEST_DATABASE_URL!;
    const name = `adieu_t${randomBytes(4).toString('hex')}_${process.ppid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const servers: Database[] = [];
    try {
      for (let i = 0; i < 4; i++) servers.push(await openDatabase({ url: withDatabase(base, name), dataDir: '', poolSize: 2 }));
      const results = await Promise.allSettled(servers.map((database) => migrateDatabase(database)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      await expectMigratedOnce(servers[0]);
      // A later start finds nothing to do.
      await migrateDatabase(servers[1]);
      await expectMigratedOnce(servers[1]);
      // No advisory lock is left behind.
      expect(await count(servers[0], `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).toBe(0);
    } finally {
      await Promise.all(servers.map((database) => database.close()));
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it.runIf(kind === 'embedded')('migrates an empty embedded database, and a second run changes nothing', async () => {
    const database = wrapPglite(await PGlite.create());
    try {
      await migrateDatabase(database);
      await expectMigratedOnce(database);
      await migrateDatabase(database);
      await expectMigratedOnce(database);
    } finally {
      await database.close();
    }
  });
});
