import type { Comparison } from './result.ts';

/** What every scenario gets from the runner. */
export interface BenchContext {
  quick: boolean;
  fresh: boolean;
  /** PostgreSQL server of DATABASE_URL, or undefined for PGlite. */
  databaseUrl?: string;
  log(line: string): void;
}

/** What a scenario hands back; the runner adds timing and status. */
export interface ScenarioOutcome {
  comparisons: Comparison[];
  notes?: string[];
  details?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  title: string;
  /** A reason to skip (a dependency not built yet, a database kind it cannot run on), or null. */
  skipReason?(bench: BenchContext): Promise<string | null>;
  run(bench: BenchContext): Promise<ScenarioOutcome>;
}

/** A skip reason when any of these project files does not exist yet (work in progress elsewhere). */
export async function missingModules(paths: string[]): Promise<string | null> {
  const { existsSync } = await import('node:fs');
  const missing = paths.filter((p) => !existsSync(p));
  return missing.length > 0 ? `waits for ${missing.join(', ')}` : null;
}
