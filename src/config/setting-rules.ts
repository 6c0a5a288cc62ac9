import { isAbsolute, relative, resolve } from 'node:path';
import type { Config } from './schema.ts';
import { secretKey } from '../webhooks/standard-webhooks.ts';

/**
 * The rules a deployment's settings must follow, as a pure function of the validated
 * configuration (no I/O): start-up refuses what they find in production (NODE_ENV=production) and
 * warns about it elsewhere, and `adieu doctor` prints the same findings. Each finding names the
 * key (as the operator typed it) and what to set.
 */
export interface SettingFinding {
  /** The key, e.g. `SMTP_URL (mail.smtpUrl)` or `webhooks.0.url`. */
  key: string;
  problem: string;
  /** What to set. */
  remedy: string;
  /** failure: start-up refuses (production only; elsewhere every finding is a warning). */
  level: 'failure' | 'warning';
}

/**
 * Shortest HMAC secret accepted in production: Standard Webhooks asks for 24 to 64 random bytes.
 * (Anything under 16 characters is refused everywhere by the schema.)
 */
export const SECRET_MIN_BYTES = 24;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK.test(hostname);

/**
 * The bytes of an HMAC key. The schema already holds Standard Webhooks secrets to 24–64 bytes;
 * what is left to catch is a short raw secret of an old receiver (`legacyRawSecret`).
 */
const secretLength = (entry: { secret: string; legacyRawSecret?: boolean }): number => secretKey(entry.secret, entry.legacyRawSecret).length;

/** Same server and database name: the key store would share the main database's backups. */
function sameDatabase(a: string, b: string): boolean {
  const norm = (url: string) => {
    const u = new URL(url);
    const host = u.hostname.toLowerCase() === 'localhost' ? '127.0.0.1' : u.hostname.toLowerCase();
    return `${host}:${u.port || '5432'}${u.pathname.replace(/\/+$/, '') || '/'}`;
  };
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Findings about the configuration, in a fixed order; empty when nothing is wrong. */
export function settingFindings(config: Config): SettingFinding[] {
  const found: Array<Omit<SettingFinding, 'level'> & { refuse: boolean }> = [];

  if (!config.publicUrlSet) {
    found.push({
      key: 'publicUrl',
      problem: `not set, so emails would link to ${config.publicUrl}`,
      remedy: 'set publicUrl in the ADIEU_CONFIG file to the https:// address buyers open',
      refuse: true,
    });
  } else {
    const url = new URL(config.publicUrl);
    const localTrial = isLoopbackHost(url.hostname) && config.allowInsecurePublicUrl;
    if (url.protocol !== 'https:' && !localTrial) {
      found.push({
        key: 'publicUrl',
        problem: `${url.origin} is not https`,
        remedy: isLoopbackHost(url.hostname)
          ? 'set publicUrl to an https:// address, or allowInsecurePublicUrl: true for a trial on this machine'
          : 'set publicUrl to an https:// address',
        refuse: true,
      });
    }
  }

  if (!config.mail.smtpUrl) {
    found.push({
      key: 'SMTP_URL (mail.smtpUrl)',
      problem: 'no mail transport, so mail to buyers would go to a folder on disk',
      remedy: 'set SMTP_URL, e.g. smtp://user:password@mail.example.com:587',
      refuse: true,
    });
  }

  if (config.database.url) {
    const keysUrl = config.keys.url;
    const keysInPostgres = keysUrl !== undefined && /^postgres(ql)?:\/\//.test(keysUrl);
    if (!keysInPostgres && isInside(config.dataDir, keysUrl ?? resolve(config.dataDir, 'keys'))) {
      found.push({
        key: 'ADIEU_KEYSTORE_URL (keys.url)',
        problem: 'the key store is a folder inside the data directory while the main database is PostgreSQL (each server would hold its own keys)',
        remedy: 'set ADIEU_KEYSTORE_URL to a separate PostgreSQL database, kept out of the main backups',
        refuse: true,
      });
    } else if (keysInPostgres && sameDatabase(keysUrl, config.database.url)) {
      found.push({
        key: 'ADIEU_KEYSTORE_URL (keys.url)',
        problem: 'the key store is the main database, so its backups hold the keys of erased buyers',
        remedy: 'set ADIEU_KEYSTORE_URL to a separate PostgreSQL database, kept out of the main backups',
        refuse: true,
      });
    }
  }

  if (!config.keys.kek) {
    found.push({
      key: 'ADIEU_KEK (keys.kek)',
      problem: 'no key-encryption key, so the key store is wrapped by a KEK generated beside the data (dataDir/demo.kek)',
      remedy: 'set ADIEU_KEK or ADIEU_KEK_FILE to 32 random bytes in base64 (openssl rand -base64 32), kept out of both databases and their backups',
      refuse: true,
    });
  }

  config.webhooks.forEach((hook, i) => {
    if (secretLength(hook) < SECRET_MIN_BYTES) {
      found.push({
        key: `webhooks.${i}.secret (${hook.name})`,
        problem: `shorter than ${SECRET_MIN_BYTES} bytes`,
        remedy: `move the receiver to a Standard Webhooks secret (\`npx adieu secret webhook\`), or use a random secret of ${SECRET_MIN_BYTES} to 64 bytes`,
        refuse: true,
      });
    }
  });
  config.eligibility.providers.forEach((provider, i) => {
    if (secretLength(provider) < SECRET_MIN_BYTES) {
      found.push({
        key: `eligibility.providers.${i}.secret (${provider.name})`,
        problem: `shorter than ${SECRET_MIN_BYTES} bytes`,
        remedy: `move the provider to a Standard Webhooks secret (\`npx adieu secret webhook\`), or use a random secret of ${SECRET_MIN_BYTES} to 64 bytes`,
        refuse: true,
      });
    }
  });

  // The schema lets an identity provider be plain http on this machine only (tests, `adieu demo-idp`).
  const providerUrls: Array<[string, string | undefined]> = [
    ['identity.oidc.issuer', config.identity.oidc?.issuer],
    ['identity.handoff.jwksUrl', config.identity.handoff?.jwksUrl],
  ];
  for (const [key, url] of providerUrls) {
    if (url && new URL(url).protocol === 'http:') {
      found.push({ key, problem: `${new URL(url).origin} is a provider on this machine over plain http (a demo)`, remedy: "use the platform's https:// address", refuse: true });
    }
  }

  if (config.http.trustProxy === true) {
    found.push({
      key: 'http.trustProxy',
      problem: 'true believes X-Forwarded-For from any client, so rate limits can be dodged',
      remedy: 'set http.trustProxy to the load balancers\' addresses or CIDRs, e.g. "10.0.0.0/8"',
      refuse: false,
    });
  }

  if (config.production && config.metrics.token === undefined && config.metrics.port === undefined) {
    found.push({
      key: 'metrics',
      problem: '/metrics is served to anyone on the public listener',
      remedy: 'set metrics.port (a separate listener for the scraper) or metrics.token (ADIEU_METRICS_TOKEN, sent as a bearer token)',
      refuse: false,
    });
  }

  // Sign-in codes and password resets by text message would reach no one: the dev mailbox is a folder.
  if (config.production && !config.demo && config.sms.provider === 'mailbox') {
    found.push({
      key: 'sms.provider',
      problem: 'text messages go to the dev mailbox (a folder on disk), so buyers who sign in with a phone number receive none',
      remedy: 'set sms to { "provider": "http", "url": "https://…", "secret": "whsec_…" } (the platform\'s SMS gateway)',
      refuse: false,
    });
  }

  const plainHttp = (url: string) => {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname) ? parsed.host : null;
  };
  config.webhooks.forEach((hook, i) => {
    const host = plainHttp(hook.url);
    if (host) found.push({ key: `webhooks.${i}.url (${hook.name})`, problem: `plain http to ${host}`, remedy: 'use an https:// URL', refuse: false });
  });
  config.eligibility.providers.forEach((provider, i) => {
    const host = plainHttp(provider.url);
    if (host) found.push({ key: `eligibility.providers.${i}.url (${provider.name})`, problem: `plain http to ${host}`, remedy: 'use an https:// URL', refuse: false });
  });

  return found.map(({ refuse, ...finding }) => ({ ...finding, level: refuse && config.production ? 'failure' : 'warning' }));
}

/** The one line a finding is reported with. */
export function findingLine(finding: SettingFinding): string {
  return `configuration ${finding.level === 'failure' ? 'error' : 'warning'}: ${finding.key}: ${finding.problem}; ${finding.remedy}`;
}
