/**
 * jose, imported by its first use (a signature, a token to check) instead of by every start: no
 * start needs it, and loading it was about 20 ms of a server's start-up. ESM only, so callers
 * await it; types come from a plain `import type`.
 */
export const loadJose = () => import('jose');
