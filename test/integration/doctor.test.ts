import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/test-databases.ts';
import { TMP_ROOT, withDatabase } from '../helpers/global-setup.ts';
import { startSmtpInbox } from '../helpers/smtp-inbox.ts';
import { DATAMAP_DIR } from '../../src/erasure/datamap.ts';
import { Webhook } from 'standardwebhooks';

const BASE_URL = process.env.TEST_DATABASE_URL;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** What a platform's service does: the official `standardwebhooks` library with its defaults. */
function verifiedByOfficialLibrary(headers: Record<string, unknown>, body: string): boolean {
  try {
    new Webhook(SECRET).verify(body, headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}

const CRM_MAP = `store: crm
database: { config: crm }
tables:
  crm.contacts:
    rows: update
    reach: { column: user_ref, identity: user_id }
    columns:
      id: non_personal
      user_ref: { action: keep_pseudonymous, note: "Adieu's user id" }
      email: { action: set_null, identifier: email }
  crm.visits:
    rows: delete
    reach: { column: user_ref, identity: user_id }
    columns:
      user_ref: delete_row
      page: delete_row
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function doctor(env: Record<string, string>): Promise<Run> {
  const clean = { ...process.env };
  for (const name of ['DATABASE_URL', 'ADIEU_CONFIG', 'ADIEU_DATA_DIR', 'SMTP_URL', 'REDIS_URL', 'ADIEU_KEYSTORE_URL', 'ADIEU_DEMO', 'ADIEU_DEV_TOOLS']) delete clean[name];
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/adieu.js', 'doctor'], { env: { ...clean, NODE_ENV: 'production', ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr }),
    );
  });
}

/** The report's line for a check, split into its columns. */
function line(run: Run, check: string): string {
  const found = run.stdout.split('\n').find((l) => new RegExp(`^\\S+\\s+${check.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s{2,}`).test(l));
  if (!found) throw new Error(`no line for ${check} in:\n${run.stdout}`);
  return found;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

/**
 * `adieu doctor` against a real deployment on PostgreSQL: a migrated main database, a separate key
 * database, a platform store in its own database, a real SMTP server, a real eligibility provider
 * and erasure receiver over HTTP. Then the same deployment broken four ways.
 */
describe.skipIf(!BASE_URL)('adieu doctor (postgres)', () => {
  let main: TestDatabase;
  const extraDatabases: string[] = [];
  const role = `adieu_tdoc_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  let crmUrl: string;
  let dir: string;
  let smtp: Awaited<ReturnType<typeof startSmtpInbox>>;
  let provider: Server;
  let receiver: Server;
  let providerAnswer = 200;
  const probes: string[] = [];
  const pings: string[] = [];
  let env: Record<string, string>;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    main = await createTestDatabase('postgres');
    admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    const database = (tag: string) => `adieu_t${tag}${randomBytes(3).toString('hex')}_${process.ppid}_${Date.now()}`;
    const keysName = database('keys');
    const crmName = database('crm');
    extraDatabases.push(keysName, crmName);
    await admin.query(`CREATE DATABASE ${keysName}`);
    await admin.query(`CREATE DATABASE ${crmName}`);
    // A login that may connect but was granted nothing: the store URL of a wrong account.
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'not-the-right-one'`);
    crmUrl = withDatabase(BASE_URL!, crmName);
    const crm = new pg.Client({ connectionString: crmUrl });
    await crm.connect();
    await crm.query(`CREATE SCHEMA crm;
      CREATE TABLE crm.contacts (id text PRIMARY KEY, user_ref text NOT NULL, email text);
      CREATE TABLE crm.visits (user_ref text NOT NULL, page text NOT NULL)`);
    await crm.end();

    smtp = await startSmtpInbox();
    const providerServer = await listen(async (req, res) => {
      const body = await readBody(req);
      const signed = verifiedByOfficialLibrary(req.headers, body);
      probes.push(body);
      if (!signed) return void res.writeHead(401).end();
      if (providerAnswer !== 200) return void res.writeHead(providerAnswer).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ blockers: [], warnings: [] }));
    });
    provider = providerServer.server;
    const receiverServer = await listen(async (req, res) => {
      const body = await readBody(req);
      const signed = verifiedByOfficialLibrary(req.headers, body);
      pings.push(body);
      res.writeHead(signed ? 200 : 401).end();
    });
    receiver = receiverServer.server;

    dir = mkdtempSync(join(TMP_ROOT, 'doctor-'));
    const mapDir = join(dir, 'datamap');
    cpSync(DATAMAP_DIR, mapDir, { recursive: true });
    writeFileSync(join(mapDir, 'crm.yaml'), CRM_MAP);
    config = {
      publicUrl: 'https://adieu.example.com',
      http: { trustProxy: '127.0.0.1' },
      metrics: { token: 'a-scraper-token-of-enough-length' },
      log: { level: 'silent' },
      erasure: { datamapDir: mapDir, stores: { crm: { url: crmUrl } } },
      webhooks: [{ name: 'crm', url: `${receiverServer.url}/erasure`, secret: SECRET }],
      sms: { provider: 'http', url: 'https://sms.example.com/send', secret: SECRET },
      eligibility: { providers: [{ name: 'billing', url: `${providerServer.url}/eligibility`, secret: SECRET, timeoutMs: 3000 }] },
    };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    env = {
      ADIEU_CONFIG: join(dir, 'config.json'),
      ADIEU_DATA_DIR: join(dir, 'data'),
      DATABASE_URL: main.url!,
      ADIEU_KEYSTORE_URL: withDatabase(BASE_URL!, keysName),
      SMTP_URL: smtp.url,
      ADIEU_KEK: randomBytes(32).toString('base64'),
    };
  }, 60_000);

  afterAll(async () => {
    await smtp?.close().catch(() => undefined);
    provider?.close();
    receiver?.close();
    await main?.drop();
    for (const name of extraDatabases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin?.end();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports every check ok on a healthy deployment and exits 0, sending no mail and no erasure', { timeout: 120_000 }, async () => {
    const run = await doctor(env);
    expect(run.stderr).toBe('');
    const rows = run.stdout.trimEnd().split('\n');
    const checks = rows.slice(1, rows.indexOf(''));
    expect(checks.map((l) => l.split(/\s{2,}/)[1])).toEqual([
      'settings',
      'database',
      'migrations',
      'key store',
      'key store identity',
      'mail (SMTP)',
      'provider billing',
      'receiver crm',
      'data map',
      'data map covers adieu',
      'store crm',
      'data map covers crm',
      'clock skew',
      'free disk',
    ]);
    for (const check of checks) expect(check, run.stdout).toMatch(/^ok\s/);
    expect(line(run, 'store crm')).toContain('with every privilege its erasure steps need');
    expect(line(run, 'data map covers crm')).toContain('every column of schema crm is mapped (2 tables)');
    expect(run.code).toBe(0);

    // The probe and the ping were signed (else 401), named nobody, and asked for no erasure.
    expect(probes.map((b) => JSON.parse(b))).toEqual([{ probe: true }]);
    expect(pings.map((b) => JSON.parse(b).type)).toEqual(['adieu.ping']);
    expect(smtp.messages).toEqual([]);
  });

  it('fails, with the remedy, when SMTP is down, the provider answers 500, the store account lacks rights and a column is unmapped', { timeout: 120_000 }, async () => {
    await smtp.close();
    providerAnswer = 500;
    const crm = new pg.Client({ connectionString: crmUrl });
    await crm.connect();
    await crm.query('ALTER TABLE crm.contacts ADD COLUMN phone text');
    await crm.end();
    // Trust authentication on this server accepts any password, so a wrong password cannot be
    // shown; a login of the wrong account (one granted nothing) is what the store URL names instead.
    const wrong = new URL(crmUrl);
    wrong.username = role;
    wrong.password = 'not-the-right-one';
    writeFileSync(env.ADIEU_CONFIG, JSON.stringify({ ...config, erasure: { ...(config.erasure as object), stores: { crm: { url: wrong.toString() } } } }));

    const run = await doctor(env);
    expect(run.code).toBe(1);
    expect(line(run, 'mail (SMTP)')).toMatch(/^FAILURE\s+mail \(SMTP\)\s+127\.0\.0\.1:\d+: connection refused \(nothing listens there\) — check SMTP_URL/);
    expect(line(run, 'provider billing')).toMatch(/^FAILURE\s+provider billing\s+answered HTTP 500 — make the provider answer a signed POST \{ "probe": true \}/);
    expect(line(run, 'store crm')).toMatch(
      /^FAILURE\s+store crm\s+reachable, but the account lacks USAGE on schema crm; SELECT, UPDATE on crm\.contacts; SELECT, DELETE on crm\.visits; CREATE on schema public \(for adieu_erasure_markers\) — GRANT what the data map's steps need to the user of erasure\.stores\.crm\.url$/,
    );
    expect(line(run, 'data map covers crm')).toMatch(/^FAILURE\s+data map covers crm\s+1 column not mapped: crm\.contacts\.phone — map each in the data map \(store crm\), or declare it non_personal$/);
    // The rest still holds.
    for (const check of ['database', 'migrations', 'key store', 'key store identity', 'receiver crm', 'data map covers adieu']) expect(line(run, check)).toMatch(/^ok\s/);
    expect(run.stdout).toMatch(/\n\d+ ok, 0 warnings, 4 failures\n$/);
  });
});

describe('adieu doctor without PostgreSQL', () => {
  it('fails the default configuration in production, names what to set, and leaves the embedded database closed', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(TMP_ROOT, 'doctor-'));
    try {
      const run = await doctor({ ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
      expect(run.code).toBe(1);
      expect(line(run, 'setting publicUrl')).toMatch(/^FAILURE\s+setting publicUrl\s+publicUrl: not set, .* — set publicUrl in the ADIEU_CONFIG file to the https:\/\/ address buyers open$/);
      expect(line(run, 'setting SMTP_URL')).toMatch(/^FAILURE\s+setting SMTP_URL\s+SMTP_URL \(mail\.smtpUrl\): no mail transport.* — set SMTP_URL, e.g\. /);
      expect(line(run, 'setting sms.provider')).toMatch(/^WARNING\s+setting sms\.provider\s+sms\.provider: text messages go to the dev mailbox .* — set sms to /);
      expect(line(run, 'database')).toMatch(/^WARNING\s+database\s+embedded database \(one process\): not opened.* — set DATABASE_URL to PostgreSQL for production$/);
      expect(line(run, 'data map')).toMatch(/^ok\s/);
      expect(existsSync(join(dataDir, 'db'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
