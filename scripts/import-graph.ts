/**
 * The import graph of `src/`, counted by folder: `tsx scripts/import-graph.ts` prints it and exits 1
 * when the house is knotted again (part of `npm test`). It fails on
 *   - any import circle between folders of `src/` (a file directly in `src/` counts as its own folder),
 *   - more than MAX_UPWARD imports that run from a lower floor up to a higher one,
 *   - any import from the erasure engine into the cancellation workflow or review.
 * The floors are written down in docs/architecture.md; `--verbose` lists every upward import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const MAX_UPWARD = 17;

/** Floors, lowest first. A folder may import its own floor and the floors below it. */
export const FLOORS: ReadonlyArray<{ name: string; folders: readonly string[] }> = [
  { name: 'base', folders: ['domain', 'i18n', 'config', 'concurrency', 'webhooks', 'errors.ts', 'ids.ts', 'logger.ts', 'version.ts', 'lazy-module.ts'] },
  { name: 'platform', folders: ['db', 'clock', 'keys', 'jobs', 'http', 'notify', 'audit', 'metrics', 'context.ts'] },
  { name: 'accounts', folders: ['accounts', 'identity'] },
  { name: 'engine', folders: ['erasure', 'shop'] },
  { name: 'workflow', folders: ['eligibility', 'documents', 'cancellation', 'review'] },
  { name: 'access', folders: ['export'] },
  { name: 'assembly', folders: ['app', 'cli', 'dev', 'demo', 'doctor'] },
];

/** Imports that must never exist, whatever the floors say. */
export const FORBIDDEN: ReadonlyArray<{ from: string; to: readonly string[] }> = [{ from: 'erasure', to: ['cancellation', 'review'] }];

/**
 * `src/context.ts` declares the shape of the context every service receives; its `import type`
 * lines only name what it holds (the mailer, the job queue…) and are erased at build time, so they
 * are not dependencies of the platform folders that take a context.
 */
const SHAPE_ONLY = 'context.ts';

export interface ImportEdge {
  fromFile: string;
  toFile: string;
  from: string;
  to: string;
}

export interface ImportReport {
  files: number;
  edges: ImportEdge[];
  /** Folder-level strongly connected components with more than one folder. */
  circles: string[][];
  upward: ImportEdge[];
  forbidden: ImportEdge[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'migrations') out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/** The folder of `src/` a file belongs to (a file directly in `src/` is its own). */
export function folderOf(srcRelative: string): string {
  return srcRelative.split(sep)[0];
}

export function floorOf(folder: string): number {
  const floor = FLOORS.findIndex((f) => f.folders.includes(folder));
  if (floor === -1) throw new Error(`import-graph: folder src/${folder} is on no floor; add it to FLOORS and docs/architecture.md`);
  return floor;
}

/** Whether an import statement names types only (`import type …`, `export type … from`). */
function typeOnlyImports(text: string): Set<string> {
  const only = new Set<string>();
  const source = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false);
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly && ts.isStringLiteral(statement.moduleSpecifier)) only.add(statement.moduleSpecifier.text);
    if (ts.isExportDeclaration(statement) && statement.isTypeOnly && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) only.add(statement.moduleSpecifier.text);
  }
  return only;
}

export function analyseImports(srcDir = join(ROOT, 'src')): ImportReport {
  const files = sourceFiles(srcDir);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const fromFile = relative(srcDir, file);
    const from = folderOf(fromFile);
    const typeOnly = from === SHAPE_ONLY ? typeOnlyImports(text) : new Set<string>();
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imported.fileName.startsWith('.') || typeOnly.has(imported.fileName)) continue;
      const toFile = relative(srcDir, resolve(dirname(file), imported.fileName));
      if (toFile.startsWith('..')) continue;
      const to = folderOf(toFile);
      if (to !== from) edges.push({ fromFile, toFile, from, to });
    }
  }
  const upward = edges.filter((e) => floorOf(e.from) < floorOf(e.to));
  const forbidden = edges.filter((e) => FORBIDDEN.some((f) => f.from === e.from && f.to.includes(e.to)));
  return { files: files.length, edges, circles: foldersInCircles(edges), upward, forbidden };
}

/** Tarjan's strongly connected components over folders; components of one folder are not circles. */
function foldersInCircles(edges: ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, new Set());
    if (!next.has(e.to)) next.set(e.to, new Set());
    next.get(e.from)!.add(e.to);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node)!) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return components;
}

/** The edges that keep a circle closed, for the message (every import between its folders). */
function circleEdges(report: ImportReport, circle: string[]): ImportEdge[] {
  return report.edges.filter((e) => circle.includes(e.from) && circle.includes(e.to));
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  const report = analyseImports();
  const folders = new Set(report.edges.flatMap((e) => [e.from, e.to]));
  console.log(`import graph of src/: ${report.files} files, ${folders.size} folders, ${report.edges.length} imports between folders`);
  console.log(`  folders in an import circle: ${report.circles.reduce((n, c) => n + c.length, 0)}${report.circles.map((c) => ` [${c.join(' ')}]`).join('')}`);
  console.log(`  imports running up a floor: ${report.upward.length} (at most ${MAX_UPWARD})`);
  console.log(`  src/erasure imports of src/cancellation or src/review: ${report.forbidden.length}`);
  if (verbose) for (const e of report.upward) console.log(`    up: ${e.fromFile} -> ${e.toFile}`);
  const problems: string[] = [];
  for (const circle of report.circles) {
    problems.push(`import circle between ${circle.join(', ')}:\n${circleEdges(report, circle).map((e) => `    ${e.fromFile} -> ${e.toFile}`).join('\n')}`);
  }
  if (report.upward.length > MAX_UPWARD) problems.push(`${report.upward.length} imports run up a floor (at most ${MAX_UPWARD}); run with --verbose to list them`);
  for (const e of report.forbidden) problems.push(`the erasure engine must not import the workflow: ${e.fromFile} -> ${e.toFile}`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`import-graph: ${p}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
