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

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits: 0 when everything closed in time, 1 when it
 * did not (after `timeoutSeconds`, whatever is still running is abandoned; unfinished jobs go back
 * to the queue when their lease expires). A second signal exits at once.
 */
export function onShutdown(stop: () => Promise<void>, timeoutSeconds = 30): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      process.stderr.write(`adieu: ${signal} received again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`adieu: ${signal} received, finishing in-flight work (at most ${timeoutSeconds} s)\n`);
    const timer = setTimeout(() => {
      process.stderr.write('adieu: shutdown timed out, exiting\n');
      process.exit(1);
    }, timeoutSeconds * 1000);
    timer.unref();
    stop().then(
      () => {
        process.stderr.write('adieu: stopped\n');
        process.exit(0);
      },
      (error) => {
        process.stderr.write(`adieu: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => handler('SIGTERM'));
  process.on('SIGINT', () => handler('SIGINT'));
}
