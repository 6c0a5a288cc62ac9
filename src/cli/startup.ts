import { loadConfig, type LoadOptions } from '../config/load.ts';
import { createContext, type AppContext, type ContextOptions } from '../context.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { registerJobHandlers } from '../jobs/handlers.ts';

/** Reads the configuration, opens everything, brings the schema up to date. */
export async function startContext(load: LoadOptions, options: ContextOptions = {}): Promise<AppContext> {
  const config = loadConfig(load);
  const ctx = await createContext(config, options);
  await migrateDatabase(ctx.database);
  registerJobHandlers(ctx);
  return ctx;
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`adieu: ${signal} received, shutting down\n`);
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
