import { closeContext } from '../app/create-context.ts';
import { startContext } from './startup.ts';

export async function migrateCommand(): Promise<void> {
  const ctx = await startContext({});
  process.stdout.write(`migrations applied (${ctx.database.kind} database)\n`);
  await closeContext(ctx);
}
