// Where the system benchmark's results go: <dir>/<date>.json (bench/results at the workspace root).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writeResult(dir: string, result: { date: string }): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${result.date.slice(0, 10)}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}
