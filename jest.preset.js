// Shared Jest preset: TypeScript through SWC (decorator metadata on, for NestJS DI),
// workspace libraries resolved to their sources through the "@jsjb/source" export condition.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@jsjb/source', 'node', 'require', 'default'] },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
    // ESM-only dependencies (Node 22 runs require(esm), Jest's module system does not).
    '^.+/node_modules/(content-disposition|flatbush|flatqueue)/.+\\.js$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|flatbush|flatqueue)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.spec.ts'],
  clearMocks: true,
  // Integration tests wait on real PostgreSQL, Redis and Kafka: 5 s is too short on a busy 2-core CI
  // machine (a test that waits on a condition still fails with its own, shorter, waitFor timeout).
  testTimeout: 30_000,
  reporters: ['default', require.resolve('./tools/jest/results-reporter.cjs')],
};
