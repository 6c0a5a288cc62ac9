import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/adieu.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A running `adieu` child process (a server or a worker) and what it printed. */
export interface AdieuProcess {
  name: string;
  child: ChildProcess;
  url: string | null;
  output: () => string;
}

/** Starts `adieu ARGS` with only `env` as its configuration, and waits for `ready` in its output. */
export function spawnAdieu(name: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<AdieuProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'ADIEU_KEYSTORE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'ADIEU_DEMO', 'NODE_ENV', 'REDIS_URL']) delete childEnv[key];
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...childEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 400_000) output = output.slice(-200_000);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after 60 s:\n${output.slice(-3000)}`)), 60_000);
    const poll = setInterval(() => {
      const m = ready.exec(output);
      if (m) {
        clearInterval(poll);
        clearTimeout(timer);
        resolvePromise({ name, child, url: m[1] ?? null, output: () => output });
      }
    }, 50);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output.slice(-3000)}`));
    });
  });
}

export async function stopAdieu(proc: AdieuProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill(signal);
  const timeout = sleep(20_000).then(() => proc.child.kill('SIGKILL'));
  await Promise.race([exited, timeout]);
}

export interface Answer {
  status: number;
  body: any;
  bytes: Buffer;
  headers: Headers;
}

/** A browser-like HTTP client over real sockets: session cookie and CSRF token, against whichever server it is given. */
export class HttpBrowser {
  cookie: string | null = null;
  csrfToken: string | null = null;

  async request(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const all: Record<string, string> = { ...headers };
    if (this.cookie) all.cookie = this.cookie;
    if (this.csrfToken && method !== 'GET') all['x-csrf-token'] = this.csrfToken;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      all['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(`${base}${path}`, { method, headers: all, body: payload });
    const set = response.headers.getSetCookie().find((c) => c.startsWith('adieu_session='));
    if (set) {
      const value = set.split(';')[0];
      this.cookie = value === 'adieu_session=' ? null : value;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    let json: any = null;
    if (response.headers.get('content-type')?.includes('json')) json = JSON.parse(bytes.toString('utf8'));
    if (json && typeof json.csrfToken === 'string') this.csrfToken = json.csrfToken;
    return { status: response.status, body: json, bytes, headers: response.headers };
  }

  async signIn(base: string, identifier: string, password: string): Promise<void> {
    const answer = await this.request(base, 'POST', '/api/auth/login', { identifier, password });
    if (answer.status !== 200) throw new Error(`sign-in of ${identifier} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
}

export function expectStatus(answer: Answer, status: number, what: string): any {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}
