// The ceiling for an intake on this machine: the same load generator, at the same concurrency,
// against the least an intake can do per request — parse the JSON body, commit it as one row with
// group commit, answer 201 (ceiling.server.ts) — in a scratch database of its own. The baseline is
// the limit for a durable write; the ceiling is the limit for a durable write behind HTTP, and the
// part of it a real intake reaches says what its own work (authentication, validation, the place,
// the classifier, the outbox) costs.
import { fileURLToPath } from 'node:url';
import { toolEnv, withDatabase } from '../dev/config.ts';
import { findFreePort } from '../dev/net.ts';
import { dropDatabases, ensureDatabases } from '../dev/postgres.ts';
import { stopChild } from '../dev/process.ts';
import { waitForAnswer, type DevContext } from '../dev/stack.ts';
import type { PhaseResult } from './load.worker.ts';
import { percentiles, type Percentiles } from './report.ts';

export interface CeilingResult {
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  /** Answers other than 201, and requests without an answer. */
  errors: number;
  latencyMs: Percentiles;
}

const SERVER = fileURLToPath(new URL('./ceiling.server.ts', import.meta.url));

/** Starts the ceiling's server, has `drive` load it (closed loop, at `port`), and stops it. */
export async function httpWriteCeiling(
  ctx: DevContext,
  serverUrl: string,
  database: string,
  connections: number,
  drive: (port: number) => Promise<PhaseResult>,
): Promise<CeilingResult> {
  await ensureDatabases(serverUrl, [database]);
  const port = await findFreePort();
  const server = ctx.supervisor.spawn({
    name: 'ceiling',
    command: ctx.node,
    args: [SERVER, String(port), withDatabase(serverUrl, database)],
    cwd: ctx.root,
    env: toolEnv(ctx.env, ctx.path),
    output: ctx.output,
  });
  try {
    await waitForAnswer('the ceiling server', `http://127.0.0.1:${port}/`, {
      timeoutMs: 30_000,
      intervalMs: 100,
      signal: ctx.signal,
      child: server,
    });
    const phase = await drive(port);
    const created = phase.statuses['201'] ?? 0;
    return {
      connections,
      seconds: Math.round(phase.seconds * 100) / 100,
      requests: phase.requests,
      requestsPerSecond: Math.round(created / phase.seconds),
      errors: phase.requests - created,
      latencyMs: percentiles(phase.latencies),
    };
  } finally {
    await stopChild(server, { timeoutMs: 5000 });
    await dropDatabases(serverUrl, [database]);
  }
}
