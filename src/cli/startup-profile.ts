import { performance } from 'node:perf_hooks';

/**
 * Where start-up time goes: each phase's end in milliseconds since the process started, printed
 * once the server listens (the benchmark reads it: `npm run bench -- startup`).
 */
const marks: Array<{ phase: string; at: number }> = [];

export function markStartup(phase: string): void {
  marks.push({ phase, at: performance.now() });
}

/** `started in 2310 ms: boot 420, imports 610, …` (each phase's own duration). */
export function startupLine(): string {
  let previous = 0;
  const parts = marks.map(({ phase, at }) => {
    const part = `${phase} ${Math.round(at - previous)}`;
    previous = at;
    return part;
  });
  return `started in ${Math.round(previous)} ms: ${parts.join(', ')}`;
}
