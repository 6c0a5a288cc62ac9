/** What a scenario reports: figures, each next to the baseline measured in the same run. */

export interface Measure {
  value: number;
  unit: string;
}

/**
 * One figure against its baseline. `ratio` is computed by the scenario (its direction differs:
 * throughput is figure/baseline, "x faster" is baseline/figure), and `goal` says which way is good.
 */
export interface Comparison {
  name: string;
  figure: Measure;
  baseline?: Measure & { label: string };
  ratio: number;
  /** Absent when the issue sets no goal for this figure. */
  goal?: Goal & { text: string };
  met: boolean | null;
}

export interface ScenarioResult {
  scenario: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why skipped or failed, or a caveat about how it ran. */
  notes: string[];
  comparisons: Comparison[];
  /** Other figures worth keeping (latency percentiles, EXPLAIN plans, counts). */
  details: Record<string, unknown>;
  seconds: number;
}

/** A bound on the ratio, or (`of: 'figure'`) on the figure itself, in its unit (start-up: ≤ 2,000 ms). */
export interface Goal {
  op: '>=' | '<=' | '<';
  value: number;
  of?: 'ratio' | 'figure';
}

export function compare(
  name: string,
  figure: Measure,
  baseline: (Measure & { label: string }) | undefined,
  ratio: number,
  goal?: Goal & { text?: string },
): Comparison {
  if (!goal) return { name, figure, baseline, ratio, met: null };
  const x = goal.of === 'figure' ? figure.value : ratio;
  const met = Number.isFinite(x) && (goal.op === '>=' ? x >= goal.value : goal.op === '<=' ? x <= goal.value : x < goal.value);
  return { name, figure, baseline, ratio, goal: { ...goal, text: goal.text ?? `${goal.op} ${goal.value}` }, met };
}

export function verdict(c: Comparison): string {
  return c.met === null ? '(no goal)' : c.met ? 'met' : 'NOT MET';
}

/** Rounds for display: 3 significant digits, no exponent for everyday sizes. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatMeasure(m: Measure): string {
  return `${fmt(m.value)} ${m.unit}`;
}

export function formatComparison(c: Comparison): string {
  const base = c.baseline ? ` vs ${c.baseline.label} ${formatMeasure(c.baseline)}` : '';
  const goal = c.goal ? ` (goal ${c.goal.text})` : '';
  return `${c.name}: ${formatMeasure(c.figure)}${base} → ratio ${fmt(c.ratio)}${goal} ${c.met === null ? "" : c.met ? "MET" : "NOT MET"}`.trimEnd();
}
