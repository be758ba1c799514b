/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'messaging',
  rootDir: __dirname,
  // Integration tests run consumers that join groups, leave and rejoin against a broker.
  testTimeout: 60_000,
};
