/** Benchmarks: `npm run bench:sla` (never part of `npm test`); `BENCH=timers npm run bench:sla` runs one. */
/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'sla-bench',
  rootDir: __dirname,
  testMatch: [`**/bench/**/${process.env['BENCH'] ?? '*'}.bench.ts`],
  testTimeout: 1_800_000,
  reporters: ['default'],
};
