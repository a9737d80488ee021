/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Options inline, not in .swcrc, so the worker's own swc-loader bundling of workflow code is unaffected.
  transform: {
    '^.+\\.ts$': ['@swc/jest', {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    }],
  },
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  // Server-backed tests start Temporal servers, workers and HTTP servers; two cores fit two files at once.
  maxWorkers: 2,
  testTimeout: 60_000,
};
