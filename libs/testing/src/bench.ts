import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

/** The p-th percentile of ascending-sorted values (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export interface MachineInfo {
  cpus: number;
  cpu: string;
  memoryGiB: number;
  node: string;
}

/** The machine a benchmark ran on, as every result records it. */
export function machineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** Writes `bench/results/<name>-<date>.json` at the workspace root; returns the file's path. */
export async function writeBenchResult(name: string, date: string, result: unknown): Promise<string> {
  let root = process.cwd();
  while (!existsSync(join(root, 'nx.json')) && dirname(root) !== root) root = dirname(root);
  const dir = join(root, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}-${date.slice(0, 10)}.json`);
  await writeFile(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}
