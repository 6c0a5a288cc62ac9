import { collectDefaultMetrics, Registry } from 'prom-client';

let registry: Registry | null = null;

/**
 * Process metrics (CPU, memory, event-loop lag, GC) belong to the process, not to one app: they are
 * collected once however many apps a process builds (tests build many).
 */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'adieu_process_' });
  }
  return registry;
}
