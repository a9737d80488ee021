import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Node built-ins cannot run in the Temporal workflow sandbox, so workflow files may not import them.
const nodeBuiltins = [
  'fs', 'fs/promises', 'path', 'os', 'child_process', 'net', 'tls', 'http', 'https', 'http2',
  'crypto', 'dns', 'stream', 'zlib', 'worker_threads', 'cluster', 'process', 'events', 'timers',
  'readline', 'dgram', 'v8', 'vm', 'perf_hooks', 'async_hooks', 'module', 'buffer',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', 'test-artifacts/**', '.data/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((name) => [name, `node:${name}`]).map((name) => ({
          name,
          message: 'Workflow code runs in the Temporal sandbox: move I/O into an activity.',
        })),
      }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.cjs', 'jest.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
