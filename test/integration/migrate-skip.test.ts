import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import type { Database } from '../../src/db/database.ts';
import { migrateDatabase, schemaIsCurrent } from '../../src/app/migrate.ts';
import { BOSS_SCHEMA } from '../../src/jobs/job-queue.ts';
import { QUEUES } from '../../src/jobs/queues.ts';

/**
 * The tag of every DDL statement since the test began (an event trigger records them, see
 * beforeAll). A migration pass always issues some, even where nothing changes (drizzle's CREATE
 * SCHEMA IF NOT EXISTS, our CREATE INDEX IF NOT EXISTS), so an empty record means no pass ran.
 */
async function ddlTags(database: Database): Promise<string[]> {
  const result = (await database.executeSql('SELECT tag FROM public.test_ddl_log ORDER BY id')) as { rows: Array<{ tag: string }> };
  return result.rows.map((row) => row.tag);
}

const isCurrent = (database: Database) => database.withConnection((query) => schemaIsCurrent(query));

async function fetchIndexExists(database: Database): Promise<boolean> {
  const result = (await database.executeSql(`SELECT to_regclass('${BOSS_SCHEMA}.job_fetch_order_i') IS NOT NULL AS present`)) as { rows: Array<{ present: boolean }> };
  return result.rows[0].present;
}

describe.each(DATABASE_KINDS)('migrating an up-to-date database (%s)', (kind) => {
  // One database for the file (a PGlite load costs seconds): each test leaves it current again.
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
    await test.database.executeSql(`
      CREATE TABLE public.test_ddl_log (id serial PRIMARY KEY, tag text NOT NULL);
      CREATE FUNCTION public.test_log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO public.test_ddl_log (tag) VALUES (tg_tag); END $$;
      CREATE EVENT TRIGGER test_log_ddl ON ddl_command_start EXECUTE FUNCTION public.test_log_ddl();
    `);
  });
  beforeEach(async () => {
    await test.database.executeSql('DELETE FROM public.test_ddl_log');
  });
  afterAll(async () => {
    await test.drop();
  });

  it('runs no migration pass', async () => {
    const { database } = test;
    expect(await isCurrent(database)).toBe(true);
    await migrateDatabase(database);
    expect(await ddlTags(database)).toEqual([]);
  });

  it('re-creates the job fetch index when it is missing', async () => {
    const { database } = test;
    await database.executeSql(`DROP INDEX ${BOSS_SCHEMA}.job_fetch_order_i`);
    expect(await isCurrent(database)).toBe(false);
    await migrateDatabase(database);
    expect(await fetchIndexExists(database)).toBe(true);
    expect(await ddlTags(database)).toContain('CREATE INDEX');
    expect(await isCurrent(database)).toBe(true);
  });

  it('re-creates a missing queue', async () => {
    const { database } = test;
    await database.executeSql(`SELECT ${BOSS_SCHEMA}.delete_queue($1)`, [QUEUES.tick.name]);
    expect(await isCurrent(database)).toBe(false);
    await migrateDatabase(database);
    const result = (await database.executeSql(`SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.queue WHERE name = $1`, [QUEUES.tick.name])) as { rows: Array<{ n: number }> };
    expect(result.rows[0].n).toBe(1);
    expect(await isCurrent(database)).toBe(true);
  });

  it('does not count a database without the newest drizzle migration as current', async () => {
    const { database } = test;
    const newest = 'SELECT max(created_at) FROM drizzle.__drizzle_migrations';
    await database.executeSql(`CREATE TABLE public.test_saved AS SELECT * FROM drizzle.__drizzle_migrations WHERE created_at = (${newest})`);
    await database.executeSql(`DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (${newest})`);
    expect(await isCurrent(database)).toBe(false);
    await database.executeSql('INSERT INTO drizzle.__drizzle_migrations SELECT * FROM public.test_saved');
    expect(await isCurrent(database)).toBe(true);
  });
});
