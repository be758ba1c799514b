// The parts of `npm start` and `npm run migrate` they share: the launcher's lifecycle (signals,
// clean-ups, exit codes) and preparing the stack (PostgreSQL, Redis, databases, build, migrations);
// and Kafka, which only `npm start` needs.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  databaseName,
  parseDevOptions,
  planPorts,
  redactUrl,
  serviceEnv,
  SERVICES,
  toolEnv,
  USAGE,
  stackDatabaseUrls,
  type DevOptions,
  type Env,
  type ServiceName,
} from './config.ts';
import {
  DEV_BROKER_STOP_TIMEOUT_MS,
  devBrokerCli,
  probeKafka,
  startDevBroker,
  type DevBrokerProcess,
} from './kafka.ts';
import { colourEnabled, createOutput, type Output } from './log.ts';
import {
  defaultEmbeddedPostgresDir,
  dropDatabases,
  ensureDatabases,
  probePostgres,
  startEmbeddedPostgres,
} from './postgres.ts';
import { freePortBase, httpGet } from './net.ts';
import { describeExit, pollUntil, Supervisor, withTimeout, type ChildHandle } from './process.ts';
import { deleteKeys, probeRedis, startRedisServer } from './redis.ts';
import {
  binDir,
  DevError,
  errorMessage,
  findWorkspaceRoot,
  InterruptedError,
  pathWithWorkspaceBin,
} from './workspace.ts';

/** How long a child gets between SIGTERM and SIGKILL (services drain for up to 10 s themselves). */
export const STOP_TIMEOUT_MS = 15_000;

/** What `npm run build` would build for the stack: the services, the Kafka dev broker and the console. */
export const BUILD_PROJECTS = [...SERVICES, 'kafka-dev-broker', 'console'] as const;

/**
 * KAFKA_BROKERS of the `main.js migrate` subprocesses. Migrations only touch PostgreSQL, but a
 * service validates its whole configuration (KAFKA_BROKERS included) before running any
 * subcommand; this well-formed address (port 9, "discard") is never connected to.
 */
export const MIGRATE_KAFKA_BROKERS = '127.0.0.1:9';

/** Things to undo on the way out, last added first. */
export class Cleanups {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Runs every step even when one fails; false when any failed. */
  async runAll(output: Output): Promise<boolean> {
    let ok = true;
    for (let step = this.steps.pop(); step !== undefined; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        ok = false;
        output.error(`${step.name}: ${errorMessage(error)}`);
      }
    }
    return ok;
  }
}

export interface DevContext {
  root: string;
  env: Env;
  /** PATH with the workspace's node_modules/.bin first. */
  path: string;
  /** The Node 22 binary the launcher runs on; every Node child uses it. */
  node: string;
  output: Output;
  supervisor: Supervisor;
  cleanups: Cleanups;
  /** Aborted when a stop was requested (Ctrl-C, SIGTERM, SIGHUP). */
  signal: AbortSignal;
}

export function throwIfStopping(ctx: Pick<DevContext, 'signal'>): void {
  if (ctx.signal.aborted) throw new InterruptedError();
}

/** Resolves when a stop is requested. */
export function stopRequested(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

export function serviceEntry(root: string, service: ServiceName): string {
  return join(root, 'apps', service, 'dist', 'main.js');
}

/** Starts one service of a prepared stack (its built main.js) with the stack's wiring, as npm start does. */
export function spawnService(
  ctx: DevContext,
  service: ServiceName,
  stack: Pick<PreparedStack, 'databaseUrls' | 'redisUrl'>,
  kafkaBrokers: string,
  port: number,
): ChildHandle {
  // JSJB_SERVICE_NODE_OPTIONS: Node flags for the services that NODE_OPTIONS refuses (e.g. `--cpu-prof
  // --cpu-prof-dir=/tmp/prof` to profile them under `npm run bench`; see docs/performance.md).
  const nodeFlags = (ctx.env['JSJB_SERVICE_NODE_OPTIONS'] ?? '').split(/\s+/).filter(Boolean);
  return ctx.supervisor.spawn({
    name: service,
    command: ctx.node,
    args: [...nodeFlags, serviceEntry(ctx.root, service)],
    cwd: ctx.root,
    env: serviceEnv(ctx.env, {
      service,
      databaseUrl: stack.databaseUrls[service],
      redisUrl: stack.redisUrl,
      kafkaBrokers,
      port,
      path: ctx.path,
    }),
    output: ctx.output,
  });
}

/**
 * Waits until `url` answers 200; fails naming `name` after `timeoutMs`, or at once when `child`
 * (the process that should answer) has exited.
 */
export async function waitForAnswer(
  name: string,
  url: string,
  options: { timeoutMs: number; intervalMs: number; signal: AbortSignal; child?: ChildHandle },
): Promise<void> {
  const ok = await pollUntil(async () => {
    const exited = options.child?.exited();
    if (exited !== undefined)
      throw new DevError(`${name} exited before it was ready (${describeExit(exited)})`);
    return (await httpGet(url, 2000).catch(() => undefined))?.status === 200 ? true : undefined;
  }, options);
  if (ok === undefined)
    throw new DevError(`${name} was not ready at ${url} within ${options.timeoutMs / 1000} s`);
}

/** Waits until a service on 127.0.0.1:`port` answers /readyz with 200; fails naming it after `timeoutMs`. */
export function waitForReady(
  service: ServiceName,
  port: number,
  options: { timeoutMs: number; intervalMs: number; signal: AbortSignal },
): Promise<void> {
  return waitForAnswer(service, `http://127.0.0.1:${port}/readyz`, options);
}

export interface PreparedStack {
  postgresUrl: string;
  postgresEmbedded: boolean;
  redisUrl: string;
  redisStarted: boolean;
  databases: Record<ServiceName, string>;
  databaseUrls: Record<ServiceName, string>;
}

async function discoverPostgres(
  ctx: DevContext,
  options: DevOptions,
): Promise<{ url: string; embedded: boolean }> {
  const where = redactUrl(options.postgresUrl);
  const probe = await probePostgres(options.postgresUrl);
  if (probe.reachable) {
    ctx.output.info(`PostgreSQL: ${where}`);
    return { url: options.postgresUrl, embedded: false };
  }
  if (probe.fatal) {
    throw new DevError(
      `PostgreSQL at ${where} answered but refused the connection: ${probe.reason}\n` +
        'Fix POSTGRES_URL (user, password), or unset it to use a local server or the embedded one.',
    );
  }
  throwIfStopping(ctx);
  ctx.output.info(`PostgreSQL is not reachable at ${where} (${probe.reason}): starting embedded PostgreSQL`);
  const dataDir = options.embeddedPostgresDir ?? defaultEmbeddedPostgresDir(ctx.root);
  const server = await startEmbeddedPostgres(dataDir, ctx.output);
  ctx.cleanups.add('stopping embedded PostgreSQL', async () => {
    ctx.output.info('stopping embedded PostgreSQL');
    await server.stop();
    ctx.output.info('embedded PostgreSQL stopped');
  });
  ctx.output.info(
    `PostgreSQL: embedded, ${redactUrl(server.url)} (data in ${relative(ctx.root, dataDir) || '.'})`,
  );
  return { url: server.url, embedded: true };
}

async function discoverRedis(
  ctx: DevContext,
  options: DevOptions,
): Promise<{ url: string; started: boolean }> {
  const where = redactUrl(options.redisUrl);
  const probe = await probeRedis(options.redisUrl);
  if (probe.reachable) {
    ctx.output.info(`Redis: ${where}`);
    return { url: options.redisUrl, started: false };
  }
  if (probe.fatal) {
    throw new DevError(
      `Redis at ${where} answered but refused us: ${probe.reason}\n` +
        'Fix REDIS_URL (password, database), or unset it to use a local Redis or a started redis-server.',
    );
  }
  throwIfStopping(ctx);
  ctx.output.info(`Redis is not reachable at ${where} (${probe.reason}): starting redis-server`);
  const server = await startRedisServer({
    root: ctx.root,
    env: { ...ctx.env, PATH: ctx.path },
    supervisor: ctx.supervisor,
    output: ctx.output,
    signal: ctx.signal,
  });
  ctx.cleanups.add('stopping redis-server', async () => {
    ctx.output.info('stopping redis-server');
    await server.stop();
    ctx.output.info('redis-server stopped');
  });
  ctx.output.info(`Redis: started redis-server, ${server.url} (no persistence)`);
  return { url: server.url, started: true };
}

export async function buildApps(ctx: DevContext): Promise<void> {
  const nx = join(binDir(ctx.root), 'nx');
  if (!existsSync(nx)) throw new DevError(`${nx} not found: run npm install first`);
  ctx.output.info(`building ${BUILD_PROJECTS.join(', ')} (nx run-many -t build; --no-build skips this)`);
  const started = Date.now();
  const exit = await ctx.supervisor.run({
    name: 'build',
    command: ctx.node,
    args: [nx, 'run-many', '-t', 'build', '-p', ...BUILD_PROJECTS],
    cwd: ctx.root,
    env: toolEnv(ctx.env, ctx.path, {
      NX_DAEMON: 'false',
      NX_TUI: 'false',
      ...(ctx.output.colour ? { FORCE_COLOR: '1' } : {}),
    }),
    output: ctx.output,
    format: (line) => (line.trim() === '' ? undefined : line),
  });
  throwIfStopping(ctx);
  if (exit.code !== 0) throw new DevError(`build failed (${describeExit(exit)}); see the build lines above`);
  ctx.output.info(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

export function assertBuilt(root: string): void {
  const missing = SERVICES.filter((service) => !existsSync(serviceEntry(root, service)));
  if (missing.length > 0) {
    throw new DevError(
      `Not built: ${missing.map((s) => `apps/${s}/dist/main.js`).join(', ')}. ` +
        'Run without --no-build / JSJB_SKIP_BUILD, or run npm run build first.',
    );
  }
}

export async function migrateAll(
  ctx: DevContext,
  stack: Pick<PreparedStack, 'databaseUrls' | 'redisUrl'>,
  ports: Record<ServiceName, number>,
): Promise<void> {
  const results = await Promise.all(
    SERVICES.map(async (service) => ({
      service,
      exit: await ctx.supervisor.run({
        name: service,
        command: ctx.node,
        args: [serviceEntry(ctx.root, service), 'migrate'],
        cwd: ctx.root,
        env: serviceEnv(ctx.env, {
          service,
          databaseUrl: stack.databaseUrls[service],
          redisUrl: stack.redisUrl,
          kafkaBrokers: MIGRATE_KAFKA_BROKERS,
          port: ports[service],
          path: ctx.path,
        }),
        output: ctx.output,
      }),
    })),
  );
  throwIfStopping(ctx);
  const failed = results.filter((result) => result.exit.code !== 0);
  if (failed.length > 0) {
    throw new DevError(
      failed
        .map(
          ({ service, exit }) =>
            `migrations of ${service} failed (${describeExit(exit)}); see the ${service} lines above`,
        )
        .join('\n'),
    );
  }
}

/** PostgreSQL and Redis found or started, databases created, apps built, migrations applied. */
export async function prepareStack(
  ctx: DevContext,
  options: DevOptions,
  ports: Record<ServiceName, number>,
): Promise<PreparedStack> {
  const postgres = await discoverPostgres(ctx, options);
  throwIfStopping(ctx);
  const redis = await discoverRedis(ctx, options);
  throwIfStopping(ctx);

  const databases = {} as Record<ServiceName, string>;
  for (const service of SERVICES) databases[service] = databaseName(options.databasePrefix, service);
  const databaseUrls = stackDatabaseUrls(postgres.url, options.databasePrefix);
  const created = await ensureDatabases(postgres.url, Object.values(databases));
  const existing = Object.values(databases).filter((name) => !created.includes(name));
  ctx.output.info(
    [
      created.length > 0 ? `created databases ${created.join(', ')}` : '',
      existing.length > 0 ? `databases ${existing.join(', ')} exist` : '',
    ]
      .filter(Boolean)
      .join('; '),
  );
  throwIfStopping(ctx);

  if (options.skipBuild) ctx.output.info('skipping the build (--no-build / JSJB_SKIP_BUILD)');
  else await buildApps(ctx);
  assertBuilt(ctx.root);
  throwIfStopping(ctx);

  await migrateAll(ctx, { databaseUrls, redisUrl: redis.url }, ports);
  ctx.output.info('migrations applied');
  return {
    postgresUrl: postgres.url,
    postgresEmbedded: postgres.embedded,
    redisUrl: redis.url,
    redisStarted: redis.started,
    databases,
    databaseUrls,
  };
}

/** A run's own stack, prepared: its context (environment with the Redis prefix), ports and stores. */
export interface ThrowawayStack {
  ctx: DevContext;
  stack: PreparedStack;
  /** Services listen on portBase+1..+3 (`planPorts`). */
  portBase: number;
  ports: Record<ServiceName, number>;
  redisKeyPrefix: string;
}

/**
 * A stack of a run's own (the chaos run's, the bench's): databases `<prefix>_*`, Redis keys
 * `jsjb:<prefix>:*` and free ports, prepared as npm start prepares its own, and dropped when the
 * launcher ends unless `keep` (then it says what it kept). `env` is what the services run with.
 */
export async function prepareThrowawayStack(
  ctx: DevContext,
  options: DevOptions,
  input: { prefix: string; env: Env; keep?: boolean },
): Promise<ThrowawayStack> {
  const redisKeyPrefix = `jsjb:${input.prefix}:`;
  const portBase = await freePortBase();
  const ports = planPorts(portBase);
  const runCtx: DevContext = { ...ctx, env: { ...input.env, REDIS_KEY_PREFIX: redisKeyPrefix } };
  const stack = await prepareStack(runCtx, { ...options, databasePrefix: input.prefix }, ports);
  ctx.cleanups.add(`dropping databases ${input.prefix}_* and Redis keys ${redisKeyPrefix}*`, async () => {
    if (input.keep) {
      ctx.output.info(
        `kept databases ${Object.values(stack.databases).join(', ')}, Redis ${redisKeyPrefix}*`,
      );
      return;
    }
    await dropDatabases(stack.postgresUrl, Object.values(stack.databases));
    await deleteKeys(stack.redisUrl, redisKeyPrefix);
  });
  return { ctx: runCtx, stack, portBase, ports, redisKeyPrefix };
}

/** The Kafka the services use: KAFKA_BROKERS from the environment, or the dev broker started here. */
export type KafkaInUse = { brokers: string; devBroker: false } | ({ devBroker: true } & DevBrokerProcess);

/** Fails fast (before any build) when KAFKA_BROKERS names a broker nothing listens on. */
export async function checkKafkaBrokers(ctx: DevContext, brokers: string): Promise<void> {
  const probe = await probeKafka(brokers);
  throwIfStopping(ctx);
  if (!probe.open) {
    throw new DevError(
      `Kafka is not reachable at ${brokers.split(',')[0] ?? brokers} (first of KAFKA_BROKERS): ${probe.reason}\n` +
        'Start that Kafka (docker compose up -d kafka listens on localhost:9094), fix KAFKA_BROKERS, ' +
        'or unset it to use the in-memory dev broker.',
    );
  }
  ctx.output.info(`Kafka: ${brokers} (KAFKA_BROKERS)`);
}

/** Starts the Kafka dev broker (libs/kafka-dev-broker); it is stopped after the services. */
export async function startKafkaDevBroker(ctx: DevContext): Promise<KafkaInUse> {
  ctx.output.info(
    `KAFKA_BROKERS is not set: starting the Kafka dev broker (${relative(ctx.root, devBrokerCli(ctx.root))})`,
  );
  const broker = await startDevBroker({
    root: ctx.root,
    node: ctx.node,
    env: toolEnv(ctx.env, ctx.path),
    supervisor: ctx.supervisor,
    output: ctx.output,
    signal: ctx.signal,
  });
  // Clean-ups run after the services were stopped, so they can leave the broker cleanly.
  ctx.cleanups.add('stopping the Kafka dev broker', async () => {
    // A broker that exited on its own was reported as it happened.
    if (broker.exited() !== undefined) return;
    ctx.output.info('stopping the Kafka dev broker');
    const { exit, forced } = await broker.stop();
    if (forced)
      ctx.output.warn(
        `the Kafka dev broker did not stop within ${DEV_BROKER_STOP_TIMEOUT_MS / 1000} s and was killed`,
      );
    else if (exit.code !== 0) ctx.output.warn(`Kafka dev broker stopped (${describeExit(exit)})`);
    else ctx.output.info('Kafka dev broker stopped');
  });
  ctx.output.info(`Kafka: dev broker on ${broker.brokers} (in memory)`);
  return { ...broker, devBroker: true };
}

/** Left-aligned columns, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

/** The table printed once every service is ready. */
export function summaryLines(
  ports: Record<ServiceName, number>,
  stack: PreparedStack,
  kafka: Pick<KafkaInUse, 'brokers' | 'devBroker'>,
  consolePort?: number,
): string[] {
  const rows: string[][] = [['service', 'url', 'docs', 'readiness']];
  if (consolePort !== undefined) rows.push(['console', `http://localhost:${consolePort}`, '', '']);
  for (const service of SERVICES) {
    const base = `http://localhost:${ports[service]}`;
    rows.push([service, base, `${base}/docs`, `${base}/readyz`]);
  }
  return [
    ...formatTable(rows),
    '',
    `postgres: ${redactUrl(stack.postgresUrl)}${stack.postgresEmbedded ? ' (embedded, stopped on exit)' : ''}` +
      ` — databases ${Object.values(stack.databases).join(', ')}`,
    `redis:    ${redactUrl(stack.redisUrl)}${stack.redisStarted ? ' (started here, stopped on exit)' : ''}`,
    `kafka:    ${kafka.brokers}${kafka.devBroker ? ' (dev broker, in memory, stopped on exit)' : ' (KAFKA_BROKERS)'}`,
  ];
}

export type LauncherBody = (ctx: DevContext, options: DevOptions) => Promise<number>;

const MIN_NODE_MAJOR = 22;

/**
 * Runs a launcher: parses options, installs signal handlers (first Ctrl-C stops in order,
 * a second one kills), runs `body`, then stops children and runs clean-ups, and exits with
 * the body's code (`interruptedExitCode` when a stop request interrupted it, 1 on errors).
 */
export async function runLauncher(
  body: LauncherBody,
  settings: {
    interruptedExitCode: number;
    /** The launcher's arguments (default: the command line's). */ argv?: readonly string[];
  },
): Promise<never> {
  const env: Env = process.env;
  // A closed pipe (`npm start | head`) must not crash the launcher halfway through its clean-up.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const output = createOutput({
    stdout: process.stdout,
    stderr: process.stderr,
    colour: colourEnabled(process.stdout, env),
  });
  let options: DevOptions;
  let root: string;
  try {
    options = parseDevOptions(settings.argv ?? process.argv.slice(2), env);
    root = findWorkspaceRoot();
  } catch (error) {
    output.error(errorMessage(error));
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const major = Number.parseInt(process.versions.node.split('.')[0] ?? '0', 10);
  if (major < MIN_NODE_MAJOR) {
    output.error(
      `Node ${process.versions.node} is too old: the dev stack needs Node ${MIN_NODE_MAJOR}+ ` +
        '(run it through npm start / npm run migrate, or ./node_modules/.bin/node)',
    );
    process.exit(1);
  }

  const controller = new AbortController();
  const supervisor = new Supervisor();
  const cleanups = new Cleanups();
  const ctx: DevContext = {
    root,
    env,
    path: pathWithWorkspaceBin(root, env['PATH']),
    node: process.execPath,
    output,
    supervisor,
    cleanups,
    signal: controller.signal,
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      output.info(`${signal} received: stopping everything (${signal} again to force)`);
      controller.abort();
      // Whatever runs now (services, a build, a migration) gets SIGTERM; clean-ups follow once the body returns.
      void supervisor.stopAll(STOP_TIMEOUT_MS);
      return;
    }
    output.warn(`${signal} received again: killing everything`);
    supervisor.killAll();
    process.exit(130);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  // Last resort when the launcher dies on a path that skipped the clean-up below.
  process.on('exit', () => supervisor.killAll());
  const crash = (error: unknown): void => {
    output.error(
      `launcher crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    supervisor.killAll();
    void withTimeout(cleanups.runAll(output), STOP_TIMEOUT_MS).finally(() => process.exit(1));
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);

  let code: number;
  try {
    code = await body(ctx, options);
  } catch (error) {
    if (error instanceof InterruptedError || controller.signal.aborted) {
      code = settings.interruptedExitCode;
    } else {
      output.error(
        error instanceof DevError
          ? error.message
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error),
      );
      code = 1;
    }
  }
  // Children first (services, a build or migration in flight), then what they depend on.
  await supervisor.stopAll(STOP_TIMEOUT_MS);
  const cleanedUp = await cleanups.runAll(output);
  await supervisor.stopAll(STOP_TIMEOUT_MS, { includeInfrastructure: true });
  if (!cleanedUp && code === 0) code = 1;
  process.exit(code);
}
