// `npm run bench -- [scenario ...] [--quick] [--fresh]`: every figure next to a baseline measured
// in the same run, a summary table, and bench/results/latest.json for tracking.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeMachine } from './lib/machine.ts';
import { parseOptions, USAGE, UsageError } from './lib/options.ts';
import { fmt, formatComparison, formatMeasure, verdict, type ScenarioResult } from './lib/result.ts';
import type { BenchContext, Scenario } from './lib/scenario.ts';
import { httpScenario } from './scenarios/http.ts';
import { loginScenario } from './scenarios/login.ts';
import { startupScenario } from './scenarios/startup.ts';
import { eligibilityScenario } from './scenarios/eligibility.ts';
import { queueScenario } from './scenarios/queue.ts';
import { erasureScenario } from './scenarios/erasure.ts';
import { bulkScenario } from './scenarios/bulk.ts';
import { exportScenario } from './scenarios/export.ts';
import { VERSION } from '../src/version.ts';

const SCENARIOS: Scenario[] = [httpScenario, loginScenario, startupScenario, eligibilityScenario, queueScenario, erasureScenario, bulkScenario, exportScenario];

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ')).join('\n');
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), SCENARIOS.map((s) => s.name));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) process.stderr.write(`bench: ${error.message}\n\n`);
      process.stdout.write(`${USAGE}\n`);
      return error.message ? 1 : 0;
    }
    throw error;
  }
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const bench: BenchContext = {
    quick: options.quick,
    fresh: options.fresh,
    databaseUrl,
    log: (line) => process.stdout.write(`  ${line}\n`),
  };
  const machine = await describeMachine(databaseUrl);
  process.stdout.write(
    `Adieu ${VERSION} benchmarks${options.quick ? ' (quick)' : ''}\n` +
      `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, load ${machine.loadAverage.join(' ')}; node ${machine.node}; ${machine.database}\n\n`,
  );

  const selected = options.scenarios.length > 0 ? SCENARIOS.filter((s) => options.scenarios.includes(s.name)) : SCENARIOS;
  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    process.stdout.write(`▶ ${scenario.name}: ${scenario.title}\n`);
    const started = Date.now();
    const result: ScenarioResult = { scenario: scenario.name, status: 'ok', notes: [], comparisons: [], details: {}, seconds: 0 };
    try {
      const skip = scenario.skipReason ? await scenario.skipReason(bench) : null;
      if (skip) {
        result.status = 'skipped';
        result.notes.push(skip);
        bench.log(`skipped: ${skip}`);
      } else {
        const outcome = await scenario.run(bench);
        result.comparisons = outcome.comparisons;
        result.notes = outcome.notes ?? [];
        result.details = outcome.details ?? {};
        for (const c of outcome.comparisons) bench.log(formatComparison(c));
        for (const note of result.notes) bench.log(`note: ${note}`);
      }
    } catch (error) {
      result.status = 'failed';
      const cause = (error as { cause?: { message?: string } })?.cause?.message;
      result.notes.push(`${(error instanceof Error ? error.message : String(error)).split('\n')[0]}${cause ? ` (${cause})` : ''}`);
      bench.log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${cause ? `\n  cause: ${cause}` : ''}`);
    }
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    bench.log(`(${result.seconds} s)\n`);
    results.push(result);
  }

  const rows = [['scenario', 'figure', 'baseline', 'ratio', 'goal', 'verdict']];
  for (const r of results) {
    if (r.status !== 'ok') {
      rows.push([r.scenario, r.status, r.notes[0]?.slice(0, 60) ?? '', '', '', '']);
      continue;
    }
    for (const c of r.comparisons) {
      rows.push([`${r.scenario}: ${c.name}`, formatMeasure(c.figure), c.baseline ? formatMeasure(c.baseline) : '—', fmt(c.ratio), c.goal?.text ?? '—', verdict(c)]);
    }
  }
  process.stdout.write(`Summary\n${table(rows)}\n`);

  mkdirSync(dirname(options.jsonPath), { recursive: true });
  writeFileSync(options.jsonPath, JSON.stringify({ at: new Date().toISOString(), version: VERSION, quick: options.quick, machine, results }, null, 2));
  // The same table in Markdown, ready for bench/RESULTS.md.
  const markdownPath = options.jsonPath.replace(/\.json$/, '') + '.md';
  const md = [
    `| scenario | figure | baseline | ratio | goal | verdict |`,
    `|---|---|---|---|---|---|`,
    ...rows.slice(1).map((r) => `| ${r.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`),
  ].join('\n');
  writeFileSync(markdownPath, `${md}\n`);
  process.stdout.write(`\nResults written to ${options.jsonPath} and ${markdownPath}\n`);
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
