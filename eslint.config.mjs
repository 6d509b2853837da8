// ESLint for the whole tree (`npm run lint`, run by .ci/run after the tests). Two jobs: catch promises
// nobody awaits (type-aware, so it reads tsconfig.test.json, which covers src, test and bench), and keep
// src/workflows/** inside what the Temporal workflow sandbox can replay: no Node built-ins or I/O
// clients, only type imports from activities, no non-deterministic globals. Math.random and Date are
// fine there: the sandbox replaces them with deterministic, history-seeded versions.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

/** Imports a workflow may not take by value: they do I/O or only exist outside the sandbox. */
const workflowForbiddenImports = {
  paths: [
    ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins do not exist in the workflow sandbox; do it in an activity.' })),
    ...['dockerode', 'pg', 'nats'].map((name) => ({ name, message: 'I/O clients belong in activities, not in workflow code.' })),
    ...['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'].map((name) => ({
      name,
      message: 'Workflow code may import only @temporalio/workflow (and @temporalio/common) by value.',
    })),
  ],
  patterns: [
    { group: ['node:*'], message: 'Node built-ins do not exist in the workflow sandbox; do it in an activity.' },
    {
      regex: '^(\\.\\./)+activities(/|$)',
      allowTypeImports: true,
      message: 'Workflows import only types from src/activities (`import type`); call activities through the proxies in ./activities.',
    },
  ],
};

/** Globals that break replay or do not exist in the sandbox. */
const workflowForbiddenGlobals = [
  ...['process', 'require', 'module', '__dirname', '__filename', 'Buffer', 'global'].map((name) => ({
    name,
    message: 'Not available in the workflow sandbox.',
  })),
  ...['crypto', 'performance'].map((name) => ({
    name,
    message: 'Non-deterministic on replay; use uuid4() from @temporalio/workflow, or workflow time (Date.now()).',
  })),
  ...['WeakRef', 'FinalizationRegistry'].map((name) => ({ name, message: 'Garbage-collection timing is not replayable.' })),
  ...['setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'queueMicrotask'].map((name) => ({
    name,
    message: 'Use sleep() or condition() from @temporalio/workflow: timers must be in the history.',
  })),
  { name: 'fetch', message: 'I/O belongs in activities.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.bench-dist/**', '.faultline/**', 'artifacts/**', 'coverage/**', 'infra/images/*/.build/**'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      // `catch {}` and `() => {}` as deliberate no-ops are common and readable here.
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', workflowForbiddenImports],
      'no-restricted-globals': ['error', ...workflowForbiddenGlobals],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
