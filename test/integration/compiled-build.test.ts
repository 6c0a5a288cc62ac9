import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TMP_ROOT } from '../helpers/global-setup.ts';

/**
 * bin/compiled-build.js finds src/ and dist/ next to its own folder, so a copy of it in a
 * temporary checkout judges that checkout's files.
 */
describe('whether the compiled build may run', () => {
  let root: string;
  let compiledBuildIsFresh: () => boolean;
  const STARTED = 1_000_000;
  const file = (path: string, seconds: number) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), seconds, seconds);
  };

  beforeAll(async () => {
    root = mkdtempSync(join(TMP_ROOT, 'compiled-build-'));
    mkdirSync(join(root, 'bin'));
    copyFileSync('bin/compiled-build.js', join(root, 'bin', 'compiled-build.js'));
    ({ compiledBuildIsFresh } = await import(pathToFileURL(join(root, 'bin', 'compiled-build.js')).href));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    rmSync(join(root, 'src'), { recursive: true, force: true });
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    // A finished build of sources that were last changed before it started.
    file('src/cli/main.ts', STARTED - 10);
    file('src/web/assets/logo.svg', STARTED - 10);
    file('dist/.build-started', STARTED);
    file('dist/cli/main.js', STARTED + 5);
    file('dist/.build-complete', STARTED + 10);
  });

  it('runs a finished build that no source changed since', () => {
    expect(compiledBuildIsFresh()).toBe(true);
  });

  it('not once a source file, however deep, changed after the build started', () => {
    file('src/web/assets/logo.svg', STARTED + 1);
    expect(compiledBuildIsFresh()).toBe(false);
  });

  it('not a build that did not finish', () => {
    rmSync(join(root, 'dist', '.build-complete'));
    expect(compiledBuildIsFresh()).toBe(false);
  });

  it('not a build without its entry point', () => {
    rmSync(join(root, 'dist', 'cli', 'main.js'));
    expect(compiledBuildIsFresh()).toBe(false);
  });

  it('runs a finished build when there are no sources (a deployment of dist/ alone)', () => {
    rmSync(join(root, 'src'), { recursive: true });
    expect(compiledBuildIsFresh()).toBe(true);
  });
});

/**
 * The build bundles the server into dist/cli/ (scripts/bundle.mjs), where every module shares its
 * chunk's URL; the modules that find files beside themselves (migrations, message texts, the
 * template, package.json) must still find them. Built here into another folder beside dist/.
 */
describe('the bundled build', () => {
  const out = `.dist-test-${process.pid}`;
  let dataDir: string;
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const env: NodeJS.ProcessEnv = { ...process.env, ADIEU_DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'test' };
      for (const name of ['DATABASE_URL', 'ADIEU_CONFIG', 'ADIEU_KEYSTORE_URL']) delete env[name];
      const child = spawn(process.execPath, [join(out, 'cli', 'main.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(() => {
    dataDir = mkdtempSync(join(TMP_ROOT, 'bundled-build-'));
    execFileSync(process.execPath, ['scripts/bundle.mjs', out]);
    execFileSync(process.execPath, ['scripts/copy-build-assets.mjs', out]);
  }, 60_000);
  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is a few files, not one per source module', () => {
    const scripts = readdirSync(join(out, 'cli')).filter((name) => name.endsWith('.js'));
    expect(scripts).toContain('main.js');
    expect(existsSync(join(out, 'app', 'build-app.js'))).toBe(false);
  });

  it('runs: its version from package.json, its migrations and message texts from beside the sources', { timeout: 120_000 }, async () => {
    const version = await run(['--version']);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const migrate = await run(['migrate']);
    expect(migrate.stderr).toBe('');
    expect(migrate.code).toBe(0);
    // Every route module, the message catalogs read when they load included.
    const openapi = await run(['openapi']);
    expect(openapi.code).toBe(0);
    expect(JSON.parse(openapi.stdout).openapi).toMatch(/^3\.1/);
  });
});
