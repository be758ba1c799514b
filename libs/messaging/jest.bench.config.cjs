/** Benchmarks: `npm run bench:messaging` (never part of `npm test`). */
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'messaging-bench',
  rootDir: __dirname,
  testMatch: ['**/bench/**/*.bench.ts'],
  testTimeout: 600_000,
  reporters: ['default'],
};
