// `npm run build`: the server as a few bundled files (dist/cli/), not one file per source module.
// Each of ~330 modules cost a resolution, a file read and a compilation at every start; bundled,
// a restart reads a handful. Libraries stay in node_modules (external), loaded as they are.
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
// Another folder beside dist/ may be given (the bundle's test builds one).
const DIST = fileURLToPath(new URL(`../${process.argv[2] ?? 'dist'}/`, import.meta.url));

/**
 * A module finds files beside itself through `import.meta.url` (migrations, message texts, the
 * HEIC worker, web/dist), copied to dist/ at their source's place (copy-build-assets.mjs). In a
 * bundle every module shares its chunk's URL, so each module's own is put back: its place in
 * dist/, reached from the chunk, which is always in dist/cli/.
 */
const ownUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const own = relative(SRC, args.path).replace(/\.ts$/, '.js');
      return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(`../${own}`)}, import.meta.url).href`), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  outdir: DIST,
  chunkNames: 'cli/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [ownUrl],
});
