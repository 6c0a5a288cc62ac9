import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from './load.ts';

const dir = mkdtempSync(join(tmpdir(), 'adieu-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: unknown): string {
  const path = join(dir, `config-${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The one line a bad configuration stops start-up with. */
function failure(env: Record<string, string>, flags?: { demo?: boolean }): string {
  try {
    loadConfig({ env, flags });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a configuration error');
}

describe('configuration', () => {
  it('has working defaults', () => {
    const config = loadConfig({ env: {} });
    expect(config.http).toEqual({ port: 3000, host: '127.0.0.1', shutdownTimeoutSeconds: 30, trustProxy: false });
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.devTools).toBe(false);
    expect(config.demo).toBe(false);
    expect(config.redis.keyPrefix).toBe('adieu:');
    expect(config.review.slaWorkingDays).toBe(15);
    expect(config.erasure.graceDays).toBe(7);
    expect(config.calendar.region).toBe('CN');
  });

  it('lets the environment win over the file', () => {
    const path = file({ http: { port: 4000, host: '0.0.0.0' }, publicUrl: 'https://adieu.example.com/', review: { slaWorkingDays: 10 } });
    const config = loadConfig({ env: { ADIEU_CONFIG: path, PORT: '5000', ADIEU_DEV_TOOLS: 'yes', REDIS_URL: 'redis://127.0.0.1:6379' } });
    expect(config.http.port).toBe(5000);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.publicUrl).toBe('https://adieu.example.com');
    expect(config.devTools).toBe(true);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.review.slaWorkingDays).toBe(10);
  });

  it('turns demo and dev tools on with --demo, unless the file says otherwise', () => {
    expect(loadConfig({ env: {}, flags: { demo: true } })).toMatchObject({ demo: true, devTools: true });
    expect(loadConfig({ env: { ADIEU_CONFIG: file({ devTools: false }) }, flags: { demo: true } })).toMatchObject({ demo: true, devTools: false });
  });

  it('names an unknown key of the file', () => {
    const path = file({ http: { port: 3000, colour: 'blue' } });
    expect(failure({ ADIEU_CONFIG: path })).toBe(`configuration error: unknown key http.colour in ${path}`);
    expect(failure({ ADIEU_CONFIG: file({ smtp: 'x' }) })).toMatch(/^configuration error: unknown key smtp in /);
    expect(failure({ ADIEU_CONFIG: file({ webhooks: [{ name: 'crm', url: 'https://crm.example/hook', secret: 'a'.repeat(20), retries: 3 }] }) })).toMatch(
      /unknown key webhooks\.0\.retries/,
    );
  });

  it('names a bad value of the file', () => {
    expect(failure({ ADIEU_CONFIG: file({ erasure: { graceDays: 45 } }) })).toMatch(/^configuration error: erasure\.graceDays: /);
    expect(failure({ ADIEU_CONFIG: file({ calendar: { region: 'china' } }) })).toBe('configuration error: calendar.region: expected a two-letter country code');
    expect(failure({ ADIEU_CONFIG: file({ publicUrl: 'not a url' }) })).toMatch(/^configuration error: publicUrl: /);
  });

  it('reads the SMS provider: the dev mailbox by default, or an HTTP gateway with its secret', () => {
    expect(loadConfig({ env: { ADIEU_DATA_DIR: dir } }).sms).toEqual({ provider: 'mailbox' });
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const http = loadConfig({ env: { ADIEU_DATA_DIR: dir, ADIEU_CONFIG: file({ sms: { provider: 'http', url: 'https://sms.example.com/send', secret } }) } });
    expect(http.sms).toEqual({ provider: 'http', url: 'https://sms.example.com/send', secret, legacyRawSecret: false, timeoutMs: 5000 });
    const raw = { provider: 'http', url: 'https://sms.example.com/send', secret: 'a-raw-gateway-secret-0123' };
    expect(failure({ ADIEU_CONFIG: file({ sms: raw }) })).toMatch(/^configuration error: sms\.secret: expected a Standard Webhooks secret .*npx adieu secret webhook/);
    expect(loadConfig({ env: { ADIEU_DATA_DIR: dir, ADIEU_CONFIG: file({ sms: { ...raw, legacyRawSecret: true } }) } }).sms).toMatchObject({ legacyRawSecret: true });
    expect(failure({ ADIEU_CONFIG: file({ sms: { provider: 'carrier-pigeon' } }) })).toMatch(/^configuration error: sms\.provider: /);
  });

  it('names a bad environment variable', () => {
    expect(failure({ PORT: 'eighty' })).toBe('configuration error: PORT: expected a whole number, got "eighty"');
    expect(failure({ PORT: '70000' })).toMatch(/^configuration error: PORT \(http\.port\): /);
    expect(failure({ ADIEU_DEMO: 'maybe' })).toBe('configuration error: ADIEU_DEMO: expected true or false, got "maybe"');
    expect(failure({ DATABASE_URL: 'not a url' })).toMatch(/^configuration error: DATABASE_URL \(database\.url\): /);
    expect(failure({ LOG_LEVEL: 'loud' })).toMatch(/^configuration error: LOG_LEVEL \(log\.level\): /);
  });

  it('never echoes a secret of a bad URL', () => {
    const message = failure({ SMTP_URL: 'smtp//user:hunter2@mail' });
    expect(message).toMatch(/^configuration error: SMTP_URL \(mail\.smtpUrl\): /);
    expect(message).not.toContain('hunter2');
  });

  it('refuses demo data in production, naming where it was turned on', () => {
    expect(failure({ NODE_ENV: 'production', ADIEU_DEMO: 'true' })).toBe(
      'configuration error: ADIEU_DEMO (demo): demo data (people with published passwords) is refused when NODE_ENV=production',
    );
    expect(failure({ NODE_ENV: 'production', ADIEU_CONFIG: file({ demo: true }) })).toMatch(/^configuration error: demo: demo data .* refused when NODE_ENV=production$/);
  });

  it('refuses dev tools in production, naming where they were turned on', () => {
    expect(failure({ NODE_ENV: 'production', ADIEU_DEV_TOOLS: 'true' })).toBe(
      'configuration error: ADIEU_DEV_TOOLS (devTools): dev tools are refused when NODE_ENV=production',
    );
    expect(failure({ NODE_ENV: 'production', ADIEU_CONFIG: file({ devTools: true }) })).toBe(
      'configuration error: devTools: dev tools are refused when NODE_ENV=production',
    );
    expect(failure({ NODE_ENV: 'production' }, { demo: true })).toMatch(/^configuration error: --demo \(devTools\): /);
    expect(loadConfig({ env: { NODE_ENV: 'production' } }).production).toBe(true);
  });

  it('refuses a webhook or provider secret that is not whsec_ + base64, unless legacyRawSecret is set', () => {
    const raw = 'a-raw-shared-secret-0123456789';
    const good = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const hook = (extra: object) => ({ ADIEU_CONFIG: file({ webhooks: [{ name: 'crm', url: 'http://127.0.0.1:4000/x', ...extra }] }) });
    expect(failure(hook({ secret: raw }))).toMatch(/^configuration error: webhooks\.0\.secret: expected a Standard Webhooks secret .*npx adieu secret webhook/);
    expect(failure(hook({ secret: good, previousSecret: raw }))).toMatch(/^configuration error: webhooks\.0\.previousSecret: /);
    expect(failure({ ADIEU_CONFIG: file({ eligibility: { providers: [{ name: 'p', url: 'http://127.0.0.1:4000/x', secret: raw }] } }) })).toMatch(
      /^configuration error: eligibility\.providers\.0\.secret: /,
    );
    expect(loadConfig({ env: hook({ secret: raw, legacyRawSecret: true }) }).webhooks[0].legacyRawSecret).toBe(true);
    expect(loadConfig({ env: hook({ secret: good, previousSecret: good }) }).webhooks[0].previousSecret).toBe(good);
  });

  it('says when the file cannot be used', () => {
    expect(failure({ ADIEU_CONFIG: join(dir, 'missing.json') })).toMatch(/^configuration error: ADIEU_CONFIG: cannot read the file /);
    expect(failure({ ADIEU_CONFIG: file('{"http": ') })).toMatch(/^configuration error: ADIEU_CONFIG: .* is not valid JSON$/);
    expect(failure({ ADIEU_CONFIG: file('[1, 2]') })).toMatch(/must hold a JSON object$/);
  });

  it('reads the identity settings and refuses unsafe ones with one line', () => {
    expect(loadConfig({ env: {} }).identity).toEqual({ local: true });
    const oidc = { issuer: 'https://id.example.com', clientId: 'adieu' };
    const config = loadConfig({ env: { ADIEU_CONFIG: file({ identity: { local: false, oidc } }) } });
    expect(config.identity.oidc).toMatchObject({ ...oidc, scopes: ['openid', 'email', 'phone', 'profile'], idTokenAlg: 'RS256' });
    expect(failure({ ADIEU_CONFIG: file({ identity: { oidc: { ...oidc, issuer: 'http://id.example.com' } } }) })).toMatch(/identity\.oidc\.issuer: expected an https URL/);
    expect(failure({ ADIEU_CONFIG: file({ identity: { oidc: { ...oidc, idTokenAlg: 'HS256' } } }) })).toMatch(/identity\.oidc\.idTokenAlg/);
    expect(failure({ ADIEU_CONFIG: file({ identity: { oidc: { ...oidc, scopes: ['email'] } } }) })).toMatch(/must include openid/);
    expect(failure({ ADIEU_CONFIG: file({ identity: { handoff: { issuer: 'x', audience: 'y', jwksUrl: 'http://keys.example.com/jwks' } } }) })).toMatch(/identity\.handoff\.jwksUrl/);
    expect(loadConfig({ env: { ADIEU_CONFIG: file({ identity: { oidc: { ...oidc, issuer: 'http://127.0.0.1:4000' } } }) } }).identity.oidc?.issuer).toBe('http://127.0.0.1:4000');
    expect(failure({ ADIEU_CONFIG: file({ identity: { local: false } }) })).toMatch(/identity: local is false, so set identity.oidc or identity.handoff/);
  });
});

describe('configuration secrets from the environment or files', () => {
  const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
  const KEK = Buffer.alloc(32, 3).toString('base64');

  it('resolves { "env" } and { "file" } anywhere a string goes, once, and remembers them as secrets', () => {
    const secretFile = join(dir, 'smtp-password');
    writeFileSync(secretFile, 'smtp://adieu:s3cret-pass@mail.example.com:587\n');
    const config = loadConfig({
      env: {
        WH_SECRET: SECRET,
        ADIEU_CONFIG: file({ mail: { smtpUrl: { file: secretFile } }, webhooks: [{ name: 'crm', url: 'https://crm.example.com/x', secret: { env: 'WH_SECRET' } }] }),
      },
    });
    expect(config.webhooks[0].secret).toBe(SECRET);
    expect(config.mail.smtpUrl).toBe('smtp://adieu:s3cret-pass@mail.example.com:587');
    expect(configSecrets(config)).toEqual(expect.arrayContaining([SECRET, 'smtp://adieu:s3cret-pass@mail.example.com:587', 's3cret-pass']));
  });

  it('reads the KEK from ADIEU_KEK or ADIEU_KEK_FILE, not both', () => {
    const kekFile = join(dir, 'kek');
    writeFileSync(kekFile, `${KEK}\n`);
    expect(loadConfig({ env: { ADIEU_KEK_FILE: kekFile } }).keys.kek).toBe(KEK);
    expect(loadConfig({ env: { ADIEU_KEK: KEK } }).keys.kek).toBe(KEK);
    expect(failure({ ADIEU_KEK: KEK, ADIEU_KEK_FILE: kekFile })).toBe('configuration error: ADIEU_KEK_FILE: set either ADIEU_KEK or ADIEU_KEK_FILE, not both');
  });

  it('names the key and the source of a missing secret, and never repeats a secret in an error', () => {
    expect(failure({ ADIEU_CONFIG: file({ metrics: { token: { env: 'NOT_SET_ANYWHERE' } } }) })).toBe('configuration error: metrics.token: the environment variable NOT_SET_ANYWHERE is not set');
    expect(failure({ ADIEU_KEK_FILE: join(dir, 'missing') })).toBe(`configuration error: ADIEU_KEK_FILE (keys.kek): cannot read the file ${join(dir, 'missing')}`);
    // Wrong shape: the message says what is expected, not what was given.
    const short = 'c2hvcnQtYnV0LXNlY3JldC12YWx1ZQ==';
    const line = failure({ ADIEU_KEK: short });
    expect(line).toContain('ADIEU_KEK (keys.kek): expected 32 random bytes in base64');
    expect(line).not.toContain(short);
    const tokenLine = failure({ TOKEN: 'tiny-secret', ADIEU_CONFIG: file({ metrics: { token: { env: 'TOKEN' } } }) });
    expect(tokenLine).toMatch(/^configuration error: metrics\.token: /);
    expect(tokenLine).not.toContain('tiny-secret');
  });
});
