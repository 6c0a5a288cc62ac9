import { ConfigError } from '../config/load.ts';
import { markStartup } from './startup-profile.ts';

// Node, the TypeScript loader and this module: everything before a command runs.
markStartup('boot');

const USAGE = `Usage: adieu <command> [options]

Commands:
  serve [--demo] [--no-worker] [--port N]   API, web UI and (unless --no-worker) an in-process worker
  worker                                    background jobs only
  migrate                                   apply database migrations and exit
  seed --buyers N                           seed a synthetic marketplace of N buyers
  verify-certificate FILE [--keys FILE]     verify a deletion certificate offline
  audit verify                              verify the audit log's hash chain
  erase --dry-run SUBJECT                   preview what erasing a buyer would touch
  erase --reapply --since DATE              after a restore: erase again everyone on the forget list since DATE
  secret webhook                            print a fresh Standard Webhooks secret (whsec_…)
  demo-idp [--port 4000] [--adieu-url URL]  a local OpenID Provider with the demo buyers (prints the identity.oidc config)
  doctor [--json]                           check the configuration and everything it connects to
  datamap check                             exit 1 naming every column of every store the data map misses
  datamap discover --store NAME [--out FILE] a draft data map of a configured store (SQL, Redis, files)
  openapi [--dev-tools]                     print the OpenAPI 3.1 document (JSON) without serving it
  staff add EMAIL --role reviewer|admin     create a staff account; prints a one-time set-password link
  staff list | staff remove EMAIL           list staff accounts, or take a person's staff roles away
  keys status | rewrap | rotate-signing | retire-signing KID | reconcile [--dry-run]
                                            key store operations (docs/key-management.md)
  --version                                 print the version
`;

type Command = (args: string[]) => Promise<number | void>;

const commands: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./serve.ts')).serveCommand,
  worker: async () => (await import('./worker.ts')).workerCommand,
  migrate: async () => (await import('./migrate.ts')).migrateCommand,
  audit: async () => (await import('./audit.ts')).auditCommand,
  seed: async () => (await import('./seed.ts')).seedCommand,
  erase: async () => (await import('./erase.ts')).eraseCommand,
  secret: async () => (await import('./secret.ts')).secretCommand,
  'demo-idp': async () => (await import('./demo-idp.ts')).demoIdpCommand,
  doctor: async () => (await import('./doctor.ts')).doctorCommand,
  datamap: async () => (await import('./datamap.ts')).datamapCommand,
  openapi: async () => (await import('./openapi.ts')).openapiCommand,
  staff: async () => (await import('./staff.ts')).staffCommand,
  keys: async () => (await import('./keys.ts')).keysCommand,
  'verify-certificate': async () => (await import('./verify-certificate.ts')).verifyCertificateCommand,
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${(await import('../version.ts')).VERSION}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`adieu: unknown command "${name}"\n\n${USAGE}`);
    return 1;
  }
  const code = await (await load())(rest);
  return typeof code === 'number' ? code : 0;
}

main().then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error) => {
    // A refused configuration may name several keys: one line each.
    if (error instanceof ConfigError) process.stderr.write(error.message.split('\n').map((line) => `adieu: ${line}\n`).join(''));
    else if (error?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || error?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') process.stderr.write(`adieu: ${error.message}\n`);
    else process.stderr.write(`adieu: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
