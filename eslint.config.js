// Lint for the whole monorepo (flat config; `npm run lint` runs `eslint .`).
//
// TypeScript is linted with type information: one project service reads tsconfig.json, so every
// .ts file that eslint sees must be listed in its `include` (a file outside it is reported, not
// silently linted without types). Plain JavaScript (this file, the CLI launcher, tool configs) gets
// eslint's recommended rules only.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The few Node globals our plain .js/.cjs files use (the `globals` package is not a dependency).
const nodeGlobals = {
  console: 'readonly',
  process: 'readonly',
  URL: 'readonly',
  Buffer: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
};

export default defineConfig(
  {
    ignores: [
      '**/node_modules/',
      '**/coverage/',
      '**/.tmp/',
      'data/',
      'bench/results/',
      'bench/scratch/',
      'packages/*/src/generated/',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
  {
    // the video consultation's browser client (no build step): browser globals only
    files: ['packages/server/src/video/client/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'navigator', 'location', 'console', 'WebSocket', 'RTCPeerConnection', 'MediaStream', 'AudioContext', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'DOMParser', 'FormData', 'URLSearchParams'].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, module: 'writable', require: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // verbatimModuleSyntax is on, so a type must be imported as a type; both
      // `import type { A }` and `import { b, type A }` are accepted.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      // Closed sets are `as const` unions: adding a member must make every switch over it fail to lint.
      // A `default` does not count as covering the union's members.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // The store's SQLite driver implements an async interface over a synchronous library: an `async`
      // method without `await` is the honest way to do that (a throw becomes a rejection), not a slip.
      '@typescript-eslint/require-await': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
);
