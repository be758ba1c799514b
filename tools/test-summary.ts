// Closes `npm test` with one plain line over every project's Jest totals:
// "Tests: N passed, N failed, N skipped". `--reset` clears the totals of an earlier run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from './dev/workspace.ts';

interface Totals {
  project: string;
  passed: number;
  failed: number;
  skipped: number;
  suitesFailed: number;
}

const dir = join(findWorkspaceRoot(), 'dist', 'test-results');
if (process.argv.includes('--reset')) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
} else {
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const all = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Totals);
  const sum = (key: 'passed' | 'failed' | 'skipped' | 'suitesFailed'): number =>
    all.reduce((n, t) => n + t[key], 0);
  for (const t of all.sort((a, b) => a.project.localeCompare(b.project))) {
    process.stdout.write(
      `  ${t.project.padEnd(16)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`,
    );
  }
  process.stdout.write(
    `Tests: ${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped\n`,
  );
  if (all.length === 0 || sum('failed') > 0 || sum('suitesFailed') > 0) process.exitCode = 1;
}
