/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'sla', rootDir: __dirname };
