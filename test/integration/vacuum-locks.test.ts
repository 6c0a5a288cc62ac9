import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../helpers/test-databases.ts';
import { vacuumTables, type VacuumOutcome } from '../../src/erasure/steps/vacuum.ts';
import type { StoreConnection } from '../../src/erasure/store-connection.ts';

/**
 * The scrub's VACUUMs: the tables no other run is scrubbing go in one statement, a table another
 * run holds is waited for on its own, a table the store refuses is recorded and the others still
 * scrubbed, and no lock is left behind.
 */
describe.each(DATABASE_KINDS)('vacuuming a store’s tables (%s)', (kind) => {
  let test: TestDatabase;
  let connection: StoreConnection;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
    await test.database.executeSql('CREATE TABLE public.scrub_a (v text); CREATE TABLE public.scrub_b (v text)');
    const pool = kind === 'postgres' ? new pg.Pool({ connectionString: test.url, max: 2 }) : null;
    connection = {
      pool,
      exec: async (text: string) => {
        await test.database.executeSql(text);
      },
    } as unknown as StoreConnection;
  });
  afterAll(async () => {
    await connection.pool?.end();
    await test.drop();
  });

  it('scrubs every table it can and names the one the store refuses', async () => {
    const outcome: VacuumOutcome = { vacuumed: [], skipped: [] };
    await vacuumTables(connection, 'VACUUM', ['public.scrub_a', 'public.no_such_table', 'public.scrub_b'], outcome);
    expect(outcome.vacuumed.sort()).toEqual(['public.scrub_a', 'public.scrub_b']);
    expect(outcome.skipped).toEqual([{ table: 'public.no_such_table', reason: '42P01' }]);
  });

  it.skipIf(kind !== 'postgres')('waits for a table another run is scrubbing, and lets every lock go', async () => {
    const other = new pg.Client({ connectionString: test.url });
    await other.connect();
    await other.query('SELECT pg_advisory_lock(7242002, hashtext($1))', ['public.scrub_b']);
    const outcome: VacuumOutcome = { vacuumed: [], skipped: [] };
    let finished = false;
    const scrub = vacuumTables(connection, 'VACUUM', ['public.scrub_a', 'public.scrub_b'], outcome).then(() => {
      finished = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The free table is done; the held one waits for the other run.
    expect(finished).toBe(false);
    expect(outcome.vacuumed).toEqual(['public.scrub_a']);
    await other.query('SELECT pg_advisory_unlock(7242002, hashtext($1))', ['public.scrub_b']);
    await scrub;
    expect(outcome.vacuumed).toEqual(['public.scrub_a', 'public.scrub_b']);
    const { rows } = await other.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    expect(rows[0].n).toBe(0);
    await other.end();
  });
});
