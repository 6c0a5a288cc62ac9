import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TMP_ROOT } from '../helpers/global-setup.ts';

const BIN = join(process.cwd(), 'bin', 'adieu.js');

/** An environment without anything of the test run's own. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['DATABASE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'PORT', 'ADIEU_DEV_TOOLS', 'ADIEU_DEMO', 'SMTP_URL', 'REDIS_URL', 'ADIEU_KEYSTORE_URL', 'LOG_LEVEL', 'ADIEU_KEK', 'ADIEU_KEK_FILE', 'ADIEU_METRICS_TOKEN']) delete base[name];
  return { ...base, NODE_ENV: 'test', ...env };
}

describe('configuration secrets from the environment and files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(TMP_ROOT, 'secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('work where they are used and never show in logs, errors, doctor or /metrics', async () => {
    const token = `tok-${randomBytes(18).toString('hex')}`;
    const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const smtpPassword = `pw${randomBytes(12).toString('hex')}`;
    const kek = randomBytes(32).toString('base64');
    const smtpFile = join(dir, 'smtp-url');
    writeFileSync(smtpFile, `smtp://adieu:${smtpPassword}@127.0.0.1:9/\n`);
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        publicUrl: 'http://127.0.0.1:3000',
        metrics: { token: { env: 'TEST_METRICS_TOKEN' } },
        mail: { smtpUrl: { file: smtpFile } },
        keys: { kek: { env: 'TEST_KEK' } },
        webhooks: [{ name: 'crm', url: 'https://crm.invalid/erasure', secret: { env: 'TEST_WEBHOOK_SECRET' } }],
      }),
    );
    const env = cleanEnv({
      ADIEU_CONFIG: config,
      ADIEU_DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'trace',
      TEST_METRICS_TOKEN: token,
      TEST_KEK: kek,
      TEST_WEBHOOK_SECRET: webhookSecret,
    });
    const secrets = [token, webhookSecret, smtpPassword, kek];

    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = output.match(/listening on (http:\/\/\S+)/);
        if (found) resolve(found[1]);
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      child.on('close', () => reject(new Error(`serve exited:\n${output}`)));
    });
    let metrics: string;
    try {
      // The token from the environment is the one /metrics asks for.
      expect((await fetch(`${url}/metrics`)).status).toBe(401);
      const allowed = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(allowed.status).toBe(200);
      metrics = await allowed.text();
      // Requests that fail and log: a wrong sign-in, a bad body, an unknown route.
      await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identifier: 'nobody@example.com', password: 'wrong-password-1' }) });
      await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
      await fetch(`${url}/api/nothing-here`);
    } finally {
      child.kill('SIGTERM');
    }
    await closed;
    expect(output).toMatch(/"level":\d+/); // it did log
    const doctor = await new Promise<string>((resolve) => {
      const run = spawn(process.execPath, [BIN, 'doctor'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      run.stdout.on('data', (d) => (text += d));
      run.stderr.on('data', (d) => (text += d));
      run.on('close', () => resolve(text));
    });
    expect(doctor).toMatch(/mail \(SMTP\)/);
    for (const secret of secrets) {
      expect(output).not.toContain(secret);
      expect(metrics).not.toContain(secret);
      expect(doctor).not.toContain(secret);
    }
  });
});
