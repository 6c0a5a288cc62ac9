import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { needlesInText, type Needle } from '../domain/erasure-scan.ts';

/**
 * Folders of the data directory the scan does not read: the embedded database and the keys (not
 * files the service wrote about people), and the identity documents, which are ciphertext under
 * keys of their own (a needle can never appear in them; the erasure destroys the subject's files
 * and keys, and reading every buyer's documents would cost each erasure the whole folder).
 */
const SKIPPED = new Set(['db', 'keys', 'documents']);
const MAX_BYTES = 64 * 1024 * 1024;

export interface FileScan {
  files: number;
  hits: Array<{ file: string; needle: number }>;
}

function* walk(dir: string, root: string): Generator<string> {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (dir === root && SKIPPED.has(name)) continue;
    let stat;
    try {
      stat = statSync(path);
    } catch {
      continue;
    }
    if (stat.isDirectory()) yield* walk(path, root);
    else if (stat.isFile() && stat.size <= MAX_BYTES) yield path;
  }
}

/**
 * Scans every file under the data directory (uploads, dev mailbox, anything else written there)
 * for the needles. `skipMailTo` leaves out the subject's own mailbox messages (used at the start,
 * to learn which values other people's files share).
 */
export function scanFiles(dataDir: string, needles: Needle[], options: { skipMailTo?: string[] } = {}): FileScan {
  const skip = new Set((options.skipMailTo ?? []).map((r) => r.toLowerCase()));
  const result: FileScan = { files: 0, hits: [] };
  if (needles.length === 0) return result;
  for (const path of walk(dataDir, dataDir)) {
    let text: string;
    try {
      text = readFileSync(path).toString('utf8').toLowerCase();
    } catch {
      continue;
    }
    result.files += 1;
    if (skip.size > 0 && path.endsWith('.json')) {
      try {
        const to = (JSON.parse(text) as { to?: string }).to;
        if (to && skip.has(to.toLowerCase())) continue;
      } catch {
        // not a mailbox message: scan it
      }
    }
    for (const needle of needlesInText(text, needles)) result.hits.push({ file: relative(dataDir, path), needle });
  }
  return result;
}
