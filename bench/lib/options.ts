/** The runner's command line: scenario names to select, and a few switches. */

export interface BenchOptions {
  /** Selected scenario names; empty means all. */
  scenarios: string[];
  /** Shorter runs and smaller data sets (CI smoke, a first look). */
  quick: boolean;
  /** Rebuild kept data sets (the 1M-application queue) instead of reusing them. */
  fresh: boolean;
  /** Where the JSON results go. */
  jsonPath: string;
}

export const USAGE = `Usage: npm run bench -- [scenario ...] [--quick] [--fresh] [--json FILE]

Scenarios: http login startup eligibility queue erasure bulk (default: all)
  --quick   shorter load phases and smaller data sets
  --fresh   rebuild kept data sets (queue: 1M applications) instead of reusing them
  --json    where to write the results (default bench/results/latest.json)

Runs on PostgreSQL when DATABASE_URL is set (each scenario in a database of its own, created on
that server), else on the embedded database (PGlite).`;

export function parseOptions(argv: string[], known: string[]): BenchOptions {
  const options: BenchOptions = { scenarios: [], quick: false, fresh: false, jsonPath: 'bench/results/latest.json' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--fresh') options.fresh = true;
    else if (arg === '--json') options.jsonPath = argv[++i] ?? options.jsonPath;
    else if (arg === '--help' || arg === '-h') throw new UsageError('');
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (!known.includes(arg)) throw new UsageError(`unknown scenario "${arg}"`);
    else if (!options.scenarios.includes(arg)) options.scenarios.push(arg);
  }
  return options;
}

export class UsageError extends Error {}
