// End to end: `node tools/dev/start.ts --no-build` against the local PostgreSQL and Redis, with
// the Kafka dev broker it starts or the one KAFKA_BROKERS names, and `node tools/dev/migrate.ts
// --no-build` with embedded PostgreSQL and a started redis-server (and no Kafka at all).
// Needs the apps and the dev broker built (the tools:test target depends on their builds).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL, planPorts, SERVICES } from '../dev/config.ts';
import { devBrokerCli } from '../dev/kafka.ts';
import { findFreePort, httpGet, isPortOpen } from '../dev/net.ts';
import { dropDatabases, probePostgres } from '../dev/postgres.ts';
import { withTimeout } from '../dev/process.ts';
import { deleteKeys, findOnPath } from '../dev/redis.ts';
import { serviceEntry } from '../dev/stack.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';
import {
  allDependenciesUp,
  ensureStopped,
  freePortBase,
  launchDevBroker,
  launchNode,
  node,
  stopDevBroker,
  type Launched,
  type LaunchedBroker,
} from './launch.ts';

const root = findWorkspaceRoot();

const launch = (script: string, env: Record<string, string | undefined>): Launched =>
  launchNode([join('tools', 'dev', script), '--no-build'], env);

function uniquePrefix(): string {
  return `jsjb_devtest_${randomBytes(4).toString('hex')}`;
}

/** A service's /readyz, parsed; fails the test unless it answers 200 with every check up. */
async function expectReady(service: string, port: number): Promise<void> {
  const response = await httpGet(`http://127.0.0.1:${port}/readyz`);
  const report = JSON.parse(response.body) as {
    status?: unknown;
    checks?: { name: string; status: string }[];
  };
  expect({ service, status: response.status, report }).toEqual({
    service,
    status: 200,
    report: allDependenciesUp(),
  });
}

describe('npm start (tools/dev/start.ts)', () => {
  const serverUrl = process.env['POSTGRES_URL'] || DEFAULT_POSTGRES_URL;
  const prefix = uniquePrefix();
  // Its own Redis keys (sla's timer queue writes some at boot), deleted afterwards.
  const redisKeyPrefix = `${prefix}:`;
  let launched: Launched | undefined;
  let external: LaunchedBroker | undefined;

  beforeAll(async () => {
    expect(
      Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]']).toString().trim()),
    ).toBeGreaterThanOrEqual(22);
    for (const service of SERVICES) {
      if (!existsSync(serviceEntry(root, service))) {
        throw new Error(
          `apps/${service}/dist/main.js is missing: build first (npx nx run-many -t build -p intake routing sla kafka-dev-broker)`,
        );
      }
    }
    if (!existsSync(devBrokerCli(root))) {
      throw new Error(
        'libs/kafka-dev-broker/dist/cli.js is missing: build first (npx nx run kafka-dev-broker:build)',
      );
    }
    const probe = await probePostgres(serverUrl);
    if (!probe.reachable) throw new Error(`this test needs PostgreSQL at ${serverUrl}: ${probe.reason}`);
  });

  afterAll(async () => {
    await ensureStopped(launched);
    if (external !== undefined) await stopDevBroker(external);
    await dropDatabases(
      serverUrl,
      SERVICES.map((service) => `${prefix}_${service}`),
    );
    await deleteKeys(process.env['REDIS_URL'] || DEFAULT_REDIS_URL, redisKeyPrefix);
  });

  it('starts the Kafka dev broker and the three services, serves health and readiness, and stops everything cleanly on SIGINT', async () => {
    const portBase = await freePortBase();
    const ports = planPorts(portBase);
    const started = Date.now();
    launched = launch('start.ts', {
      JSJB_DATABASE_PREFIX: prefix,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      JSJB_PORT_BASE: String(portBase),
      // Unset: the launcher starts the dev broker.
      KAFKA_BROKERS: undefined,
    });
    await launched.waitForOutput('jsjb is ready', 90_000);
    const readyAfter = Date.now() - started;

    const summary = /^jsjb\s+\| kafka: +(\S+):(\d+) \(dev broker/m.exec(launched.output());
    if (summary === null) throw new Error(`no dev broker in the summary:\n${launched.output()}`);
    const brokerHost = summary[1] ?? '';
    const brokerPort = Number(summary[2]);
    expect(await isPortOpen(brokerPort, brokerHost)).toBe(true);
    // The broker's own output, under its prefix.
    expect(launched.output()).toContain(
      `kafka    | kafka-dev-broker listening on ${brokerHost}:${brokerPort}\n`,
    );

    for (const service of SERVICES) {
      const health = await httpGet(`http://127.0.0.1:${ports[service]}/healthz`);
      expect({ service, status: health.status }).toEqual({ service, status: 200 });
      await expectReady(service, ports[service]);
      expect(launched.output()).toContain(`http://localhost:${ports[service]}/docs`);
    }
    // Prefixed, pretty-printed service logs.
    expect(launched.output()).toMatch(/^intake\s+\| \d\d:\d\d:\d\d\.\d{3} INFO {2}\[NestApplication\] /m);

    const stopping = Date.now();
    launched.child.kill('SIGINT');
    const exit = await withTimeout(launched.exit, 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    const output = launched.output();
    for (const service of SERVICES) {
      expect(await isPortOpen(ports[service])).toBe(false);
      expect(output).toContain(`jsjb     | ${service} stopped\n`);
    }
    expect(await isPortOpen(brokerPort, brokerHost)).toBe(false);
    // The broker goes after the services, which leave it cleanly.
    const brokerStopped = output.indexOf('jsjb     | Kafka dev broker stopped\n');
    expect(brokerStopped).toBeGreaterThan(-1);
    for (const service of SERVICES) {
      expect(output.indexOf(`jsjb     | ${service} stopped\n`)).toBeLessThan(
        output.indexOf('jsjb     | stopping the Kafka dev broker\n'),
      );
    }
    expect(output).not.toMatch(/Kafka dev broker stopped \(|did not stop in time/);
    process.stdout.write(`dev stack: ready after ${readyAfter} ms, stopped in ${Date.now() - stopping} ms\n`);
  });

  it('uses the Kafka that KAFKA_BROKERS names, and leaves it running', async () => {
    external = await launchDevBroker();
    const portBase = await freePortBase();
    const ports = planPorts(portBase);
    launched = launch('start.ts', {
      JSJB_DATABASE_PREFIX: prefix,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      JSJB_PORT_BASE: String(portBase),
      KAFKA_BROKERS: external.brokers,
    });
    await launched.waitForOutput('jsjb is ready', 90_000);
    for (const service of SERVICES) await expectReady(service, ports[service]);
    expect(launched.output()).toContain(`kafka:    ${external.brokers} (KAFKA_BROKERS)`);
    expect(launched.output()).not.toContain('starting the Kafka dev broker');

    launched.child.kill('SIGINT');
    expect(await withTimeout(launched.exit, 30_000)).toEqual({ code: 0, signal: null });
    expect(await isPortOpen(external.port, external.host)).toBe(true);
    expect(await stopDevBroker(external)).toEqual({ code: 0, signal: null });
  });

  it('stops at once, naming the address, when KAFKA_BROKERS does not answer', async () => {
    const port = await findFreePort();
    const run = launch('start.ts', {
      JSJB_DATABASE_PREFIX: prefix,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      JSJB_PORT_BASE: String(await freePortBase()),
      KAFKA_BROKERS: `127.0.0.1:${port},127.0.0.1:1`,
    });
    const exit = await withTimeout(run.exit, 15_000);
    const output = run.output();
    expect({ exit, output }).toEqual({ exit: { code: 1, signal: null }, output });
    expect(output).toContain(`Kafka is not reachable at 127.0.0.1:${port} (first of KAFKA_BROKERS)`);
    expect(output).toContain('unset it to use the in-memory dev broker');
    // Before anything was started or migrated.
    expect(output).not.toMatch(/PostgreSQL:|migrations applied|starting the Kafka dev broker/);
  });
});

// Falls back to an embedded PostgreSQL (data in a temporary directory) and a redis-server it
// starts, when nothing answers at the configured URLs. Takes ~5–10 s (initdb included).
const canRunEmbedded = ((): boolean => {
  if (process.getuid?.() !== 0) return true;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // as root, PostgreSQL needs a "postgres" OS user to run as
  }
})();

(canRunEmbedded ? describe : describe.skip)(
  'npm run migrate (tools/dev/migrate.ts) with nothing running',
  () => {
    let dataParent: string | undefined;
    let launched: Launched | undefined;

    afterAll(async () => {
      await ensureStopped(launched);
      if (dataParent !== undefined) await rm(dataParent, { recursive: true, force: true });
    });

    it('starts embedded PostgreSQL (and redis-server), migrates, and stops them again', async () => {
      dataParent = await mkdtemp(join(tmpdir(), 'jsjb-devtest-pg-'));
      // When running as root the server runs as "postgres", which must reach the data directory.
      await chmod(dataParent, 0o755);
      const dataDir = join(dataParent, 'postgres');
      const withRedisServer = findOnPath('redis-server', process.env['PATH']) !== undefined;
      const started = Date.now();
      launched = launch('migrate.ts', {
        POSTGRES_URL: 'postgresql://postgres@127.0.0.1:1',
        ...(withRedisServer ? { REDIS_URL: 'redis://127.0.0.1:1' } : {}),
        JSJB_DATABASE_PREFIX: uniquePrefix(),
        JSJB_EMBEDDED_POSTGRES_DIR: dataDir,
        KAFKA_BROKERS: undefined,
      });
      const exit = await withTimeout(launched.exit, 60_000);
      const output = launched.output();
      expect({ exit, output }).toEqual({ exit: { code: 0, signal: null }, output });
      expect(output).toContain('starting embedded PostgreSQL');
      expect(output).toContain('migrations applied');
      expect(output).toContain('embedded PostgreSQL stopped');
      if (withRedisServer) expect(output).toContain('redis-server stopped');
      // Migrations need no Kafka: no broker is started.
      expect(output).not.toMatch(/Kafka dev broker|^kafka +\|/m);
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      // A cleanly stopped cluster leaves no lock file behind.
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      process.stdout.write(`embedded migrate: ${Date.now() - started} ms\n`);
    });
  },
);
