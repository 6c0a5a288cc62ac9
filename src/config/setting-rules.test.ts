import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { findingLine, settingFindings } from './setting-rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'adieu-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GOOD_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
/** A production deployment with nothing to complain about. */
const SAFE = {
  publicUrl: 'https://adieu.example.com',
  mail: { smtpUrl: 'smtp://mail.example.com:587' },
  database: { url: 'postgres://adieu@db.internal:5432/adieu' },
  keys: { url: 'postgres://adieu@keys.internal:5432/adieu_keys', kek: Buffer.alloc(32, 9).toString('base64') },
  http: { trustProxy: '10.0.0.0/8' },
  webhooks: [{ name: 'crm', url: 'https://crm.example.com/erasure', secret: GOOD_SECRET }],
  eligibility: { providers: [{ name: 'billing', url: 'https://billing.example.com/eligibility', secret: GOOD_SECRET }] },
  metrics: { port: 9464 },
  sms: { provider: 'http', url: 'https://sms.example.com/send', secret: GOOD_SECRET },
};

let n = 0;
/** The findings' lines for SAFE with `change` applied on top, in production or not. */
function lines(change: (config: any) => void, production = true): string[] {
  const config = structuredClone(SAFE) as any;
  change(config);
  const path = join(dir, `config-${n++}.json`);
  writeFileSync(path, JSON.stringify(config));
  return settingFindings(loadConfig({ env: { ADIEU_CONFIG: path, ADIEU_DATA_DIR: join(dir, 'data'), ...(production ? { NODE_ENV: 'production' } : {}) } })).map(findingLine);
}

describe('setting rules', () => {
  it('find nothing in a safe production configuration', () => {
    expect(lines(() => undefined)).toEqual([]);
  });

  const refused: Array<[string, (config: any) => void, string]> = [
    ['a missing publicUrl', (c) => delete c.publicUrl, 'publicUrl: not set, so emails would link to http://127.0.0.1:3000; set publicUrl in the ADIEU_CONFIG file to the https:// address buyers open'],
    ['an http publicUrl', (c) => (c.publicUrl = 'http://adieu.example.com'), 'publicUrl: http://adieu.example.com is not https; set publicUrl to an https:// address'],
    [
      'an http publicUrl on localhost without allowInsecurePublicUrl',
      (c) => (c.publicUrl = 'http://localhost:3000'),
      'publicUrl: http://localhost:3000 is not https; set publicUrl to an https:// address, or allowInsecurePublicUrl: true for a trial on this machine',
    ],
    [
      'an http publicUrl on a real host even with allowInsecurePublicUrl',
      (c) => Object.assign(c, { publicUrl: 'http://adieu.example.com', allowInsecurePublicUrl: true }),
      'publicUrl: http://adieu.example.com is not https; set publicUrl to an https:// address',
    ],
    ['no mail transport', (c) => delete c.mail, 'SMTP_URL (mail.smtpUrl): no mail transport, so mail to buyers would go to a folder on disk; set SMTP_URL, e.g. smtp://user:password@mail.example.com:587'],
    [
      'the key store in the data directory with PostgreSQL',
      (c) => delete c.keys.url,
      'ADIEU_KEYSTORE_URL (keys.url): the key store is a folder inside the data directory while the main database is PostgreSQL (each server would hold its own keys); set ADIEU_KEYSTORE_URL to a separate PostgreSQL database, kept out of the main backups',
    ],
    [
      'a key folder under the data directory with PostgreSQL',
      (c) => (c.keys.url = join(dir, 'data', 'my-keys')),
      'ADIEU_KEYSTORE_URL (keys.url): the key store is a folder inside the data directory while the main database is PostgreSQL (each server would hold its own keys); set ADIEU_KEYSTORE_URL to a separate PostgreSQL database, kept out of the main backups',
    ],
    [
      'the key store in the main database',
      (c) => (c.keys.url = 'postgresql://other@db.internal/adieu'),
      'ADIEU_KEYSTORE_URL (keys.url): the key store is the main database, so its backups hold the keys of erased buyers; set ADIEU_KEYSTORE_URL to a separate PostgreSQL database, kept out of the main backups',
    ],
    [
      'a short raw webhook secret (legacyRawSecret)',
      (c) => Object.assign(c.webhooks[0], { secret: 'twenty-chars-secret!', legacyRawSecret: true }),
      'webhooks.0.secret (crm): shorter than 24 bytes; move the receiver to a Standard Webhooks secret (`npx adieu secret webhook`), or use a random secret of 24 to 64 bytes',
    ],
    [
      'a short raw provider secret (legacyRawSecret)',
      (c) => Object.assign(c.eligibility.providers[0], { secret: 'sixteen-chars-ok', legacyRawSecret: true }),
      'eligibility.providers.0.secret (billing): shorter than 24 bytes; move the provider to a Standard Webhooks secret (`npx adieu secret webhook`), or use a random secret of 24 to 64 bytes',
    ],
    [
      'a demo identity provider on plain http',
      (c) => (c.identity = { oidc: { issuer: 'http://127.0.0.1:4000', clientId: 'adieu' } }),
      "identity.oidc.issuer: http://127.0.0.1:4000 is a provider on this machine over plain http (a demo); use the platform's https:// address",
    ],
  ];

  it.each(refused)('refuse %s in production, with one line naming the key and what to set', (_, change, line) => {
    expect(lines(change)).toEqual([`configuration error: ${line}`]);
  });

  it.each(refused)('only warn about %s outside production', (_, change, line) => {
    expect(lines(change, false)).toEqual([`configuration warning: ${line}`]);
  });

  it('warn, in production too, about trustProxy: true and plain http to other hosts', () => {
    expect(lines((c) => (c.http.trustProxy = true))).toEqual([
      'configuration warning: http.trustProxy: true believes X-Forwarded-For from any client, so rate limits can be dodged; set http.trustProxy to the load balancers\' addresses or CIDRs, e.g. "10.0.0.0/8"',
    ]);
    expect(
      lines((c) => {
        c.webhooks[0].url = 'http://crm.internal:8080/erasure';
        c.eligibility.providers[0].url = 'http://billing.internal/check';
      }),
    ).toEqual([
      'configuration warning: webhooks.0.url (crm): plain http to crm.internal:8080; use an https:// URL',
      'configuration warning: eligibility.providers.0.url (billing): plain http to billing.internal; use an https:// URL',
    ]);
  });

  it('warn in production when /metrics is on the public listener without a token', () => {
    expect(lines((c) => delete c.metrics)).toEqual([
      'configuration warning: metrics: /metrics is served to anyone on the public listener; set metrics.port (a separate listener for the scraper) or metrics.token (ADIEU_METRICS_TOKEN, sent as a bearer token)',
    ]);
    expect(lines((c) => (c.metrics = { token: 'a-scraper-token-of-32-characters!' }))).toEqual([]);
    expect(lines((c) => delete c.metrics, false)).toEqual([]);
  });

  it('accept plain http to loopback, a localhost trial, and a key folder outside the data directory', () => {
    expect(
      lines((c) => {
        c.webhooks[0].url = 'http://127.0.0.1:4000/erasure';
        c.eligibility.providers[0].url = 'http://[::1]:4001/check';
        c.publicUrl = 'http://localhost:3000';
        c.allowInsecurePublicUrl = true;
        c.keys = { url: join(dir, 'keys-elsewhere'), kek: c.keys.kek };
      }),
    ).toEqual([]);
  });

  it('find the default configuration unfit for production', () => {
    const config = loadConfig({ env: { NODE_ENV: 'production', ADIEU_DATA_DIR: join(dir, 'data') } });
    expect(settingFindings(config).map((f) => [f.key, f.level])).toEqual([
      ['publicUrl', 'failure'],
      ['SMTP_URL (mail.smtpUrl)', 'failure'],
      ['ADIEU_KEK (keys.kek)', 'failure'],
      ['metrics', 'warning'],
      ['sms.provider', 'warning'],
    ]);
  });

  it('warn in production when text messages would go to the dev mailbox', () => {
    const sms = (c: any) => (c.sms = { provider: 'mailbox' });
    expect(lines(sms)).toEqual([
      'configuration warning: sms.provider: text messages go to the dev mailbox (a folder on disk), so buyers who sign in with a phone number receive none; set sms to { "provider": "http", "url": "https://…", "secret": "whsec_…" } (the platform\'s SMS gateway)',
    ]);
    expect(lines(sms, false)).toEqual([]);
  });
});
