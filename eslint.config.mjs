// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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

/** Source folders (DESIGN.md §2 layers) and the top-level modules of src. */
const LAYERS = ['api', 'services', 'domain', 'db', 'temporal', 'workflows', 'activities', 'worker', 'platforms', 'runtime'];
const ROOT_MODULES = ['cli', 'config', 'errors', 'logger', 'metrics', 'service-process'];

/**
 * A pattern matching relative imports of a src folder from anywhere in src (`../db/knex`,
 * `../../platforms/types`, `./api/app`); package names (`@temporalio/worker`) never match.
 */
const layer = (name, except = '') => `^(\\.{1,2}/)+${name}(/${except}|$)`;

/** Imports of `forbidden` layers refused, with `rule` (DESIGN.md §2) as the message; importing the API never allowed. */
function layerRule(rule, forbidden, extra = []) {
  return {
    patterns: [
      { regex: layer('api'), message: 'Nothing imports the API layer.' },
      ...forbidden
        .filter((name) => name !== 'api')
        .map((name) => ({ regex: layer(name), message: `${rule} (DESIGN.md §2).` })),
      ...extra,
    ],
  };
}

/** api and services may use workflows' shared definitions (names, message and input types), never workflow code. */
const workflowsBeyondShared = {
  regex: layer('workflows', '(?!(?:[\\w-]+\\.)?shared$)'),
  message: "Only workflows' shared definitions (workflows/shared, workflows/*.shared) may be imported here, never workflow code.",
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.autohub/**', 'coverage/**', 'web/dist/**', 'web/src/api/schema.d.ts', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The dashboard runs in a browser: its globals, and the rules of React's hooks.
  {
    files: ['web/**/*.{ts,tsx,mts}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      // The browser shares only the API's pure domain modules (they import nothing but each other).
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+src/(?!domain/)', message: 'The dashboard imports only src/domain of the API.' }] }],
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
  // Import directions, DESIGN.md §2, one block per folder. Composition roots (cli, runtime) wire everything in.
  {
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...['worker', 'activities', 'platforms', 'runtime'].map((name) => ({
              regex: layer(name),
              message: 'The API imports only services, domain, db, the Temporal client and workflows/shared (DESIGN.md §2).',
            })),
            workflowsBeyondShared,
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        layerRule('Services import only domain, db and the Temporal client', ['worker', 'activities', 'platforms', 'runtime'], [
          workflowsBeyondShared,
        ]),
      ],
    },
  },
  {
    files: ['src/worker/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', layerRule('The worker imports workflows, activities, platforms and what they need, not the roles above it', ['runtime'])] },
  },
  {
    files: ['src/activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        layerRule('Activities import only services, domain, db and platforms', ['worker', 'runtime'], [workflowsBeyondShared]),
      ],
    },
  },
  {
    files: ['src/platforms/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        layerRule('Platforms import only domain (the port); their stores are injected', [
          'services',
          'db',
          'temporal',
          'workflows',
          'activities',
          'worker',
          'runtime',
        ]),
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        layerRule(
          'Domain modules import only domain: they are pure',
          LAYERS.filter((name) => name !== 'domain'),
          ROOT_MODULES.map((name) => ({ regex: `^\\.\\./${name}$`, message: 'Domain modules import only domain: they are pure.' })),
        ),
      ],
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        layerRule("Data access imports only domain and the platforms' store interfaces", [
          'services',
          'temporal',
          'workflows',
          'activities',
          'worker',
          'runtime',
        ]),
      ],
    },
  },
  {
    files: ['src/temporal/**/*.ts', 'src/*.ts'],
    ignores: ['src/cli.ts'],
    rules: { 'no-restricted-imports': ['error', layerRule('Nothing imports the API layer', [])] },
  },
);
