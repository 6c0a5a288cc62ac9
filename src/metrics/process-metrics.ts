import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | null = null;

/**
 * prom-client's gauges named like counters (`…_total`): Prometheus tooling reads `_total` as a
 * counter (promtool refuses them). Nothing is lost: each is the sum over the `type` label of the
 * gauge of the same name without `_total`.
 */
const COUNTER_NAMED_GAUGES = ['adieu_nodejs_active_handles_total', 'adieu_nodejs_active_requests_total', 'adieu_nodejs_active_resources_total'];

/**
 * Process metrics (CPU, memory, event-loop lag, GC) belong to the process, not to one app: they are
 * collected once however many apps a process builds (tests build many). Named `adieu_process_*`
 * and `adieu_nodejs_*` (prom-client's own names, prefixed once).
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'adieu_' });
    for (const name of COUNTER_NAMED_GAUGES) registry.removeSingleMetric(name);
  }
  return registry;
}
