import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readdirSync } from 'node:fs';

/**
 * The floors of src/ (docs/architecture.md), kept by `no-restricted-imports`. Each rule forbids a
 * folder from importing some others; a file gets the union of every rule that covers its folder.
 */
const FEATURES = ['accounts', 'identity', 'erasure', 'shop', 'eligibility', 'documents', 'cancellation', 'review', 'dev', 'demo', 'doctor', 'cli', 'app'];
const FLOOR_RULES = [
  { applies: (folder) => folder !== 'app' && folder !== 'cli', forbid: ['app'], message: 'Only the entry points import the assembly floor (src/app/): features export what they offer.' },
  { applies: (folder) => folder === 'domain', forbid: FEATURES, message: 'src/domain/ holds pure rules: it imports no feature.' },
  { applies: (folder) => folder === 'erasure', forbid: ['cancellation', 'review'], message: 'The erasure engine never imports the workflow: src/app/ wires the two together.' },
];
const srcFolders = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const floorBlocks = [...srcFolders, '.'].flatMap((folder) => {
  const rules = FLOOR_RULES.filter((r) => r.applies(folder));
  if (rules.length === 0) return [];
  const up = folder === '.' ? '\\./' : '(\\.\\./)+';
  return [
    {
      files: folder === '.' ? ['src/*.ts'] : [`src/${folder}/**/*.{ts,tsx}`],
      rules: {
        'no-restricted-imports': ['error', { patterns: rules.map((r) => ({ regex: `^${up}(${r.forbid.join('|')})/`, message: r.message })) }],
      },
    },
  ];
});

export default tseslint.config(
  { ignores: ['node_modules', 'web/dist', 'data', 'src/db/migrations', '.tmp'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config only.' }],
    },
  },
  {
    files: ['src/config/**', 'test/**', 'bench/**', 'vitest.config.ts', 'drizzle.config.ts', 'examples/**', 'src/cli/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
  ...floorBlocks,
);
