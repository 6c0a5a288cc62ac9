import { buildApp } from '../app/build-app.ts';
import { markDraining } from '../http/readiness.ts';
import { closeContext } from '../app/create-context.ts';
import type { Config } from '../config/schema.ts';
import type { Database } from '../db/database.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { listenForMetrics } from '../metrics/install-metrics.ts';
import { onShutdown, openContext } from './startup.ts';
import { markStartup, startupLine } from './startup-profile.ts';

markStartup('imports');

/** `adieu serve` once its configuration is loaded and its database is opening (./serve.ts). */
export async function runServer(config: Config, opening: Promise<Database>, { worker }: { worker: boolean }): Promise<void> {
  const ctx = await openContext(config, { worker, database: await opening });
  if (ctx.config.demo && (await seedDemo(ctx))) ctx.logger.info('demo marketplace seeded');
  markStartup('demo seed');

  const app = await buildApp(ctx);
  markStartup('http app');
  const address = await app.listen({ port: ctx.config.http.port, host: ctx.config.http.host });
  markStartup('listen');
  const url = address.replace('[::1]', 'localhost');
  // Port 0 and no configured publicUrl: the default was built with port 0, so use the real one.
  if (ctx.config.http.port === 0 && /:0$/.test(ctx.config.publicUrl)) ctx.config.publicUrl = url;
  const metrics = ctx.config.metrics.port !== undefined ? await listenForMetrics(app, ctx) : null;
  onShutdown(async () => {
    // Readiness turns 503 first, so a load balancer stops sending; then the listener closes (new
    // connections refused, requests in flight finish) while the worker stops fetching and lets
    // its running jobs end. Only then do the pools close.
    markDraining(ctx);
    await Promise.all([app.close(), metrics?.server.close(), ctx.jobs.stop()]);
    await closeContext(ctx);
  }, ctx.config.http.shutdownTimeoutSeconds);
  // Announced only once a signal would be handled.
  process.stdout.write(`Adieu is listening on ${url} (${ctx.database.kind} database${worker ? ', with worker' : ''})\n`);
  if (metrics) process.stdout.write(`Metrics are served on ${metrics.url}/metrics\n`);
  process.stdout.write(`Adieu ${startupLine()}\n`);

  // The worker (pg-boss's maintenance, schedules, fetching) starts once the server answers:
  // requests need none of it (a job is written inside the request's transaction), and a job queued
  // meanwhile waits in the database and runs when the worker is up. Failing to start is fatal, as
  // it was before listening.
  try {
    await ctx.jobs.start();
    if (worker) await ctx.jobs.work();
    markStartup('jobs');
    process.stdout.write(`Adieu ${worker ? 'worker' : 'job queue'} ${startupLine()}\n`);
  } catch (error) {
    process.stderr.write(`adieu: the job queue did not start: ${error instanceof Error ? error.message : String(error)}\n`);
    markDraining(ctx);
    await Promise.all([app.close(), metrics?.server.close()]).catch(() => undefined);
    await closeContext(ctx).catch(() => undefined);
    process.exit(1);
  }
}
