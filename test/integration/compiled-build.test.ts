import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
