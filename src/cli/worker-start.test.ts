import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WORKER_START_DELAY_MS, waitToStartWorker } from './worker-start.ts';

describe('the worker starts after the server has answered its first requests', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('not before the delay', async () => {
    let ready: boolean | undefined;
    void waitToStartWorker({ isStopping: false }).then((r) => (ready = r));
    await vi.advanceTimersByTimeAsync(WORKER_START_DELAY_MS - 1);
    expect(ready).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(ready).toBe(true);
  });

  it('not at all once the process began stopping meanwhile', async () => {
    const jobs = { isStopping: false };
    const waiting = waitToStartWorker(jobs);
    jobs.isStopping = true;
    await vi.advanceTimersByTimeAsync(WORKER_START_DELAY_MS);
    expect(await waiting).toBe(false);
  });
});
