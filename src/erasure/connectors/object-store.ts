import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import type { FileEntry, StoreSpec } from '../../domain/erasure-datamap.ts';
import type { ItemStep } from '../../domain/erasure-plan.ts';
import { needlesInText } from '../../domain/erasure-scan.ts';
import { escapePathGlob, fillTemplate, hasPlaceholder, wildTemplate } from '../../domain/erasure-templates.ts';
import { pathShape, type DescribedItems } from '../../domain/datamap-draft-items.ts';
import { requiredIdentityValue, type ParamValues } from '../params.ts';
import type { ItemScan, ItemStoreConnector, StoreProbe } from './connector.ts';
import { StoreError } from './mysql.ts';
import { fileObjects } from './file-objects.ts';

/**
 * What the file-store connector needs of a place that keeps files, so that the same path
 * templates, markers and scans serve a folder (`file://`, `./file-objects.ts`) and — the extension
 * point — an S3-compatible bucket: an `s3:` ObjectStore would list with ListObjectsV2 (prefix =
 * the template's literal base), read with GetObject (a byte range up to `maxBytes`), remove with
 * DeleteObject (a missing key is not an error, as here) and keep markers as small objects under
 * `MARKER_PREFIX`; register it in `OBJECT_STORES` below and in `ITEM_SCHEMES` of `./connector.ts`.
 * Paths are relative to the store's root, separated by `/`.
 */
export interface ObjectStore {
  /** Every object whose path starts with `prefix` (a folder, `''` for all), in pages, markers left out. */
  list(prefix: string, limit?: number): AsyncIterable<string[]>;
  /** The object's bytes, or null when it is gone or larger than `maxBytes`. */
  read(path: string, maxBytes: number): Promise<Buffer | null>;
  /** Removes the object; false when it was already gone. */
  remove(path: string): Promise<boolean>;
  readMarker(name: string): Promise<string | null>;
  /** Replaces a marker atomically (write, then rename). */
  writeMarker(name: string, text: string): Promise<void>;
  /** Reachable, readable and writable. Never throws. */
  probe(): Promise<StoreProbe>;
}

/** Markers live in the store, next to the data they count (as a SQL store keeps its marker table). */
export const MARKER_PREFIX = '.adieu-erasure-markers';
const MAX_BYTES = 64 * 1024 * 1024;

const OBJECT_STORES: Record<string, (url: string) => ObjectStore> = {
  'file:': fileObjects,
};

interface Marker {
  /** sha256 of each path the step found for the subject, so a resumed step counts each file once (never the paths themselves). */
  planned: string[];
  done: boolean;
}

const hashPath = (path: string) => createHash('sha256').update(path).digest('hex');

/** A failure of the store, worded with the system's code only (paths can name people). */
function storeError(store: string, scheme: string, error: unknown): StoreError {
  const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'unknown';
  if (code === 'ENOENT') return new StoreError(`store ${store} (${scheme}) is unreachable: its folder does not exist (ENOENT)`);
  if (code === 'EACCES' || code === 'EPERM') return new StoreError(`store ${store} (${scheme}) refused access (${code})`);
  return new StoreError(`store ${store} (${scheme}) failed: ${code}`);
}

/** The literal folder a glob starts in, and a matcher of the whole relative path. */
function matcherOf(glob: string): { base: string; test: (path: string) => boolean } {
  const scanned = picomatch.scan(glob);
  const base = scanned.isGlob ? scanned.base : glob;
  return { base, test: picomatch(glob, { dot: true }) };
}

export function fileStoreConnector(store: StoreSpec, url: string): ItemStoreConnector {
  const name = store.store;
  const scheme = new URL(url).protocol.slice(0, -1);
  const objects = OBJECT_STORES[`${scheme}:`](url);

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw storeError(name, scheme, error);
    }
  }

  const filesOf = (step: ItemStep): FileEntry => {
    if (step.kind !== 'files') throw new Error(`store ${name} (${scheme}) holds files, not keys`);
    return step.entry;
  };

  const subjectGlob = (entry: FileEntry, values: ParamValues) => fillTemplate(entry.path, (kind) => requiredIdentityValue(kind, values), escapePathGlob);

  async function matching(glob: string): Promise<string[]> {
    const { base, test } = matcherOf(glob);
    const found: string[] = [];
    for await (const page of objects.list(base)) for (const path of page) if (test(path)) found.push(path);
    return found.sort();
  }

  return {
    scheme,
    plan: (step, values) => guarded(async () => (await matching(subjectGlob(filesOf(step), values))).length),
    execute: (step, values, marker) =>
      guarded(async () => {
        const entry = filesOf(step);
        const markerName = `${marker.runId}-${marker.seq}.json`;
        const text = await objects.readMarker(markerName);
        const prior = text ? (JSON.parse(text) as Marker) : null;
        if (prior?.done) return { rows: prior.planned.length };
        const current = await matching(subjectGlob(entry, values));
        // Recorded before anything is removed: a crash in the middle resumes with the same count.
        const planned = [...new Set([...(prior?.planned ?? []), ...current.map(hashPath)])].sort();
        await objects.writeMarker(markerName, JSON.stringify({ planned, done: false } satisfies Marker));
        for (const path of current) await objects.remove(path);
        await objects.writeMarker(markerName, JSON.stringify({ planned, done: true } satisfies Marker));
        return { rows: planned.length };
      }),
    // A file's content is not one value to look for; the identifiers and the tables' samples are.
    sample: async () => [],
    scan: (spec, needles, values, options) =>
      guarded(async () => {
        const report: ItemScan = { items: 0, hits: [] };
        if (needles.length === 0) return report;
        const seen = new Set<string>();
        for (const [entryName, entry] of Object.entries(spec.files ?? {})) {
          const mine = hasPlaceholder(entry.path) ? picomatch(subjectGlob(entry, values), { dot: true }) : null;
          const glob = options.scope === 'subject' && mine ? subjectGlob(entry, values) : wildTemplate(entry.path);
          const counts = new Map<number, number>();
          for (const path of await matching(glob)) {
            if (seen.has(path)) continue;
            seen.add(path);
            if (options.excludeSubject && entry.action === 'delete' && mine?.(path)) continue;
            const bytes = await objects.read(path, MAX_BYTES);
            if (!bytes) continue;
            report.items += 1;
            const text = `${path}\u0001${bytes.toString('utf8')}`.toLowerCase();
            for (const n of new Set(needlesInText(text, needles))) counts.set(n, (counts.get(n) ?? 0) + 1);
          }
          for (const [needle, items] of counts) report.hits.push({ entry: `files.${entryName} (${entry.path})`, needle, items });
        }
        return report;
      }),
    unmapped: (spec) =>
      guarded(async () => {
        const matchers = Object.values(spec.files ?? {}).map((e) => picomatch(wildTemplate(e.path), { dot: true }));
        const shapes = new Set<string>();
        for await (const page of objects.list('')) for (const path of page) if (!matchers.some((m) => m(path))) shapes.add(pathShape(path));
        return [...shapes].sort();
      }),
    describe: (options, progress) => guarded(() => describeObjects(objects, options, progress)),
    probe: () => objects.probe(),
  };
}

/** Lines of a small text file as values to classify (the value after `label:` as well). */
function textSamples(bytes: Buffer, limit: number): string[] {
  if (bytes.length > 64 * 1024 || bytes.includes(0)) return [];
  const out: string[] = [];
  for (const line of bytes.toString('utf8').split(/\r?\n/)) {
    const text = line.trim();
    if (!text) continue;
    out.push(text);
    const colon = /^[^:]{1,40}:\s*(.+)$/.exec(text);
    if (colon) out.push(colon[1].trim());
    if (out.length >= limit) break;
  }
  return out;
}

/** A bounded walk grouped by path shape; a few small text files' lines kept in memory per shape. */
async function describeObjects(objects: ObjectStore, options: { sample: number; match?: string }, progress?: (done: number, total: number) => void): Promise<DescribedItems> {
  const LIMIT = 10_000;
  const test = options.match ? picomatch(options.match, { dot: true }) : () => true;
  const shapes = new Map<string, { paths: string[]; count: number }>();
  let walked = 0;
  let truncated = false;
  outer: for await (const page of objects.list('', LIMIT + 1)) {
    for (const path of page) {
      if (!test(path)) continue;
      if (++walked > LIMIT) {
        truncated = true;
        break outer;
      }
      const shape = pathShape(path);
      const entry = shapes.get(shape) ?? { paths: [], count: 0 };
      entry.count += 1;
      if (entry.paths.length < options.sample) entry.paths.push(path);
      shapes.set(shape, entry);
    }
  }
  const described: DescribedItems = { kind: 'files', shapes: [], truncated };
  let done = 0;
  for (const [shape, { paths, count }] of [...shapes.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const content: string[] = [];
    for (const path of paths.slice(0, 5)) {
      const bytes = await objects.read(path, 64 * 1024);
      if (bytes) content.push(...textSamples(bytes, options.sample));
    }
    const positions = shape.split('/').flatMap((s, i) => (s.startsWith('*') ? [i] : []));
    const segments = positions.map((p) => paths.map((path) => path.split('/')[p] ?? ''));
    const dot = shape.lastIndexOf('.');
    described.shapes.push({ shape, count, type: dot > shape.lastIndexOf('/') ? shape.slice(dot + 1) : '', segments, parts: content.length ? [{ label: 'content', samples: content.slice(0, options.sample) }] : [] });
    progress?.(++done, shapes.size);
  }
  return described;
}
