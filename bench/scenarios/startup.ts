import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchDatabase } from '../lib/bench-database.ts';
import { ADIEU_BIN, childEnv, cpuMs, rssMiB, spawnAndWait, type Child } from '../lib/processes.ts';
import { compiledBuildIsFresh } from '../../bin/compiled-build.js';
import { compare, type Comparison } from '../lib/result.ts';
import type { Scenario } from '../lib/scenario.ts';
import { median } from '../lib/stats.ts';

const LISTENING = /listening on (http:\/\/\S+)/;
const IDLE_MS = 4000;

interface Ready {
  ms: number;
  /** CPU time the process used until then: what a loaded machine's wall clock hides. */
  cpuMs: number;
}

async function ready(child: Child): Promise<Ready> {
  // Listening is not enough: ready means /api/health answers.
  const start = process.hrtime.bigint();
  const response = await fetch(`${child.match}/api/health`);
  if (response.status !== 200) throw new Error(`health answered ${response.status}`);
  return { ms: child.readyMs + Number(process.hrtime.bigint() - start) / 1e6, cpuMs: cpuMs(child.process.pid!) };
}

// Issue 17's goals, on the embedded database (a fresh clone's `npm start`).
const GOALS = {
  first: { op: '<=', value: 8000, of: 'figure', text: '≤ 8 s' },
  restart: { op: '<=', value: 2000, of: 'figure', text: '≤ 2 s' },
  rss: { op: '<=', value: 300, of: 'figure', text: '≤ 300 MiB' },
} as const;

const PROFILE = /Adieu started in (\d+) ms: (.*)/;

/** The server's own account of where its start-up time went (printed right after it listens). */
async function startupProfile(child: Child): Promise<Record<string, number>> {
  for (let i = 0; i < 50 && !PROFILE.test(child.output()); i++) await new Promise((r) => setTimeout(r, 20));
  const m = PROFILE.exec(child.output());
  if (!m) return {};
  const phases: Record<string, number> = {};
  for (const part of m[2].split(', ')) {
    const at = part.lastIndexOf(' ');
    phases[part.slice(0, at)] = Number(part.slice(at + 1));
  }
  return phases;
}

const profileLine = (phases: Record<string, number>) =>
  Object.entries(phases)
    .map(([phase, ms]) => `${phase} ${ms}`)
    .join(', ');

async function idleRss(child: Child): Promise<number> {
  await new Promise((r) => setTimeout(r, IDLE_MS));
  return rssMiB(child.process.pid!);
}

/**
 * `npm start` (`node bin/adieu.js serve --demo`, port 0) from spawn to a healthy /api/health: first
 * start on a fresh data folder (database created, migrated, demo seeded) and restart on the same
 * folder; then the idle RSS. Baseline: a bare Fastify server started through the same loader.
 * When DATABASE_URL is set, the same on a fresh PostgreSQL database too.
 */
export const startupScenario: Scenario = {
  name: 'startup',
  title: '`npm start` to ready (first start, restart) and idle RSS, vs a bare Fastify process',
  async run(bench) {
    const repeats = bench.quick ? 1 : 3;
    // bin/adieu.js runs dist/ when `npm run build` is up to date, else the sources through tsx.
    const compiled = compiledBuildIsFresh();
    const bareTimes: number[] = [];
    const bareRss: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const bare = await spawnAndWait(['--import', 'tsx', resolve('bench/lib/bare-server-main.ts')], childEnv({}), LISTENING);
      bareTimes.push((await ready(bare)).ms);
      bareRss.push(await idleRss(bare));
      await bare.stop();
    }
    const bareMs = median(bareTimes);
    const bareMiB = median(bareRss);
    bench.log(`bare Fastify: ready in ${Math.round(bareMs)} ms, idle RSS ${Math.round(bareMiB)} MiB`);

    const comparisons: Comparison[] = [];
    const details: Record<string, unknown> = { bare: { readyMs: bareTimes, rssMiB: bareRss } };
    const kinds: Array<'embedded' | 'postgres'> = bench.databaseUrl ? ['embedded', 'postgres'] : ['embedded'];
    for (const kind of kinds) {
      const firsts: number[] = [];
      const restarts: number[] = [];
      const cpu: Array<{ first: number; restart: number }> = [];
      const rss: number[] = [];
      const profiles: Array<{ first: Record<string, number>; restart: Record<string, number> }> = [];
      for (let i = 0; i < repeats; i++) {
        const dataDir = mkdtempSync(join(tmpdir(), 'adieu-bench-start-'));
        const db = kind === 'postgres' ? await benchDatabase('startup', { databaseUrl: bench.databaseUrl }) : null;
        const env = childEnv({ ADIEU_DATA_DIR: dataDir, ...(db?.url ? { DATABASE_URL: db.url } : {}) });
        try {
          const first = await spawnAndWait([ADIEU_BIN, 'serve', '--demo', '--port', '0'], env, LISTENING);
          const firstReady = await ready(first);
          firsts.push(firstReady.ms);
          const firstProfile = await startupProfile(first);
          await first.stop();
          const again = await spawnAndWait([ADIEU_BIN, 'serve', '--demo', '--port', '0'], env, LISTENING);
          const againReady = await ready(again);
          restarts.push(againReady.ms);
          cpu.push({ first: firstReady.cpuMs, restart: againReady.cpuMs });
          profiles.push({ first: firstProfile, restart: await startupProfile(again) });
          rss.push(await idleRss(again));
          await again.stop();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
          await db?.drop();
        }
        bench.log(
          `${kind}: first start ${Math.round(firsts[i])} ms (CPU ${Math.round(cpu[i].first)} ms), restart ${Math.round(restarts[i])} ms (CPU ${Math.round(cpu[i].restart)} ms), idle RSS ${Math.round(rss[i])} MiB`,
        );
        bench.log(`${kind}: first start, in the server (ms): ${profileLine(profiles[i].first)}`);
        bench.log(`${kind}: restart, in the server (ms): ${profileLine(profiles[i].restart)}`);
      }
      const first = median(firsts);
      const restart = median(restarts);
      const memory = median(rss);
      const base = { label: 'bare Fastify', unit: 'ms', value: bareMs };
      const goals = kind === 'embedded' ? GOALS : { first: undefined, restart: undefined, rss: undefined };
      comparisons.push(
        compare(`first start to ready (${kind})`, { value: first, unit: 'ms' }, base, first / bareMs, goals.first),
        compare(`restart to ready (${kind})`, { value: restart, unit: 'ms' }, base, restart / bareMs, goals.restart),
        compare(`idle RSS (${kind})`, { value: memory, unit: 'MiB' }, { label: 'bare Fastify', unit: 'MiB', value: bareMiB }, memory / bareMiB, goals.rss),
      );
      details[kind] = { firstStartMs: firsts, restartMs: restarts, cpuMs: cpu, idleRssMiB: rss, profiles };
    }
    return {
      comparisons,
      notes: [
        `median of ${repeats}; ready = spawn until GET /api/health answers 200; RSS ${IDLE_MS / 1000} s after ready (demo mode runs the in-process worker)`,
        compiled ? 'adieu ran the compiled build (dist/, up to date); the bare server runs through tsx' : 'adieu ran the TypeScript sources through tsx (no up-to-date `npm run build`), as the bare server does',
        'profile: each phase as the server measured it (boot = node + TypeScript loader; config = the configuration and the database driver\'s modules; imports = the app\'s modules, while the database starts opening; database open = the rest of PGlite\'s start (or the pool) and the key store; then migrations, key store (bound to this deployment), job handlers (reading the data map), demo seed, the HTTP app with static files, listen; pg-boss starts after the server listens)',
      ],
      details,
    };
  },
};
