import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { VERSION } from '../version.ts';
import { readiness } from './readiness.ts';

export function healthRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    /** Liveness plus the database: 503 when the database does not answer. */
    app.get('/api/health', { schema: { tags: ['health'] } }, async (_request, reply) => {
      try {
        await ctx.db.execute(sql`SELECT 1`);
        return { status: 'ok', database: ctx.database.kind, version: VERSION };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: ctx.database.kind, version: VERSION });
      }
    });

    /** Readiness for a load balancer: every dependency answers and the process is not draining. */
    app.get('/api/health/ready', { schema: { tags: ['health'] } }, async (_request, reply) => {
      const state = await readiness(ctx);
      return reply
        .status(state.ready ? 200 : 503)
        .header('cache-control', 'no-store')
        .send({ status: state.ready ? 'ready' : 'unavailable', database: ctx.database.kind, draining: state.draining, checks: state.checks, version: VERSION });
    });
  };
}
