import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configSchema, type Config } from './schema.ts';

/** A configuration problem that stops start-up; its message is one line naming the key. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

/** Environment variables and the config-file path each one overrides. */
const ENV_KEYS: Array<[string, string[], 'string' | 'number' | 'boolean']> = [
  ['PORT', ['http', 'port'], 'number'],
  ['HOST', ['http', 'host'], 'string'],
  ['ADIEU_DATA_DIR', ['dataDir'], 'string'],
  ['DATABASE_URL', ['database', 'url'], 'string'],
  ['ADIEU_KEYSTORE_URL', ['keys', 'url'], 'string'],
  ['REDIS_URL', ['redis', 'url'], 'string'],
  ['ADIEU_DEMO', ['demo'], 'boolean'],
  ['ADIEU_DEV_TOOLS', ['devTools'], 'boolean'],
  ['SMTP_URL', ['mail', 'smtpUrl'], 'string'],
  ['LOG_LEVEL', ['log', 'level'], 'string'],
];

function parseEnvValue(name: string, raw: string, kind: 'string' | 'number' | 'boolean'): unknown {
  if (kind === 'string') return raw;
  if (kind === 'number') {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}: expected a whole number, got "${raw}"`);
    return Number(raw);
  }
  if (/^(1|true|on|yes)$/i.test(raw)) return true;
  if (/^(0|false|off|no)$/i.test(raw)) return false;
  throw new ConfigError(`${name}: expected true or false, got "${raw}"`);
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
      throw new ConfigError(`ADIEU_CONFIG: cannot read the file ${file}`);
    }
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ConfigError(`ADIEU_CONFIG: ${file} is not valid JSON`);
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ConfigError(`ADIEU_CONFIG: ${file} must hold a JSON object`);
    }
  }
  if (options.flags?.demo) {
    if (raw.demo === undefined) raw.demo = true;
    if (raw.devTools === undefined) raw.devTools = true;
  }
  for (const [name, path, kind] of ENV_KEYS) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(raw, path, parseEnvValue(name, value, kind));
  }
  if (options.flags?.port !== undefined) setPath(raw, ['http', 'port'], options.flags.port);

  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.') || '(root)';
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key ${[...issue.path, ...issue.keys].join('.')}`
        : `${key}: ${issue.message}`;
    throw new ConfigError(`configuration error: ${message}`);
  }
  const production = env.NODE_ENV === 'production';
  if (parsed.data.devTools && production) {
    throw new ConfigError('configuration error: devTools: dev tools are refused when NODE_ENV=production');
  }
  const { publicUrl, ...rest } = parsed.data;
  return {
    ...rest,
    dataDir: resolve(rest.dataDir),
    publicUrl: (publicUrl ?? `http://${rest.http.host}:${rest.http.port}`).replace(/\/+$/, ''),
    production,
  };
}
