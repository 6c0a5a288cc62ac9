import { parseArgs } from 'node:util';
import { buildApp } from '../http/app.ts';
import { closeContext } from '../context.ts';
import { seedDemo } from '../demo/seed-demo.ts';
import { onShutdown, startContext } from './startup.ts';

export async function serveCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { demo: { type: 'boolean' }, 'no-worker': { type: 'boolean' }, port: { type: 'string' } },
    strict: true,
  });
  const port = values.port !== undefined ? Number(values.port) : undefined;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new Error('--port: expected a port number');
  const worker = !values['no-worker'];
  const ctx = await startContext({ flags: { demo: values.demo, port } }, { worker });
  if (ctx.config.demo && (await seedDemo(ctx))) ctx.logger.info('demo marketplace seeded');

  await ctx.jobs.start();
  if (worker) await ctx.jobs.work();

  const app = await buildApp(ctx);
  const address = await app.listen({ port: ctx.config.http.port, host: ctx.config.http.host });
  const url = address.replace('[::1]', 'localhost');
  if (ctx.config.http.port === 0 && !process.env.ADIEU_CONFIG) ctx.config.publicUrl = url;
  process.stdout.write(`Adieu is listening on ${url} (${ctx.database.kind} database${worker ? ', with worker' : ''})\n`);

  onShutdown(async () => {
    await app.close();
    await closeContext(ctx);
  });
}
