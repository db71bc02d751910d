// ESLint flat config (`npm run lint`). Formatting is prettier's job (`npm run format:check`), layering is
// dependency-cruiser's (`npm run check:layers`); this file is about code that is likely wrong.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The Node globals the plain .mjs scripts use (TypeScript files get theirs from @types/node). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'URL',
    'URLSearchParams',
    'TextDecoder',
    'TextEncoder',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** Output and exit belong to the CLI: nothing below src/cli writes to the terminal or ends the process (see src/errors.ts). */
const terminalOnlyInCli = [
  { object: 'process', property: 'exit', message: 'Only src/cli ends the process: throw a DeployBisectError (src/errors.ts) instead.' },
  { object: 'process', property: 'stdout', message: 'Only src/cli writes to the terminal: return the text or emit an event instead.' },
  { object: 'process', property: 'stderr', message: 'Only src/cli writes to the terminal: return the text or emit an event instead.' },
];

export default defineConfig([
  globalIgnores(['dist/', 'coverage/', '.engine/', 'node_modules/']),

  // Everything: eslint's and typescript-eslint's recommended sets (syntax-only rules).
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }], // `x == null` (null or undefined) stays allowed
      // Off: every regex with control characters here matches them on purpose (git path quoting, terminal escapes).
      'no-control-regex': 'off',
    },
  },

  // TypeScript files: type-aware rules for the bugs an async CLI actually has (a promise nobody awaits or
  // catches, an async callback where a sync one is expected, `return promise` inside try that skips the catch).
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/only-throw-error': 'error',
    },
  },

  // The library and everything below the CLI: no terminal output, no process.exit.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': ['error', ...terminalOnlyInCli],
    },
  },

  // Tests: relaxed where tests legitimately differ (casts, stubs); floating promises stay errors
  // (an un-awaited `expect(...).rejects` is a test that cannot fail).
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-empty-function': 'off',
    },
  },

  // Plain JavaScript (scripts/*.mjs, this file): no type information, Node globals.
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
]);
