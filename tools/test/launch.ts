// Child node processes for process-level tests: output captured, waited on with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { devBrokerCli } from '../dev/kafka.ts';
import { httpGet } from '../dev/net.ts';
export { freePortBase } from '../dev/net.ts';
import { pollUntil, withTimeout } from '../dev/process.ts';
import { findWorkspaceRoot, workspaceNode } from '../dev/workspace.ts';

const root = findWorkspaceRoot();
// Jest runs on the workspace's Node 22 through npm scripts; fall back to that binary otherwise.
export const node = workspaceNode(root);

export interface Launched {
  child: ChildProcess;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput: (text: string, timeoutMs: number) => Promise<void>;
}

/**
 * Runs `node <args>` from the workspace root on Node 22, capturing its output. `env` goes on top
 * of the test's own environment; a variable set to undefined is removed.
 */
export function launchNode(args: readonly string[], env: Record<string, string | undefined>): Launched {
  const child = spawn(node, [...args], {
    cwd: root,
    // FORCE_COLOR removed, not emptied: Node warns that it overrides NO_COLOR when it is set at all.
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
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

export interface LaunchedBroker {
  launched: Launched;
  host: string;
  port: number;
  /** `host:port`, for KAFKA_BROKERS. */
  brokers: string;
}

const LISTENING_LINE = /^kafka-dev-broker listening on (\S+):(\d+)\r?\n/m;

/**
 * Runs the Kafka dev broker's CLI (`libs/kafka-dev-broker/dist/cli.js --port 0`) and resolves once
 * it printed its listening line. Needs the broker built (npx nx run kafka-dev-broker:build).
 */
export async function launchDevBroker(timeoutMs = 15_000): Promise<LaunchedBroker> {
  const cli = devBrokerCli(root);
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: build first (npx nx run kafka-dev-broker:build)`);
  }
  const launched = launchNode([cli, '--port', '0'], {});
  const match = await pollUntil(
    () => {
      const found = LISTENING_LINE.exec(launched.output());
      if (found === null && (launched.child.exitCode !== null || launched.child.signalCode !== null)) {
        throw new Error(`the dev broker exited before listening:\n${launched.output()}`);
      }
      return Promise.resolve(found ?? undefined);
    },
    { timeoutMs, intervalMs: 20 },
  );
  if (match === undefined) {
    launched.child.kill('SIGKILL');
    throw new Error(`the dev broker did not report listening within ${timeoutMs} ms:\n${launched.output()}`);
  }
  const host = match[1] ?? '';
  const port = Number(match[2]);
  return { launched, host, port, brokers: `${host}:${port}` };
}

/** SIGTERM, then the broker's exit (undefined when it did not exit within `timeoutMs`; then SIGKILL). */
export async function stopDevBroker(
  broker: LaunchedBroker,
  timeoutMs = 10_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  const { child, exit } = broker.launched;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const result = await withTimeout(exit, timeoutMs);
  if (result === undefined) child.kill('SIGKILL');
  return result;
}

/** How many migrations `apps/<service>/prisma/migrations` holds (a fresh database gets them all). */
export function migrationCount(service: string): number {
  return readdirSync(join(root, 'apps', service, 'prisma', 'migrations'), { withFileTypes: true }).filter(
    (entry) => entry.isDirectory(),
  ).length;
}

/** A service's /readyz, parsed, once it answers 200 (undefined when it never did within 30 s). */
export function waitUntilReady(port: number): Promise<unknown> {
  return pollUntil(
    () =>
      httpGet(`http://127.0.0.1:${port}/readyz`).then(
        (res) => (res.status === 200 ? (JSON.parse(res.body) as unknown) : undefined),
        () => undefined,
      ),
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** What a ready service's /readyz says: database, Redis and Kafka all up. */
export function allDependenciesUp(): unknown {
  return {
    status: 'ready',
    checks: expect.arrayContaining([
      expect.objectContaining({ name: 'database', status: 'up' }),
      expect.objectContaining({ name: 'redis', status: 'up' }),
      expect.objectContaining({ name: 'kafka', status: 'up' }),
    ]) as unknown,
  };
}
