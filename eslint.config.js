// Lint rules that protect the architecture, not taste: promises must be awaited, and workflow code
// must stay deterministic (no Node built-ins, no I/O clients, no activity implementations).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code is replayed deterministically inside Temporal's sandbox.
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Workflow code must not use Node built-ins: it runs in a deterministic sandbox.' })),
            ...['pg', 'kysely', 'hono', '@hono/node-server', 'pino', 'prom-client', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map((name) => ({
              name,
              message: 'Workflow code must not do I/O: call an activity instead.',
            })),
          ],
          patterns: [
            {
              group: ['**/activities/**', '**/activities', '**/db/**', '**/jumpseller/**', '**/relbase/**', '**/api/**', '**/config', '**/config.js'],
              allowTypeImports: true,
              message: 'Workflows may only import activity, client and config types (import type), never implementations.',
            },
          ],
        },
      ],
    },
  },
  {
    // Activity proxies come from activity-proxies.ts, typed with their queue's activities.
    files: ['src/workflows/**/*.ts'],
    ignores: ['src/workflows/activity-proxies.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='proxyActivities']",
          message: 'Take activity proxies from activity-proxies.ts (databaseActivities, jumpsellerActivities, relbaseActivities): each is typed with its queue’s activities.',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
