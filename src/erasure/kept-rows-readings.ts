import type { SqlStep } from '../domain/erasure-plan.ts';
import type { StepRow } from './run-state.ts';

/**
 * What a step that changes nothing found when it read the rows the subject keeps (its statement
 * counts them and looks for the subject's identifiers in the same reading): how many rows may
 * hold one (`buildKeptRowsSql`). Never a value.
 */
export interface KeptRowsReading {
  /** How many of the table's columns were read. */
  columns: number;
  suspects: number;
}

/**
 * Those steps run right before the verification, in the same chain of steps. A reading older than
 * this (a worker died between them, a retry waited) is not taken: the verification reads the table again.
 */
const FRESH_MS = 60_000;

/**
 * The readings the verification takes in place of reading those rows itself, by `store:table`:
 * recent ones in which no row may hold an identifier. Where some may, the verification's exact
 * scan reads the table (it says which identifier, or finds that none is there; an admin may also
 * have removed a leftover and retried the run), and so it does where the reading is stale.
 */
export function readingsForVerification(steps: StepRow[], now: Date): Map<string, KeptRowsReading> {
  const taken = new Map<string, KeptRowsReading>();
  for (const step of steps) {
    const reading = (step.result as { reading?: KeptRowsReading } | null)?.reading;
    if (step.spec.kind !== 'sql' || step.state !== 'done' || !reading || !step.doneAt) continue;
    if (reading.suspects !== 0 || now.getTime() - step.doneAt.getTime() > FRESH_MS) continue;
    const spec = step.spec as SqlStep;
    taken.set(`${spec.store}:${spec.table}`, reading);
  }
  return taken;
}
