// Finding Redis, and starting a throw-away redis-server when there is none.
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Env } from './config.ts';
import type { Output } from './log.ts';
import { findFreePort } from './net.ts';
import { pollUntil, stopChild, describeExit, type Supervisor } from './process.ts';
import { isUnreachableError, type ProbeResult, type StartedServer } from './postgres.ts';
import { DevError, errorMessage } from './workspace.ts';

const PROBE_TIMEOUT_MS = 1500;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5000;

/** Connects and sends PING; "reachable" means it answered PONG. */
export async function probeRedis(url: string): Promise<ProbeResult> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    enableReadyCheck: false,
  });
  // The socket error says more than the rejection ("Connection is closed."); without a
  // listener ioredis would print it.
  let socketError: unknown;
  client.on('error', (error) => {
    socketError ??= error;
  });
  try {
    await client.connect();
    await client.ping();
    return { reachable: true };
  } catch (rejection) {
    const error = socketError ?? rejection;
    return {
      reachable: false,
      fatal: !isUnreachableError(error) && !isClosedError(error),
      reason: errorMessage(error),
    };
  } finally {
    // Disconnecting a connection that already ended arms a 2 s timer in ioredis for nothing.
    if (client.status !== 'end') client.disconnect();
  }
}

/** ioredis reports a refused connection without retries as "Connection is closed." */
function isClosedError(error: unknown): boolean {
  return /connection is closed/i.test(errorMessage(error));
}

/** The first executable `name` on PATH. */
export function findOnPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const REDIS_MISSING_MESSAGE =
  'No Redis is reachable and redis-server is not installed. Either install it ' +
  '(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) ' +
  'or point REDIS_URL at a running Redis (e.g. REDIS_URL=redis://127.0.0.1:6379).';

/** Starts redis-server on a free port with persistence off; stops it with SIGTERM. */
export async function startRedisServer(options: {
  root: string;
  env: Env;
  supervisor: Supervisor;
  output: Output;
  signal: AbortSignal;
}): Promise<StartedServer> {
  const binary = findOnPath('redis-server', options.env['PATH']);
  if (binary === undefined) throw new DevError(REDIS_MISSING_MESSAGE);
  const port = await findFreePort();
  const handle = options.supervisor.spawn(
    {
      name: 'redis',
      command: binary,
      args: [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'warning',
      ],
      cwd: options.root,
      env: { PATH: options.env['PATH'] ?? '' },
      output: options.output,
    },
    { infrastructure: true },
  );
  const url = `redis://127.0.0.1:${port}`;
  const ready = await pollUntil(
    async () => {
      const exited = handle.exited();
      if (exited !== undefined)
        throw new DevError(`redis-server stopped during start-up (${describeExit(exited)})`);
      return (await probeRedis(url)).reachable ? true : undefined;
    },
    { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, signal: options.signal },
  ).catch(async (error: unknown) => {
    await stopChild(handle, { timeoutMs: STOP_TIMEOUT_MS });
    throw error;
  });
  if (ready === undefined) {
    await stopChild(handle, { timeoutMs: STOP_TIMEOUT_MS });
    throw new DevError(
      `redis-server did not answer PING on port ${port} within ${START_TIMEOUT_MS / 1000} s`,
    );
  }
  return {
    url,
    stop: async () => {
      const { forced } = await stopChild(handle, { timeoutMs: STOP_TIMEOUT_MS });
      if (forced) options.output.warn('redis-server did not stop in time and was killed');
    },
  };
}

/** Deletes every key under `prefix` (a stack's REDIS_KEY_PREFIX); returns how many. */
export async function deleteKeys(url: string, prefix: string): Promise<number> {
  if (prefix === '') throw new DevError('refusing to delete every key of a Redis: give a key prefix');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  await redis.connect();
  let deleted = 0;
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
      const batch = keys as string[];
      if (batch.length > 0) deleted += await redis.unlink(...batch);
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
}
