/** Small statistics helpers for timing samples (milliseconds). */

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest-rank: the smallest sample with at least p% of samples at or below it.
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export function median(samples: number[]): number {
  return percentile(samples, 50);
}

export function summarise(samples: number[]): { n: number; p50: number; p90: number; p99: number; max: number; mean: number } {
  const mean = samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length);
  return { n: samples.length, p50: percentile(samples, 50), p90: percentile(samples, 90), p99: percentile(samples, 99), max: Math.max(...samples), mean };
}

/** Milliseconds taken by `fn`. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `fn` repeatedly, one call at a time, until `iterations` samples or `maxMs` have passed
 * (whichever first, at least `minIterations`), after `warmup` unrecorded calls.
 */
export async function sampleLatencies(
  fn: () => Promise<unknown>,
  options: { iterations: number; maxMs: number; warmup?: number; minIterations?: number },
): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 3); i++) await fn();
  const samples: number[] = [];
  const deadline = Date.now() + options.maxMs;
  while (samples.length < options.iterations && (Date.now() < deadline || samples.length < (options.minIterations ?? 5))) {
    samples.push(await timeMs(fn));
  }
  return samples;
}

/** Runs `fn` with `concurrency` callers in parallel for `durationMs`; returns completions per second. */
export async function throughput(fn: () => Promise<unknown>, concurrency: number, durationMs: number): Promise<{ perSecond: number; completed: number; seconds: number }> {
  let completed = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await fn();
        completed += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { perSecond: completed / seconds, completed, seconds };
}

/**
 * Samples two functions in alternation (A, B, A, B…), so that a burst of load from elsewhere on
 * the machine hits both alike; a p99 ratio from two separate phases would mostly measure when
 * the burst came.
 */
export async function samplePair(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  options: { iterations: number; maxMs: number; warmup?: number },
): Promise<{ a: number[]; b: number[] }> {
  for (let i = 0; i < (options.warmup ?? 3); i++) {
    await a();
    await b();
  }
  const out = { a: [] as number[], b: [] as number[] };
  const deadline = Date.now() + options.maxMs;
  while (out.a.length < options.iterations && (Date.now() < deadline || out.a.length < 20)) {
    out.a.push(await timeMs(a));
    out.b.push(await timeMs(b));
  }
  return out;
}
