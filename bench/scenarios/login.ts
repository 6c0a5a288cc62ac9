import { monitorEventLoopDelay } from 'node:perf_hooks';
import { verify } from '@node-rs/argon2';
import { hashPassword } from '../../src/accounts/password/password-hasher.ts';
import { benchDatabase } from '../lib/bench-database.ts';
import { startAdieu } from '../lib/adieu-in-process.ts';
import { BENCH_PASSWORD, createBuyer } from '../lib/fixtures.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { compare } from '../lib/result.ts';
import type { Scenario } from '../lib/scenario.ts';
import { throughput } from '../lib/stats.ts';

const CONNECTIONS = 16;
const BUYERS = 20;

/**
 * POST /api/auth/login (rate-limit checks, blind-index lookup, argon2id verification, session and
 * audit entry) against raw argon2id verifications with the app's own options, both in this process
 * with the same number in flight, so both get the same cores and the same libuv thread pool. The
 * event loop's delay is sampled in the server's process while sign-ins run.
 */
export const loginScenario: Scenario = {
  name: 'login',
  title: `sign-in throughput (${CONNECTIONS} in flight) vs raw argon2id verifications; event-loop delay`,
  async run(bench) {
    const db = await benchDatabase('login', { databaseUrl: bench.databaseUrl });
    const adieu = await startAdieu(db);
    try {
      const buyers = [];
      for (let i = 0; i < BUYERS; i++) buyers.push(await createBuyer(adieu.ctx, i));
      const requests = buyers.map((b) => ({
        method: 'POST' as const,
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: b.email, password: BENCH_PASSWORD }),
      }));
      const storedHash = await hashPassword(BENCH_PASSWORD);
      const seconds = bench.quick ? 3 : 8;
      const rounds = bench.quick ? 1 : 2;

      bench.log('warming up');
      await runLoad({ url: adieu.url, connections: CONNECTIONS, durationSeconds: 2, requests });
      await throughput(() => verify(storedHash, BENCH_PASSWORD), CONNECTIONS, 1000);

      // One histogram per round: re-enabling a histogram counts the paused interval as one delay.
      const delays: Array<{ p50: number; p99: number; max: number }> = [];
      const logins: LoadResult[] = [];
      const raw: Array<{ perSecond: number; completed: number; seconds: number }> = [];
      for (let round = 0; round < rounds; round++) {
        raw.push(await throughput(() => verify(storedHash, BENCH_PASSWORD), CONNECTIONS, seconds * 1000));
        const delay = monitorEventLoopDelay({ resolution: 5 });
        delay.enable();
        logins.push(await runLoad({ url: adieu.url, connections: CONNECTIONS, durationSeconds: seconds, requests }));
        delay.disable();
        delays.push({ p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 });
        bench.log(`round ${round + 1}: ${Math.round(logins[round].okPerSecond)} sign-ins/s (p99 ${logins[round].latencyMs.p99} ms), raw ${Math.round(raw[round].perSecond)} verifications/s`);
      }
      const loginRate = logins.reduce((a, r) => a + r.ok, 0) / logins.reduce((a, r) => a + r.seconds, 0);
      const rawRate = raw.reduce((a, r) => a + r.completed, 0) / raw.reduce((a, r) => a + r.seconds, 0);
      const delayP99 = Math.max(...delays.map((d) => d.p99));
      const notes: string[] = [];
      const failures = logins.reduce((a, r) => a + r.non2xx + r.errors, 0);
      if (failures > 0) notes.push(`${failures} sign-ins were not 2xx (${JSON.stringify(logins.map((r) => r.statusCodes))}); only 2xx count`);
      return {
        notes,
        comparisons: [
          compare('sign-in throughput', { value: loginRate, unit: 'sign-ins/s' }, { value: rawRate, unit: 'verifications/s', label: 'raw argon2id' }, loginRate / rawRate, { op: '>=', value: 0.85 }),
          compare('event-loop delay p99 under sign-in load', { value: delayP99, unit: 'ms' }, undefined, delayP99, { op: '<', value: 20, text: '< 20 ms' }),
        ],
        details: {
          connections: CONNECTIONS,
          secondsPerRound: seconds,
          rounds,
          eventLoopDelayMs: delays,
          logins,
          raw,
        },
      };
    } finally {
      await adieu.close();
      await db.drop();
    }
  },
};
