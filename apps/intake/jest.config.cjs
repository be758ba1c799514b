/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'intake', rootDir: __dirname };
