import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { VERSION } from '../version.ts';

export function healthRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/health', { schema: { tags: ['health'] } }, async (_request, reply) => {
      try {
        await ctx.db.execute(sql`SELECT 1`);
        return { status: 'ok', database: ctx.database.kind, version: VERSION };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: ctx.database.kind, version: VERSION });
      }
    });
  };
}
