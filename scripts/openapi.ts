/**
 * Development tooling around the OpenAPI document (run with tsx; see package.json):
 *   generate  writes the web UI's API types (web/src/api/schema.gen.ts) with openapi-typescript
 *   check     exits 1 when the committed types differ from what the server's document gives
 *   lint      Redocly's recommended rules; exits 1 on any error
 * The document is built with CLIENT_CONFIG: dev tools and sign-in through a platform on (the UI calls them).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/load.ts';
import { buildDocument } from '../src/app/build-openapi-document.ts';
import { CLIENT_CONFIG, clientTypes, lintOpenApi, CLIENT_TYPES_FILE } from './openapi-tools.ts';

const command = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'adieu-openapi-config-'));
writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...CLIENT_CONFIG, log: { level: 'silent' } }));
const config = loadConfig({ env: { ADIEU_CONFIG: join(dir, 'config.json') } });
rmSync(dir, { recursive: true, force: true });
const document = await buildDocument(config);
const file = fileURLToPath(CLIENT_TYPES_FILE);

if (command === 'generate') {
  writeFileSync(file, await clientTypes(document));
  process.stdout.write(`wrote ${file}\n`);
} else if (command === 'check') {
  if (readFileSync(file, 'utf8') !== (await clientTypes(document))) {
    process.stderr.write(`${file} is out of date with the server's OpenAPI document: run npm run openapi:generate\n`);
    process.exit(1);
  }
} else if (command === 'lint') {
  const problems = await lintOpenApi(document);
  for (const p of problems) process.stdout.write(`${p.severity}: ${p.ruleId}: ${p.message} (${p.location})\n`);
  const errors = problems.filter((p) => p.severity === 'error').length;
  process.stdout.write(`redocly recommended: ${errors} errors, ${problems.length - errors} warnings\n`);
  if (errors > 0) process.exit(1);
} else {
  process.stderr.write('usage: tsx scripts/openapi.ts generate|check|lint\n');
  process.exit(1);
}
