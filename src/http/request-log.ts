import type { FastifyInstance } from 'fastify';

/**
 * One JSON line per request, written when it ends: request id, method, path (never the query
 * string, which can carry identifiers), route pattern, status and time. Bodies and headers are
 * never logged (see `logger.ts`).
 */
export function installRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { req: request, res: reply, route: request.routeOptions.url ?? null, responseTimeMs: Math.round(reply.elapsedTime * 10) / 10 },
      'request completed',
    );
  });
}
