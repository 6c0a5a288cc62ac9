import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { Database } from '../db/database.ts';
import { lastMigrationTime, MIGRATIONS_FOLDER } from '../db/migrations-folder.ts';
import { BOSS_SCHEMA, installJobSchema } from '../jobs/job-queue.ts';
import { QUEUES } from '../jobs/queues.ts';

export { MIGRATIONS_FOLDER };
const MIGRATION_LOCK = 7242000;

type Query = (text: string, values?: unknown[]) => Promise<{ rows: any[] }>;

/**
 * Applies the schema migrations and the job queue's tables. On PostgreSQL an advisory lock makes
 * servers that start at once take turns; the second finds nothing left to do.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'embedded') {
    const client = database.pglite!;
    const query: Query = (text, values) => client.query(text, values ?? []);
    if (await schemaIsCurrent(query)) return;
    await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await installJobSchema(query, (text) => client.exec(text));
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const query: Query = (text, values) => client.query(text, values as any[]);
      if (await schemaIsCurrent(query)) return;
      // Loaded here, not with this module: a server on the embedded database never needs pg.
      const [{ drizzle: drizzlePg }, { migrate: migratePg }] = await Promise.all([import('drizzle-orm/node-postgres'), import('drizzle-orm/node-postgres/migrator')]);
      await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
      await installJobSchema(query, (text) => client.query(text));
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/**
 * Whether migrating would change nothing, in two reads instead of drizzle's and pg-boss's full
 * pass (a few hundred ms of every start): drizzle applies only the journal's entries newer than
 * the newest it recorded, and pg-boss's create_queue leaves an existing queue as it is.
 */
export async function schemaIsCurrent(query: Query): Promise<boolean> {
  // The job schema's own index (installJobSchema) stands for Adieu's additions to pg-boss's tables.
  const [tables] = (
    await query(
      `SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AND to_regclass('${BOSS_SCHEMA}.queue') IS NOT NULL AND to_regclass('${BOSS_SCHEMA}.job_fetch_order_i') IS NOT NULL AS present`,
    )
  ).rows;
  if (!tables?.present) return false;
  const [state] = (await query(`SELECT (SELECT max(created_at) FROM drizzle.__drizzle_migrations)::text AS last, (SELECT json_agg(name) FROM ${BOSS_SCHEMA}.queue)::text AS queues`)).rows;
  if (state?.last == null || Number(state.last) < lastMigrationTime()) return false;
  const queues = new Set<string>(JSON.parse(state.queues ?? '[]'));
  return Object.values(QUEUES).every((definition) => queues.has(definition.name));
}
