/**
 * How long after listening a server starts its worker (pg-boss's loading, maintenance, fetching).
 * A restarted server first answers what was waiting for it (health checks, buyers' retries): the
 * worker's start held those up by a second or more on a busy machine (about 1 s of CPU, and its
 * queries ahead of theirs on the embedded database's one connection). A job queued meanwhile
 * waits in the database, as it does while the worker is down.
 */
export const WORKER_START_DELAY_MS = 1000;

/** Waits out the delay; false when the process began stopping meanwhile (then no worker starts). */
export async function waitToStartWorker(jobs: { isStopping: boolean }, delayMs = WORKER_START_DELAY_MS): Promise<boolean> {
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  return !jobs.isStopping;
}
