/** Benchmarks: `npm run bench:intake` (never part of `npm test`). */
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'intake-bench',
  rootDir: __dirname,
  testMatch: ['**/bench/**/*.bench.ts'],
  testTimeout: 600_000,
  reporters: ['default'],
};
