// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Workflow code is replayed deterministically: no Node built-ins, database, platforms or platform SDKs. */
const workflowRestrictions = {
  patterns: [
    { group: ['node:*'], message: 'Workflows must not use Node built-ins.' },
    { group: ['**/db', '**/db/**', 'knex', 'pg'], message: 'Workflows must not touch the database; use an activity.' },
    { group: ['**/platforms', '**/platforms/**'], message: 'Workflows must not touch platforms; use an activity.' },
    { group: ['telegram', 'telegram/**', '@whiskeysockets/*'], message: 'Workflows must not import platform SDKs.' },
    { group: ['**/api', '**/api/**', '**/worker', '**/worker/**'], message: 'Workflows import only domain code and activity types.' },
  ],
  paths: ['fs', 'path', 'crypto', 'http', 'https', 'net', 'os', 'child_process', 'events', 'stream', 'util', 'worker_threads'].map(
    (name) => ({ name, message: 'Workflows must not use Node built-ins.' }),
  ),
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.autohub/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', workflowRestrictions],
      // Workflows see activities only as types, through proxyActivities.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
    },
  },
  {
    // Composition roots (cli, runtime) wire the API in; workflows have their own stricter rule above.
    files: ['src/**/*.ts'],
    ignores: ['src/api/**', 'src/workflows/**', 'src/runtime/**', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/api', '**/api/**', '../api/*'], message: 'Nothing imports the API layer.' }] },
      ],
    },
  },
);
