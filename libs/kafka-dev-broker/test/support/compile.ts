// Compiles src/ to CommonJS in a temporary directory with SWC (fast, no type check), so process-
// level tests can run the CLI without depending on a prior `build`.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { transformFileSync } from '@swc/core';

const SRC = join(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

export interface CompiledSources {
  dir: string;
  remove(): void;
}

export function compileSources(): CompiledSources {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-dev-broker-'));
  for (const file of sources(SRC)) {
    const { code } = transformFileSync(file, {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: false,
    });
    const out = join(dir, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
