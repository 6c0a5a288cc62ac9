import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { buildDocument } from '../app/build-openapi-document.ts';

/** `adieu openapi [--dev-tools]`: prints this configuration's OpenAPI document (JSON) without serving it. */
export async function openapiCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { 'dev-tools': { type: 'boolean' } }, strict: true });
  const config = loadConfig();
  // Documenting the dev tools is harmless anywhere: nothing is served.
  const document = await buildDocument({ ...config, devTools: config.devTools || values['dev-tools'] === true });
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  return 0;
}
