import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JSONWebKeySet } from 'jose';
import { loadConfig } from '../config/load.ts';
import { openConfiguredKeyStore } from '../keys/open-key-store.ts';
import { certificateJwks } from '../erasure/certificate-keys.ts';
import { verifyCertificate } from '../erasure/certificate-verify.ts';

const USAGE = 'Usage: adieu verify-certificate FILE [--keys JWKS_FILE]\n  FILE: the compact JWS, or the JSON of /api/certificates/:id ("-" reads standard input)\n  --keys: the JWKS of /.well-known/adieu/certificate-keys; without it, this installation\'s own key\n';

/** Offline check of a deletion certificate. Exit 0 valid, 1 invalid. */
export async function verifyCertificateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { keys: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) {
    process.stderr.write(USAGE);
    return 1;
  }
  let text: string;
  try {
    text = readFileSync(positionals[0] === '-' ? 0 : positionals[0], 'utf8');
  } catch {
    process.stderr.write(`adieu: cannot read ${positionals[0]}\n`);
    return 1;
  }
  let jwks: JSONWebKeySet;
  if (values.keys) {
    try {
      jwks = JSON.parse(readFileSync(values.keys, 'utf8')) as JSONWebKeySet;
      if (!Array.isArray(jwks.keys)) throw new Error('no keys');
    } catch {
      process.stderr.write(`adieu: ${values.keys} is not a JWKS ({ "keys": [...] })\n`);
      return 1;
    }
  } else {
    const config = loadConfig({});
    const keys = openConfiguredKeyStore(config);
    try {
      jwks = (await certificateJwks(keys)) as JSONWebKeySet;
    } finally {
      await keys.close();
    }
  }
  const verdict = await verifyCertificate(text, jwks);
  if (!verdict.valid) {
    process.stdout.write(`INVALID: ${verdict.reason}\n`);
    return 1;
  }
  const p = verdict.payload as { id?: string; subject?: string; issuedAt?: string; requestId?: string };
  process.stdout.write(`VALID: certificate ${p.id} for subject ${p.subject} (request ${p.requestId}), issued ${p.issuedAt}, signed with key ${verdict.kid}\n`);
  return 0;
}
