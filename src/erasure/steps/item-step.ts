import type { AppContext } from '../../context.ts';
import type { ItemStep } from '../../domain/erasure-plan.ts';
import { dataMap } from '../datamap.ts';
import { itemConnector } from '../connectors/connector.ts';
import { completeStep, type RunRow, type StepRow } from '../run-state.ts';
import { stepParamValues } from './sql-step.ts';

/**
 * One key pattern (Redis) or path template (file store): the connector removes the subject's
 * items batch by batch, each batch counted in the store's own marker, so a resumed step carries on
 * and reports what the whole step removed; then the step is marked done here.
 */
export async function runItemStep(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  const spec = step.spec as ItemStep;
  const store = dataMap(ctx.config).stores.find((s) => s.store === spec.store);
  if (!store) throw new Error(`store ${spec.store} is no longer in the data map`);
  const connector = itemConnector(ctx, store);
  if (!connector) throw new Error(`store ${spec.store}: its URL names no key or file connector`);
  const outcome = await connector.execute(spec, await stepParamValues(ctx, run, {}, null), { runId: run.id, seq: step.seq });
  await completeStep(ctx, run, step, { rows: outcome.rows });
}
