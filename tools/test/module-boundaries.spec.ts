import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findWorkspaceRoot } from '../dev/workspace.ts';

/**
 * Plants files that break the architecture's rules, lints them in one ESLint run, and
 * proves each is caught: the boundaries are enforced, not just declared.
 */
const root = findWorkspaceRoot();

const planted = {
  appImportsApp: [
    'apps/intake/src/planted-boundary.ts',
    "import { SERVICE } from '@jsjb/routing';\nexport const other = SERVICE;\n",
  ],
  contractsImportsLib: [
    'libs/contracts/src/planted-boundary.ts',
    "import { PlatformError } from '@jsjb/platform';\nexport const e = PlatformError;\n",
  ],
  domainImportsNest: [
    'apps/sla/src/planted/domain/deadline.domain.ts',
    "import { Injectable } from '@nestjs/common';\nexport const d = Injectable;\n",
  ],
  floatingPromise: [
    'libs/messaging/src/planted-floating.ts',
    'async function send(): Promise<void> {}\nexport function go(): void {\n  send();\n}\n',
  ],
  readsEnv: ['apps/routing/src/planted-env.ts', "export const url = process.env['DATABASE_URL'];\n"],
  clean: [
    'apps/intake/src/planted-clean.ts',
    "import { TOPICS } from '@jsjb/contracts';\nexport const topic: string = TOPICS.ticket;\n",
  ],
} as const satisfies Record<string, readonly [string, string]>;

type Case = keyof typeof planted;

interface LintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

describe('architecture rules enforced by lint', () => {
  const ruleIds = new Map<Case, (string | null)[]>();

  beforeAll(async () => {
    const cleanup: string[] = [];
    try {
      for (const [relative, source] of Object.values(planted)) {
        const file = join(root, relative);
        if (!existsSync(dirname(file))) cleanup.push(dirname(file));
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, source);
        cleanup.push(file);
      }
      const files = Object.values(planted).map(([relative]) => relative);
      // ESLint exits 1 when it finds problems, which is the point here: read its report either way.
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [join(root, 'node_modules/eslint/bin/eslint.js'), '--format', 'json', ...files],
        { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, maxBuffer: 16 * 1024 * 1024 },
      ).catch((error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw new Error(`eslint produced no report: ${error.stderr ?? ''}`);
        return { stdout: error.stdout };
      });
      const results = JSON.parse(stdout) as LintResult[];
      for (const [name, [relative]] of Object.entries(planted) as [Case, readonly [string, string]][]) {
        const result = results.find((r) => r.filePath === join(root, relative));
        if (!result) throw new Error(`eslint did not report on ${relative}`);
        ruleIds.set(
          name,
          result.messages.map((m) => m.ruleId),
        );
      }
    } finally {
      for (const path of cleanup.reverse()) await rm(path, { recursive: true, force: true });
    }
  }, 120_000);

  it('forbids an app importing another app', () => {
    expect(ruleIds.get('appImportsApp')).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids libs/contracts depending on anything of ours', () => {
    expect(ruleIds.get('contractsImportsLib')).toContain('@nx/enforce-module-boundaries');
  });

  it('forbids Nest, Prisma and Kafka imports in domain code', () => {
    expect(ruleIds.get('domainImportsNest')).toContain('no-restricted-imports');
  });

  it('forbids floating promises', () => {
    expect(ruleIds.get('floatingPromise')).toContain('@typescript-eslint/no-floating-promises');
  });

  it('forbids reading process.env outside the config module', () => {
    expect(ruleIds.get('readsEnv')).toContain('no-restricted-syntax');
  });

  it('accepts code that follows the rules', () => {
    expect(ruleIds.get('clean')).toEqual([]);
  });
});
