import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs with secrets and personal data redacted. Bodies are never logged; these paths catch
 * what could slip in through error objects or headers.
 */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.email',
  '*.phone',
  '*.identifier',
  '*.displayName',
  '*.totp',
  '*.secret',
];

/** Requests are logged by method, path and id only: query strings can carry identifiers. */
const serializers = {
  req: (req: { id?: string; method?: string; url?: string }) => ({ id: req.id, method: req.method, path: req.url?.split('?')[0] }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/**
 * `secrets`: strings that must never reach a log line whatever field they hide in (the
 * configuration's secrets, see `configSecrets`); each is replaced as written, and as JSON-escaped.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, secrets: string[] = []): Logger {
  const needles = [...new Set(secrets.flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  // pino replaces its default hooks with whatever key is given, even undefined: only set one when needed.
  const hooks = needles.length === 0 ? {} : { hooks: { streamWrite: (line: string) => needles.reduce((out, needle) => out.split(needle).join('[redacted]'), line) } };
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined, serializers, ...hooks }, destination);
}
