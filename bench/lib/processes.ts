import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ADIEU_BIN = resolve('bin/adieu.js');

/** Environment for a child: ours without the database and config keys a scenario sets itself. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'ADIEU_KEYSTORE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'ADIEU_DEMO', 'ADIEU_DEV_TOOLS', 'NODE_ENV']) delete env[key];
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

export interface Child {
  process: ChildProcess;
  /** Milliseconds from spawn until `waitFor` matched. */
  readyMs: number;
  /** The first capture group of `waitFor`, e.g. the URL. */
  match: string;
  output(): string;
  /** SIGTERM (or `signal`), then waits for exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns `node args…` and waits until its output matches `waitFor` (or fails after `timeoutMs`). */
export function spawnAndWait(args: string[], env: NodeJS.ProcessEnv, waitFor: RegExp, timeoutMs = 120_000): Promise<Child> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${waitFor} from ${args.join(' ')}:\n${output.slice(-2000)}`));
    }, timeoutMs);
    let done = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      const m = !done && waitFor.exec(output);
      if (m) {
        done = true;
        clearTimeout(timer);
        resolvePromise({
          process: child,
          readyMs: Number(process.hrtime.bigint() - started) / 1e6,
          match: m[1] ?? m[0],
          output: () => output,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      if (done) return;
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code} before ready:\n${output.slice(-2000)}`));
    });
  });
}

/** Resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; fields 14 and 15 of stat). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

// USER_HZ: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;
