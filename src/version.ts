import { readFileSync } from 'node:fs';

// Read at run time rather than imported: the same path works from src/ (tsx) and from dist/ (the build).
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = pkg.version;
