import { loadConfig, type LoadOptions } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { closeContext, createContext, type AppContext, type ContextOptions } from '../app/create-context.ts';
import { bindKeyStore } from '../keys/key-store-binding.ts';
import { migrateDatabase } from '../app/migrate.ts';
import { registerJobHandlers } from '../app/job-handlers.ts';
import { enforceSettingRules } from './enforce-setting-rules.ts';
import { markStartup } from './startup-profile.ts';

/**
 * Reads the configuration, opens everything, brings the schema up to date. `service`: a server or
 * worker (what buyers depend on), which must pass the setting rules; one-off commands need not.
 */
export async function startContext(load: LoadOptions, options: ContextOptions = {}, { service = false } = {}): Promise<AppContext> {
  const config = loadConfig(load);
  if (service) enforceSettingRules(config);
  markStartup('config');
  return openContext(config, options);
}

/** Opens everything of a loaded configuration (or takes `options.database`), brings the schema up to date. */
export async function openContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const ctx = await createContext(config, options);
  markStartup('database open');
  try {
    await migrateDatabase(ctx.database);
    markStartup('migrations');
    // Before anything mints a key: the key store must be this deployment's, opened by its KEK.
    const bound = await bindKeyStore(ctx.db, ctx.keys);
    if (bound.wrapped > 0) ctx.logger.info({ keys: bound.wrapped }, 'keys stored before envelope encryption are now wrapped by the KEK');
    markStartup('key store');
  } catch (error) {
    await closeContext(ctx);
    throw error;
  }
  registerJobHandlers(ctx);
  markStartup('job handlers');
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
