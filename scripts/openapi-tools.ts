import openapiTS, { astToString } from 'openapi-typescript';
import { createConfig, lintFromString } from '@redocly/openapi-core';

/**
 * The configuration the web UI's client is generated from: dev tools and both ways of
 * bring-your-own identity on, so every route the UI may call is in the document (routes are only
 * registered when configured; the addresses are never contacted).
 */
export const CLIENT_CONFIG = {
  devTools: true,
  identity: {
    local: true,
    oidc: { issuer: 'https://idp.example.org', clientId: 'adieu' },
    handoff: { issuer: 'https://platform.example.org', audience: 'adieu', jwksUrl: 'https://platform.example.org/jwks.json' },
  },
};

/** The web UI's generated API types. */
export const CLIENT_TYPES_FILE = new URL('../web/src/api/schema.gen.ts', import.meta.url);

const HEADER = `/**
 * GENERATED from the server's OpenAPI document by openapi-typescript: do not edit.
 * Regenerate with \`npm run openapi:generate\`; a test fails while this file is out of date.
 */

`;

/** TypeScript types (`paths`, `components`, `operations`) of an OpenAPI document. */
export async function clientTypes(document: Record<string, unknown>): Promise<string> {
  return HEADER + astToString(await openapiTS(document as never, { alphabetize: true }));
}

export interface LintProblem {
  severity: 'error' | 'warn';
  ruleId: string;
  message: string;
  location: string;
}

/** Redocly's `recommended` ruleset over a document, as `redocly lint` runs it. */
export async function lintOpenApi(document: Record<string, unknown>): Promise<LintProblem[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
  return problems.map((p) => ({ severity: p.severity as 'error' | 'warn', ruleId: p.ruleId, message: p.message, location: p.location.map((l) => l.pointer).join(' ') }));
}
