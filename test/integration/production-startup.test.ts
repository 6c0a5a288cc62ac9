import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TMP_ROOT } from '../helpers/global-setup.ts';

const BIN = join(process.cwd(), 'bin/adieu.js');

/** Runs `adieu ARGS` as an operator would, with nothing of the test run's environment; resolves on the first line of stdout or on exit. */
function start(args: string[], env: Record<string, string>) {
  const clean = { ...process.env };
  for (const name of ['DATABASE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'HOST', 'ADIEU_DEV_TOOLS', 'ADIEU_DEMO', 'SMTP_URL', 'REDIS_URL', 'ADIEU_KEYSTORE_URL', 'LOG_LEVEL', 'NODE_ENV', 'ADIEU_KEK', 'ADIEU_KEK_FILE']) delete clean[name];
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...clean, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const started = new Promise<boolean>((resolve) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  return { child, started, exited, output: () => ({ stdout, stderr }) };
}

describe('start-up with unsafe settings', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(TMP_ROOT, 'startup-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('in production, `serve` refuses the default configuration with one line per refused key', { timeout: 60_000 }, async () => {
    const run = start(['serve', '--port', '0'], { NODE_ENV: 'production', ADIEU_DATA_DIR: dataDir });
    expect(await run.started).toBe(false);
    expect(await run.exited).toBe(1);
    expect(run.output().stdout).toBe('');
    // Refused before anything is opened: not even the embedded database.
    expect(existsSync(join(dataDir, 'db'))).toBe(false);
    expect(run.output().stderr.trimEnd().split('\n')).toEqual([
      'adieu: configuration error: publicUrl: not set, so emails would link to http://127.0.0.1:0; set publicUrl in the ADIEU_CONFIG file to the https:// address buyers open',
      'adieu: configuration error: SMTP_URL (mail.smtpUrl): no mail transport, so mail to buyers would go to a folder on disk; set SMTP_URL, e.g. smtp://user:password@mail.example.com:587',
      'adieu: configuration error: ADIEU_KEK (keys.kek): no key-encryption key, so the key store is wrapped by a KEK generated beside the data (dataDir/demo.kek); set ADIEU_KEK or ADIEU_KEK_FILE to 32 random bytes in base64 (openssl rand -base64 32), kept out of both databases and their backups',
    ]);
  });

  it('in production, `worker` refuses keys in the data directory beside PostgreSQL, before connecting anywhere', { timeout: 60_000 }, async () => {
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ publicUrl: 'https://adieu.example.com' }));
    // Nothing listens on port 1: the refusal comes before any connection is tried.
    const run = start(['worker'], { NODE_ENV: 'production', ADIEU_DATA_DIR: dataDir, ADIEU_CONFIG: config, DATABASE_URL: 'postgres://adieu@127.0.0.1:1/adieu', SMTP_URL: 'smtp://127.0.0.1:1' });
    expect(await run.exited).toBe(1);
    expect(run.output().stderr.trimEnd().split('\n')).toEqual([
      'adieu: configuration error: ADIEU_KEYSTORE_URL (keys.url): the key store is a folder inside the data directory while the main database is PostgreSQL (each server would hold its own keys); set ADIEU_KEYSTORE_URL to a separate PostgreSQL database, kept out of the main backups',
      'adieu: configuration error: ADIEU_KEK (keys.kek): no key-encryption key, so the key store is wrapped by a KEK generated beside the data (dataDir/demo.kek); set ADIEU_KEK or ADIEU_KEK_FILE to 32 random bytes in base64 (openssl rand -base64 32), kept out of both databases and their backups',
    ]);
  });

  it('outside production, `serve` starts with the same settings and warns about each', { timeout: 120_000 }, async () => {
    const config = join(dataDir, 'config.json');
    writeFileSync(config, JSON.stringify({ http: { trustProxy: true } }));
    const run = start(['serve', '--port', '0', '--no-worker'], { NODE_ENV: 'development', ADIEU_DATA_DIR: dataDir, ADIEU_CONFIG: config });
    try {
      expect(await run.started, run.output().stderr).toBe(true);
      expect(run.output().stdout).toMatch(/^Adieu is listening on http:\/\/127\.0\.0\.1:\d+ /);
      expect(run.output().stderr.trimEnd().split('\n')).toEqual([
        'adieu: configuration warning: publicUrl: not set, so emails would link to http://127.0.0.1:0; set publicUrl in the ADIEU_CONFIG file to the https:// address buyers open',
        'adieu: configuration warning: SMTP_URL (mail.smtpUrl): no mail transport, so mail to buyers would go to a folder on disk; set SMTP_URL, e.g. smtp://user:password@mail.example.com:587',
          'adieu: configuration warning: ADIEU_KEK (keys.kek): no key-encryption key, so the key store is wrapped by a KEK generated beside the data (dataDir/demo.kek); set ADIEU_KEK or ADIEU_KEK_FILE to 32 random bytes in base64 (openssl rand -base64 32), kept out of both databases and their backups',
        'adieu: configuration warning: http.trustProxy: true believes X-Forwarded-For from any client, so rate limits can be dodged; set http.trustProxy to the load balancers\' addresses or CIDRs, e.g. "10.0.0.0/8"',
      ]);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});
