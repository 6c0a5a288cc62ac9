import { closeContext } from '../app/create-context.ts';
import { onShutdown, startContext } from './startup.ts';

export async function workerCommand(): Promise<void> {
  const ctx = await startContext({}, { worker: true }, { service: true });
  await ctx.jobs.work();
  // Stop fetching, let running jobs finish (pg-boss's graceful stop), then close the pools.
  // Installed before announcing the start, so a signal sent on seeing the line is always handled.
  onShutdown(() => closeContext(ctx), ctx.config.http.shutdownTimeoutSeconds);
  process.stdout.write(`Adieu worker started (${ctx.database.kind} database)\n`);
}
