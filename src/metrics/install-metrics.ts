import type { FastifyInstance } from 'fastify';
import { Histogram, Registry } from 'prom-client';
import type { AppContext } from '../context.ts';
import { databaseGauges } from './database-gauges.ts';
import { processRegistry } from './process-metrics.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * `/metrics` in Prometheus text format, and a latency histogram of every request. Requests are
 * labelled by route pattern (`/api/account/sessions/:id`), never the raw URL, so no id, token or
 * address can reach a label; unknown paths share one label.
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

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    await gauges.refresh();
    const text = (await processRegistry().metrics()) + (await registry.metrics());
    return reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
