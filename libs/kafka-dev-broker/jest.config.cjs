/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'kafka-dev-broker', rootDir: __dirname };
