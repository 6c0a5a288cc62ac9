import { closeContext } from '../context.ts';
import { onShutdown, startContext } from './startup.ts';

export async function workerCommand(): Promise<void> {
  const ctx = await startContext({}, { worker: true });
  await ctx.jobs.work();
  process.stdout.write(`Adieu worker started (${ctx.database.kind} database)\n`);
  onShutdown(() => closeContext(ctx));
}
