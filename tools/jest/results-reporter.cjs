// Jest reporter: writes each project's totals to dist/test-results/<project>.json so that
// `npm test` can close with one plain "N passed, N failed, N skipped" line for all projects.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    let dir = this.rootDir;
    while (!fs.existsSync(path.join(dir, 'nx.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const out = path.join(dir, 'dist', 'test-results');
    fs.mkdirSync(out, { recursive: true });
    const name = path.relative(dir, this.rootDir).replace(/[\\/]/g, '-') || 'root';
    fs.writeFileSync(
      path.join(out, `${name}.json`),
      JSON.stringify({
        project: name,
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests + results.numTodoTests,
        suitesFailed: results.numFailedTestSuites + results.numRuntimeErrorTestSuites,
      }) + '\n',
    );
  }
}

module.exports = ResultsReporter;
