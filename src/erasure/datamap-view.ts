import type { Config } from '../config/schema.ts';
import { describeStep, planErasure } from '../domain/erasure-plan.ts';
import { dataMap } from './datamap.ts';

/** The data map as the admin sees it (GET /api/admin/datamap): stores, the plan it makes, categories. */
export function dataMapView(config: Pick<Config, 'erasure'>) {
  const map = dataMap(config);
  const plan = planErasure(map);
  return {
    hash: map.hash,
    stores: map.stores.map((s) => ({ store: s.store, title: s.title, database: s.database === 'adieu' ? 'adieu' : `config:${s.database.config}`, vacuum: s.vacuum, tables: s.tables })),
    plan: plan.steps.map((step, seq) => ({ seq, kind: step.kind, ...describeStep(step) })),
    categories: plan.categories,
  };
}
