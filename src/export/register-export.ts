import type { AppContext } from '../context.ts';
import { QUEUES } from '../jobs/queues.ts';
import type { Timer } from '../jobs/timers.ts';
import { buildExport } from './build-export.ts';
import { destroyExport, expireExports } from './request-export.ts';

/** Destroys the files of exports past `export.retainDays`. */
export const exportTimers: Timer[] = [{ name: 'export-expiry', run: expireExports }];

/** The data export's jobs: building an export, destroying its files. */
export function registerExport(ctx: AppContext): void {
  ctx.jobs.register(QUEUES['export.build'].name, async (data: { exportId: string }) => {
    await ctx.clock.refresh(ctx.db);
    await buildExport(ctx, data.exportId);
  });
  ctx.jobs.register(QUEUES['export.destroy'].name, async (data: { exportId: string }) => {
    await destroyExport(ctx, data.exportId);
  });
}
