import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../src/config/load.ts';
import { closeContext, createContext, type AppContext } from '../../src/app/create-context.ts';
import type { Database } from '../../src/db/database.ts';
import { buildApp } from '../../src/app/build-app.ts';
import { registerJobHandlers } from '../../src/app/job-handlers.ts';
import { createLogger } from '../../src/logger.ts';
import type { BenchDatabase } from './bench-database.ts';

export interface RunningAdieu {
  ctx: AppContext;
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * The real app in this process, listening on 127.0.0.1 and a free port, configured as `adieu serve`
 * would be from the environment. Logs go at the production level (info, one line per request) to
 * /dev/null: their serialisation is part of what a request costs.
 */
export async function startAdieu(
  benchDb: BenchDatabase,
  options: { database?: Database; devTools?: boolean; worker?: boolean; logLevel?: string } = {},
): Promise<RunningAdieu> {
  const config = loadConfig({
    env: { ...benchDb.env(), ADIEU_DEV_TOOLS: options.devTools ? 'true' : 'false', LOG_LEVEL: options.logLevel ?? 'info', PORT: '0' },
  });
  const logger = createLogger(config.log.level, pino.destination({ dest: '/dev/null', sync: false }));
  const database = options.database ?? (await benchDb.open());
  const ctx = await createContext(config, { database, logger, worker: options.worker ?? false });
  registerJobHandlers(ctx);
  if (options.worker) await ctx.jobs.work();
  const app = await buildApp(ctx);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  ctx.config.publicUrl = address;
  return {
    ctx,
    app,
    url: address,
    async close() {
      await app.close();
      await closeContext(ctx);
    },
  };
}

/** The app's context alone (services, jobs) on a bench database, without HTTP. */
export async function openContext(benchDb: BenchDatabase, options: { database?: Database; worker?: boolean; devTools?: boolean } = {}): Promise<AppContext> {
  const config = loadConfig({ env: { ...benchDb.env(), ADIEU_DEV_TOOLS: options.devTools ? 'true' : 'false', LOG_LEVEL: 'warn' } });
  const logger = createLogger(config.log.level, pino.destination({ dest: '/dev/null', sync: false }));
  const ctx = await createContext(config, { database: options.database ?? (await benchDb.open()), logger, worker: options.worker ?? false });
  registerJobHandlers(ctx);
  return ctx;
}

export { closeContext };

/** A buyer signed in over HTTP: the session cookie and CSRF token, as a browser holds them. */
export interface SignedIn {
  cookie: string;
  csrfToken: string;
  userId: string;
}

export async function signInOverHttp(url: string, identifier: string, password: string): Promise<SignedIn> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { user: { id: string }; csrfToken: string };
  const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('adieu_session='));
  if (!setCookie) throw new Error('sign-in set no session cookie');
  return { cookie: setCookie.split(';')[0], csrfToken: body.csrfToken, userId: body.user.id };
}
