import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadRequest {
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Sent in turn on each connection (one GET, or a rotation of sign-ins). */
  requests: LoadRequest[];
  /** Headers on every request. */
  headers?: Record<string, string>;
  timeoutSeconds?: number;
}

export interface LoadResult {
  /** 2xx answers per second: the figure we compare. */
  okPerSecond: number;
  requestsPerSecond: number;
  total: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
}

const CHILD = fileURLToPath(new URL('./load-child.ts', import.meta.url));

/**
 * Fires load with autocannon from a child process, so the load generator never shares an event
 * loop with the server under test. Loopback only: the URL must be 127.0.0.1 or localhost.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = new URL(options.url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) throw new Error(`load is only ever sent to loopback, not ${host}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolvePromise(JSON.parse(out) as LoadResult);
      } catch (error) {
        reject(error);
      }
    });
    child.stdin.end(JSON.stringify(options));
  });
}
