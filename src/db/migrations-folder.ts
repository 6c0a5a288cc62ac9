import { fileURLToPath } from 'node:url';

/** The drizzle migrations (SQL files and journal) that `src/app/migrate.ts` applies. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
