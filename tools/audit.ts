// `npm run audit`, also the first step of `npm test`: fails on any high or critical advisory in the
// installed dependencies that audit-allowlist.json does not cover with a reviewed, unexpired entry.
// When the registry does not serve audits (an offline mirror), it says SKIPPED and passes, unless
// AUDIT_REQUIRED=true (the GitHub workflow sets it), where that is a failure too.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeAudit, parseAllowList } from './audit/audit.ts';
import { findWorkspaceRoot } from './dev/workspace.ts';

const root = findWorkspaceRoot();
const required = process.env['AUDIT_REQUIRED'] === 'true';
const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const run = spawnSync('npm', ['audit', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
let report: {
  error?: { summary?: string; code?: string };
  message?: string;
  vulnerabilities?: Record<string, never>;
};
try {
  report = JSON.parse(run.stdout) as typeof report;
} catch {
  report = {
    error: { summary: (run.stderr || run.error?.message || 'no output').trim().split('\n')[0] ?? '' },
  };
}
if (report.error !== undefined || report.vulnerabilities === undefined) {
  const reason = report.error?.summary || report.message || report.error?.code || 'no audit report';
  out(`dependency audit: SKIPPED: the registry did not answer the audit (${reason})`);
  if (required) {
    out('dependency audit: FAILED: AUDIT_REQUIRED=true and no audit could be made');
    process.exit(1);
  }
  process.exit(0);
}

const allowList = parseAllowList(
  JSON.parse(readFileSync(join(root, 'audit-allowlist.json'), 'utf8')) as unknown,
);
const verdict = judgeAudit(report, allowList, new Date().toISOString().slice(0, 10));
for (const entry of verdict.expired)
  out(`  allow-list entry expired (review again): ${entry.id} ${entry.package}`);
for (const a of verdict.allowed) out(`  allowed (reviewed): ${a.severity} ${a.id} ${a.package}: ${a.title}`);
for (const a of verdict.failing)
  out(`  ${a.severity.toUpperCase()} ${a.id} ${a.package}: ${a.title} ${a.url}`);
out(
  `dependency audit: ${verdict.failing.length === 0 ? 'passed' : 'FAILED'}: ${verdict.failing.length} high/critical not allowed, ${verdict.allowed.length} allowed, ${verdict.below} below high`,
);
process.exit(verdict.failing.length === 0 ? 0 : 1);
