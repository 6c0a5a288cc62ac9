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
  /** Absent when the issue sets no goal for this figure (e.g. start-up time). */
  goal?: { op: '>=' | '<=' | '<'; value: number; text: string };
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

export function compare(
  name: string,
  figure: Measure,
  baseline: (Measure & { label: string }) | undefined,
  ratio: number,
  goal?: { op: '>=' | '<=' | '<'; value: number; text?: string },
): Comparison {
  if (!goal) return { name, figure, baseline, ratio, met: null };
  const met = Number.isFinite(ratio) && (goal.op === '>=' ? ratio >= goal.value : goal.op === '<=' ? ratio <= goal.value : ratio < goal.value);
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
