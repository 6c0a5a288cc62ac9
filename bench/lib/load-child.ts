// The load generator's own process: reads LoadOptions on stdin, runs autocannon, prints a LoadResult.
import autocannon from 'autocannon';
import type { LoadOptions, LoadResult } from './load.ts';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const options = JSON.parse(input) as LoadOptions;

const statusCodes: Record<string, number> = {};
let finish!: (result: autocannon.Result) => void;
let fail!: (error: Error) => void;
const finished = new Promise<autocannon.Result>((resolve, reject) => {
  finish = resolve;
  fail = reject;
});
const instance = autocannon(
  {
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: options.timeoutSeconds ?? 10,
    headers: options.headers,
    requests: options.requests.map((r) => ({ method: r.method ?? 'GET', path: r.path, headers: r.headers, body: r.body })),
  },
  (error, result) => (error ? fail(error) : finish(result)),
);
instance.on('response', (_client: unknown, statusCode: number) => {
  statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
});
const result = await finished;
const ok = result['2xx'];
const output: LoadResult = {
  okPerSecond: ok / result.duration,
  requestsPerSecond: result.requests.total / result.duration,
  total: result.requests.total,
  ok,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  seconds: result.duration,
  latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  statusCodes,
};
process.stdout.write(JSON.stringify(output));
