// Child node processes for process-level tests: output captured, waited on with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { withTimeout } from '../dev/process.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';

const root = findWorkspaceRoot();
// Jest runs on the workspace's Node 22 through npm scripts; fall back to that binary otherwise.
export const node =
  Number(process.versions.node.split('.')[0]) >= 22
    ? process.execPath
    : join(root, 'node_modules', '.bin', 'node');

export interface Launched {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput: (text: string, timeoutMs: number) => Promise<void>;
}

/** Runs `node <args>` from the workspace root on Node 22, capturing its output. */
export function launchNode(args: readonly string[], env: Record<string, string>): Launched {
  const child = spawn(node, [...args], {
    cwd: root,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const check of waiters) check();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const waitForOutput = async (needle: string, timeoutMs: number): Promise<void> => {
    const found = new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (text.includes(needle)) {
          waiters.delete(check);
          resolve(true);
        }
      };
      waiters.add(check);
      check();
      void exit.then(() => resolve(text.includes(needle)));
    });
    const result = await withTimeout(found, timeoutMs);
    if (result !== true) {
      throw new Error(
        `"${needle}" did not appear within ${timeoutMs} ms${result === false ? ' (launcher exited)' : ''}:\n${text}`,
      );
    }
  };
  return { child, output: () => text, exit, waitForOutput };
}

/** Stops a launcher a failed test left running: SIGINT (it stops its services), then SIGKILL. */
export async function ensureStopped(launched: Launched | undefined): Promise<void> {
  if (launched === undefined || launched.child.exitCode !== null || launched.child.signalCode !== null)
    return;
  launched.child.kill('SIGINT');
  if ((await withTimeout(launched.exit, 30_000)) === undefined) launched.child.kill('SIGKILL');
}
