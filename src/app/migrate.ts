import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { Database } from '../db/database.ts';
import { MIGRATIONS_FOLDER } from '../db/migrations-folder.ts';
import { installJobSchema } from '../jobs/job-queue.ts';

export { MIGRATIONS_FOLDER };
const MIGRATION_LOCK = 7242000;

/**
 * Applies the schema migrations and the job queue's tables. On PostgreSQL an advisory lock makes
 * servers that start at once take turns; the second finds nothing left to do.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'embedded') {
    const client = database.pglite!;
    await migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await installJobSchema(
      (text, values) => client.query(text, values ?? []),
      (text) => client.exec(text),
    );
    return;
  }
  const client = await database.pool!.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder: MIGRATIONS_FOLDER });
      await installJobSchema(
        (text, values) => client.query(text, values as any[]),
        (text) => client.query(text),
      );
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}
