import { z } from 'zod';
import { ok, op, type OperationCatalog } from './openapi/operation.ts';

const database = z.enum(['embedded', 'postgres']);
const Health = z.object({ status: z.enum(['ok', 'unavailable']), database, version: z.string() });
const Readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  database,
  draining: z.boolean(),
  checks: z.record(z.string(), z.enum(['ok', 'down'])),
  version: z.string(),
});

export const healthOperations: OperationCatalog = {
  'GET /api/health': op('getHealth', 'Liveness and the database', 'public', { 200: ok(Health, 'Alive'), 503: ok(Health, 'The database does not answer') }),
  'GET /api/health/ready': op('getReadiness', 'Readiness for a load balancer', 'public', { 200: ok(Readiness, 'Ready'), 503: ok(Readiness, 'A dependency is down, or the process is draining') }),
};
