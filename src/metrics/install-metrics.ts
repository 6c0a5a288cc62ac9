import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context.ts';
import { databaseGauges } from './database-gauges.ts';
import { processRegistry } from './process-metrics.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    /** The scrape answer of this app's metrics, for the separate `metrics.port` listener. */
    metricsExposition: () => Promise<{ contentType: string; text: string }>;
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
function hasBearer(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '');
  return !!match && timingSafeEqual(digest(match[1]), digest(token));
}

/** The `/metrics` handler: with `metrics.token`, only for the scraper that presents it. */
function metricsHandler(app: FastifyInstance, ctx: AppContext) {
  const token = ctx.config.metrics.token;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (token !== undefined && !hasBearer(request, token)) {
      return reply
        .status(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ error: { code: 'AUTH_REQUIRED', message: 'Send the metrics token as a bearer token.' } });
    }
    const { contentType, text } = await app.metricsExposition();
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(text);
  };
}

/**
 * `/metrics` in Prometheus text format, and a latency histogram of every request. Requests are
 * labelled by route pattern (`/api/account/sessions/:id`), never the raw URL, so no id, token or
 * address can reach a label; unknown paths share one label. With `metrics.port` the endpoint is
 * not on this (public) listener at all: `listenForMetrics` serves it on its own port.
 */
export function installMetrics(app: FastifyInstance, ctx: AppContext): void {
  const registry = new Registry();
  const requestDuration = new Histogram({
    name: 'adieu_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const gauges = databaseGauges(ctx, registry);

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = METHODS.has(request.method) ? request.method : 'OTHER';
    requestDuration.observe({ route, method, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.decorate('metricsExposition', async () => {
    await gauges.refresh();
    return { contentType: registry.contentType, text: (await processRegistry().metrics()) + (await registry.metrics()) };
  });
  if (ctx.config.metrics.port === undefined) app.get('/metrics', { schema: { hide: true } }, metricsHandler(app, ctx));
}

/** The separate `/metrics` listener of `metrics.port` (on `metrics.host`, default `http.host`); returns it for closing. */
export async function listenForMetrics(app: FastifyInstance, ctx: AppContext): Promise<{ server: FastifyInstance; url: string }> {
  const server = Fastify({ logger: false });
  server.get('/metrics', metricsHandler(app, ctx));
  const url = await server.listen({ port: ctx.config.metrics.port ?? 0, host: ctx.config.metrics.host ?? ctx.config.http.host });
  return { server, url };
}
