import pg from 'pg';
import { benchDatabase } from '../lib/bench-database.ts';
import { signInOverHttp, startAdieu } from '../lib/adieu-in-process.ts';
import { startBareServer, startSqlFloorServer } from '../lib/bare-server.ts';
import { captureQueries } from '../lib/capture-queries.ts';
import { BENCH_PASSWORD, createBuyer, insertOpenApplication } from '../lib/fixtures.ts';
import { runLoad, type LoadResult } from '../lib/load.ts';
import { compare } from '../lib/result.ts';
import type { Scenario } from '../lib/scenario.ts';

const CONNECTIONS = 50;

/**
 * A signed-in buyer's GET /api/cancellation (session lookup, clock refresh, the application and its
 * timeline) under 50 connections, against bare Fastify answering the very same bytes. Both servers
 * live in this process; autocannon fires from a child process. Rounds alternate so that a change
 * in machine load hits both sides alike.
 */
export const httpScenario: Scenario = {
  name: 'http',
  title: `signed-in GET /api/cancellation, ${CONNECTIONS} connections, vs bare Fastify`,
  async run(bench) {
    const notes: string[] = [];
    const db = await benchDatabase('http', { databaseUrl: bench.databaseUrl });
    const adieu = await startAdieu(db);
    let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
    let floor: Awaited<ReturnType<typeof startBareServer>> | null = null;
    let floorPool: pg.Pool | null = null;
    try {
      const buyer = await createBuyer(adieu.ctx, 1);
      await insertOpenApplication(adieu.ctx, buyer.userId);
      const session = await signInOverHttp(adieu.url, buyer.email, BENCH_PASSWORD);

      let path = '/api/cancellation';
      let probe = await fetch(`${adieu.url}${path}`, { headers: { cookie: session.cookie } });
      if (probe.status === 404) {
        notes.push('GET /api/cancellation is not there yet: measured GET /api/account (same session work) instead');
        path = '/api/account';
        probe = await fetch(`${adieu.url}${path}`, { headers: { cookie: session.cookie } });
      }
      const body = await probe.text();
      if (probe.status !== 200) throw new Error(`GET ${path} answered ${probe.status}: ${body.slice(0, 200)}`);
      const contentType = probe.headers.get('content-type') ?? 'application/json';
      // The session cache serves once its listening connection is up (a few ms after the first
      // request); the statements captured below are those of a request in steady state.
      for (let i = 0; i < 100 && !adieu.ctx.sessionCache.serving; i++) await new Promise((r) => setTimeout(r, 50));
      await fetch(`${adieu.url}${path}`, { headers: { cookie: session.cookie } }).then((r) => r.text());
      bare = await startBareServer(path, body, contentType);
      const { queries } = await captureQueries(adieu.ctx.database, () => fetch(`${adieu.url}${path}`, { headers: { cookie: session.cookie } }).then((r) => r.text()));
      // The floor prepares the statements as the app does (named, on PostgreSQL), so the two run
      // the same database work and differ only by the app's own cost.
      const database = adieu.ctx.database;
      floorPool = db.url ? new pg.Pool({ connectionString: db.url, max: 10 }) : null;
      const pool = floorPool;
      floor = await startSqlFloorServer(path, body, contentType, async () => {
        if (pool) for (const [i, q] of queries.entries()) await pool.query({ name: `floor_${i}`, text: q.text, values: q.values as unknown[] });
        else for (const q of queries) await database.executeSql(q.text, q.values);
      });

      const seconds = bench.quick ? 3 : 8;
      const rounds = bench.quick ? 1 : 2;
      const load = (url: string) => runLoad({ url, connections: CONNECTIONS, durationSeconds: seconds, requests: [{ path }], headers: { cookie: session.cookie } });
      bench.log(`warming up (${path}, ${body.length} bytes)`);
      await runLoad({ url: adieu.url, connections: CONNECTIONS, durationSeconds: 2, requests: [{ path }], headers: { cookie: session.cookie } });
      await runLoad({ url: bare.url, connections: CONNECTIONS, durationSeconds: 1, requests: [{ path }] });

      const app: LoadResult[] = [];
      const base: LoadResult[] = [];
      const sqlFloor: LoadResult[] = [];
      for (let round = 0; round < rounds; round++) {
        base.push(await load(bare.url));
        app.push(await load(adieu.url));
        sqlFloor.push(await load(floor.url));
        bench.log(
          `round ${round + 1}: adieu ${Math.round(app[round].okPerSecond)} req/s (p99 ${app[round].latencyMs.p99} ms), bare ${Math.round(base[round].okPerSecond)} req/s, ` +
            `bare + the same ${queries.length} statements ${Math.round(sqlFloor[round].okPerSecond)} req/s`,
        );
      }
      const sum = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.reduce((a, r) => a + f(r), 0);
      const appRps = sum(app, (r) => r.ok) / sum(app, (r) => r.seconds);
      const bareRps = sum(base, (r) => r.ok) / sum(base, (r) => r.seconds);
      const floorRps = sum(sqlFloor, (r) => r.ok) / sum(sqlFloor, (r) => r.seconds);
      const failures = sum(app, (r) => r.non2xx + r.errors);
      if (failures > 0) notes.push(`${failures} answers were not 2xx (${JSON.stringify(app.map((r) => r.statusCodes))}); only 2xx count`);
      return {
        notes,
        comparisons: [
          compare(
            'signed-in GET throughput',
            { value: appRps, unit: 'req/s' },
            { value: bareRps, unit: 'req/s', label: 'bare Fastify' },
            appRps / bareRps,
            { op: '>=', value: 0.3 },
          ),
          // Not a goal of the issue: how much of the gap is the database's rather than the app's.
          compare(
            `vs bare Fastify running the same ${queries.length} SQL statements`,
            { value: appRps, unit: 'req/s' },
            { value: floorRps, unit: 'req/s', label: 'bare + same SQL' },
            appRps / floorRps,
          ),
        ],
        details: { path, bodyBytes: body.length, connections: CONNECTIONS, secondsPerRound: seconds, rounds, statements: queries.map((q) => q.text), adieu: app, bare: base, sqlFloor },
      };
    } finally {
      await bare?.app.close();
      await floor?.app.close();
      await floorPool?.end();
      await adieu.close();
      await db.drop();
    }
  },
};
