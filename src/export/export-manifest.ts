import { createHash } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { KeyStore } from '../keys/key-store.ts';
import { loadJose } from '../keys/load-jose.ts';
import { signingKey } from '../erasure/certificate-keys.ts';

/** `manifest.json` of an export (API.md "Data export"). */
export interface ExportManifest {
  /** The buyer's pseudonymous subject id, as on the deletion certificate. */
  subject: string;
  generatedAt: string;
  /** sha256 of the data map files the export was read along. */
  datamapVersion: string;
  files: Array<{ path: string; rows: number; sha256: string }>;
}

export const MANIFEST_JWS_TYPE = 'adieu-data-export-manifest+jws';

/**
 * Signs the manifest's exact bytes like a deletion certificate: compact JWS, EdDSA with the
 * certificate key, `kid` in the header, so `/.well-known/adieu/certificate-keys` verifies it.
 */
export async function signManifest(keys: KeyStore, manifestBytes: Buffer): Promise<string> {
  const key = await signingKey(keys);
  const { CompactSign } = await loadJose();
  return new CompactSign(manifestBytes).setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: MANIFEST_JWS_TYPE }).sign(key.privateKey);
}

export type BundleVerdict = { valid: true; manifest: ExportManifest } | { valid: false; reason: string };

/**
 * Verifies an unpacked export: the JWS under the public keys, the signed manifest equal to
 * `manifest.json`, and every listed file present with its hash. A changed file fails.
 */
export async function verifyExportBundle(files: Map<string, Buffer>, jwks: JSONWebKeySet): Promise<BundleVerdict> {
  const jws = files.get('manifest.jws');
  const manifestJson = files.get('manifest.json');
  if (!jws || !manifestJson) return { valid: false, reason: 'manifest.json or manifest.jws is missing' };
  const { compactVerify, createLocalJWKSet } = await loadJose();
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(jws.toString('utf8').trim(), createLocalJWKSet(jwks), { algorithms: ['EdDSA'] }));
  } catch {
    return { valid: false, reason: 'the signature does not verify with these keys' };
  }
  if (!Buffer.from(payload).equals(manifestJson)) return { valid: false, reason: 'manifest.json differs from the signed manifest' };
  const manifest = JSON.parse(manifestJson.toString('utf8')) as ExportManifest;
  for (const file of manifest.files) {
    const bytes = files.get(file.path);
    if (!bytes) return { valid: false, reason: `${file.path} is missing` };
    if (createHash('sha256').update(bytes).digest('hex') !== file.sha256) return { valid: false, reason: `${file.path} was changed` };
  }
  return { valid: true, manifest };
}
