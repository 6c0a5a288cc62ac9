import type { AppContext } from '../../context.ts';
import { quoteTable } from '../../domain/erasure-sql.ts';
import { dataMap } from '../datamap.ts';
import { connectStore } from '../store-connection.ts';
import { storeConnector } from '../connectors/connector.ts';
import { completeStep, type RunRow, type StepRow } from '../run-state.ts';

/**
 * VACUUM of the tables the run touched, so dead row versions holding the old values are reclaimed
 * (outside any transaction, as VACUUM requires). A store that refuses it is recorded, not failed.
 */
export async function runVacuum(ctx: AppContext, run: RunRow, step: StepRow): Promise<void> {
  if (step.spec.kind !== 'vacuum') throw new Error('not a vacuum step');
  const store = dataMap().stores.find((s) => s.store === (step.spec as { store: string }).store);
  const vacuumed: string[] = [];
  const skipped: Array<{ table: string; reason: string }> = [];
  if (store) {
    const connector = storeConnector(ctx, store);
    const vacuum = connector ? (table: string) => connector.vacuum(table) : (table: string) => connectStore(ctx, store).exec(`VACUUM ${quoteTable(table)}`);
    for (const table of step.spec.tables) {
      try {
        await vacuum(table);
        vacuumed.push(table);
      } catch (error) {
        skipped.push({ table, reason: String((error as { code?: string }).code ?? 'unsupported') });
      }
    }
  }
  await completeStep(ctx, run, step, { rows: vacuumed.length, result: { vacuumed, skipped } });
}
