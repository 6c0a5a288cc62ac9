import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type Config } from './schema.ts';

/** A configuration problem that stops start-up; its message is one line naming the key. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Environment variables and the config-file path each one overrides. */
const ENV_KEYS: Array<[string, string[], 'string' | 'number' | 'boolean' | 'file']> = [
  ['PORT', ['http', 'port'], 'number'],
  ['HOST', ['http', 'host'], 'string'],
  ['ADIEU_DATA_DIR', ['dataDir'], 'string'],
  ['DATABASE_URL', ['database', 'url'], 'string'],
  ['ADIEU_KEYSTORE_URL', ['keys', 'url'], 'string'],
  ['ADIEU_KEK', ['keys', 'kek'], 'string'],
  ['ADIEU_KEK_FILE', ['keys', 'kek'], 'file'],
  ['ADIEU_KEK_PREVIOUS', ['keys', 'previousKek'], 'string'],
  ['ADIEU_KEK_PREVIOUS_FILE', ['keys', 'previousKek'], 'file'],
  ['REDIS_URL', ['redis', 'url'], 'string'],
  ['ADIEU_DEMO', ['demo'], 'boolean'],
  ['ADIEU_DEV_TOOLS', ['devTools'], 'boolean'],
  ['SMTP_URL', ['mail', 'smtpUrl'], 'string'],
  ['LOG_LEVEL', ['log', 'level'], 'string'],
  ['ADIEU_METRICS_TOKEN', ['metrics', 'token'], 'string'],
  ['METRICS_PORT', ['metrics', 'port'], 'number'],
];

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function parseEnvValue(name: string, raw: string, kind: 'string' | 'number' | 'boolean' | 'file'): unknown {
  if (kind === 'string') return raw;
  // `…_FILE`: the value is read from that file, as `{ "file": … }` in the config file would be.
  if (kind === 'file') return { file: raw };
  // The value is echoed (shortened) because env values here are ports and switches, never secrets.
  const shown = JSON.stringify(oneLine(raw).slice(0, 40));
  if (kind === 'number') {
    if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`configuration error: ${name}: expected a whole number, got ${shown}`);
    return Number(raw.trim());
  }
  if (/^(1|true|on|yes)$/i.test(raw.trim())) return true;
  if (/^(0|false|off|no)$/i.test(raw.trim())) return false;
  throw new ConfigError(`configuration error: ${name}: expected true or false, got ${shown}`);
}

function setPath(target: Record<string, any>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key];
  }
  node[path[path.length - 1]] = value;
}

export interface LoadOptions {
  env?: Env;
  /** Overrides from the command line (e.g. `--demo`), applied before the environment. */
  flags?: { demo?: boolean; devTools?: boolean; port?: number };
}

/**
 * Reads the configuration once: the `ADIEU_CONFIG` JSON file, then the environment on top, then
 * validation. Every problem becomes a ConfigError with one line naming the key.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  let raw: Record<string, any> = {};
  const file = env.ADIEU_CONFIG;
  if (file) {
    let text: string;
    try {
      text = readFileSync(resolve(file), 'utf8');
    } catch {
      throw new ConfigError(`configuration error: ADIEU_CONFIG: cannot read the file ${file}`);
    }
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ConfigError(`configuration error: ADIEU_CONFIG: ${file} is not valid JSON`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`configuration error: ADIEU_CONFIG: ${file} must hold a JSON object`);
    }
  }
  if (options.flags?.demo) {
    if (raw.demo === undefined) raw.demo = true;
    if (raw.devTools === undefined) raw.devTools = true;
  }
  /** Which environment variable set which key, so an error names what the operator typed. */
  const fromEnv = new Map<string, string>();
  for (const [name, path, kind] of ENV_KEYS) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      const other = fromEnv.get(path.join('.'));
      if (other) throw new ConfigError(`configuration error: ${name}: set either ${other} or ${name}, not both`);
      setPath(raw, path, parseEnvValue(name, value, kind));
      fromEnv.set(path.join('.'), name);
    }
  }
  const secrets = new Set<string>();
  raw = resolveSecretRefs(raw, [], env, secrets, fromEnv) as Record<string, any>;
  if (options.flags?.port !== undefined) {
    setPath(raw, ['http', 'port'], options.flags.port);
    fromEnv.set('http.port', '--port');
  }

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.') || '(root)';
    const source = fromEnv.get(key);
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${[...issue.path, ...issue.keys].join('.')}${file ? ` in ${file}` : ''}`
        : `${source ? `${source} (${key})` : key}: ${oneLine(issue.message)}`;
    throw new ConfigError(`configuration error: ${message}`);
  }
  const production = env.NODE_ENV === 'production';
  if (production) {
    // Demo people have published passwords, and dev tools move the clock: neither belongs in production.
    for (const [key, what] of [['devTools', 'dev tools are'], ['demo', 'demo data (people with published passwords) is']] as const) {
      if (!parsed.data[key]) continue;
      const source = fromEnv.get(key) ?? (options.flags?.demo ? '--demo' : null);
      throw new ConfigError(`configuration error: ${source ? `${source} (${key})` : key}: ${what} refused when NODE_ENV=production`);
    }
  }
  const { publicUrl, ...rest } = parsed.data;
  const config: Config = {
    ...rest,
    dataDir: resolve(rest.dataDir),
    publicUrl: (publicUrl ?? `http://${rest.http.host}:${rest.http.port}`).replace(/\/+$/, ''),
    publicUrlSet: publicUrl !== undefined,
    production,
  };
  for (const value of knownSecrets(config)) secrets.add(value);
  SECRETS.set(config, [...secrets].filter((value) => value.length >= 6));
  return config;
}

const SECRETS = new WeakMap<Config, string[]>();

/**
 * The secret strings of a configuration: every value given as `{ "env" }` / `{ "file" }`, and the
 * keys that are secret whatever their source. The logger blanks them out of every line.
 */
export function configSecrets(config: Config): string[] {
  return SECRETS.get(config) ?? knownSecrets(config);
}

function knownSecrets(config: Config): string[] {
  const found = [config.keys.kek, config.keys.previousKek, config.metrics.token, config.identity.oidc?.clientSecret];
  for (const entry of [...config.webhooks, ...config.eligibility.providers, ...(config.sms.provider === 'http' ? [config.sms] : [])]) {
    found.push(entry.secret, entry.previousSecret);
  }
  // A URL's password (SMTP, databases, Redis), as it would appear on its own in an error.
  for (const url of [config.database.url, config.keys.url, config.redis.url, config.mail.smtpUrl, ...Object.values(config.erasure.stores).map((s) => s.url)]) {
    try {
      const password = url ? decodeURIComponent(new URL(url).password) : '';
      if (password) found.push(password);
    } catch {
      // not a URL (a key-store folder)
    }
  }
  return found.filter((value): value is string => typeof value === 'string' && value.length > 0);
}

const isRef = (node: unknown): node is { env: string } | { file: string } => {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return false;
  const keys = Object.keys(node);
  return keys.length === 1 && (keys[0] === 'env' || keys[0] === 'file') && typeof (node as Record<string, unknown>)[keys[0]] === 'string';
};

/**
 * Any string of the configuration may be written `{ "env": "NAME" }` or `{ "file": "/run/secrets/x" }`:
 * resolved here, once, and remembered as a secret. Errors name the key and where the value was to
 * come from, never the value.
 */
function resolveSecretRefs(node: unknown, path: string[], env: Env, secrets: Set<string>, fromEnv: Map<string, string>): unknown {
  if (isRef(node)) {
    const key = path.join('.');
    const source = fromEnv.get(key);
    const named = source ? `${source} (${key})` : key;
    let value: string | undefined;
    if ('env' in node) {
      value = env[node.env];
      if (value === undefined || value === '') throw new ConfigError(`configuration error: ${named}: the environment variable ${node.env} is not set`);
    } else {
      try {
        // A secrets file usually ends with a newline that is not part of the secret.
        value = readFileSync(resolve(node.file), 'utf8').replace(/\r?\n$/, '');
      } catch {
        throw new ConfigError(`configuration error: ${named}: cannot read the file ${node.file}`);
      }
      if (value === '') throw new ConfigError(`configuration error: ${named}: the file ${node.file} is empty`);
    }
    secrets.add(value);
    return value;
  }
  if (Array.isArray(node)) return node.map((item, i) => resolveSecretRefs(item, [...path, String(i)], env, secrets, fromEnv));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, resolveSecretRefs(value, [...path, key], env, secrets, fromEnv)]));
  }
  return node;
}
