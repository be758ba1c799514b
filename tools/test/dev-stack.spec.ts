// End to end: `node tools/dev/start.ts --no-build` against the local PostgreSQL and Redis,
// and `node tools/dev/migrate.ts --no-build` with embedded PostgreSQL and a started redis-server.
// Needs the apps built (the tools:test target depends on their build).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_POSTGRES_URL, planPorts, SERVICES } from '../dev/config.ts';
import { httpGet, isPortFree, isPortOpen } from '../dev/net.ts';
import { dropDatabases, probePostgres } from '../dev/postgres.ts';
import { withTimeout } from '../dev/process.ts';
import { findOnPath } from '../dev/redis.ts';
import { serviceEntry } from '../dev/stack.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';
import { ensureStopped, launchNode, node, type Launched } from './launch.ts';

const root = findWorkspaceRoot();

const launch = (script: string, env: Record<string, string>): Launched =>
  launchNode([join('tools', 'dev', script), '--no-build'], env);

async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 40_000 + Math.floor(Math.random() * 10_000);
    const ports = Object.values(planPorts(base));
    const free = await Promise.all(ports.map((port) => isPortFree(port)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range found in 40000–50000');
}

function uniquePrefix(): string {
  return `jsjb_devtest_${randomBytes(4).toString('hex')}`;
}

describe('npm start (tools/dev/start.ts)', () => {
  const serverUrl = process.env['POSTGRES_URL'] || DEFAULT_POSTGRES_URL;
  const prefix = uniquePrefix();
  let launched: Launched | undefined;

  beforeAll(async () => {
    expect(
      Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]']).toString().trim()),
    ).toBeGreaterThanOrEqual(22);
    for (const service of SERVICES) {
      if (!existsSync(serviceEntry(root, service))) {
        throw new Error(
          `apps/${service}/dist/main.js is missing: build first (npx nx run-many -t build -p intake routing sla)`,
        );
      }
    }
    const probe = await probePostgres(serverUrl);
    if (!probe.reachable) throw new Error(`this test needs PostgreSQL at ${serverUrl}: ${probe.reason}`);
  });

  afterAll(async () => {
    await ensureStopped(launched);
    await dropDatabases(
      serverUrl,
      SERVICES.map((service) => `${prefix}_${service}`),
    );
  });

  it('starts the three services, serves health and readiness, and stops cleanly on SIGINT', async () => {
    const portBase = await freePortBase();
    const ports = planPorts(portBase);
    const started = Date.now();
    launched = launch('start.ts', { JSJB_DATABASE_PREFIX: prefix, JSJB_PORT_BASE: String(portBase) });
    await launched.waitForOutput('jsjb is ready', 90_000);
    const readyAfter = Date.now() - started;

    for (const service of SERVICES) {
      for (const path of ['/healthz', '/readyz']) {
        const response = await httpGet(`http://127.0.0.1:${ports[service]}${path}`);
        expect({ service, path, status: response.status }).toEqual({ service, path, status: 200 });
      }
      expect(launched.output()).toContain(`http://localhost:${ports[service]}/docs`);
    }
    // Prefixed, pretty-printed service logs.
    expect(launched.output()).toMatch(/^intake\s+\| \d\d:\d\d:\d\d\.\d{3} INFO {2}\[NestApplication\] /m);

    const stopping = Date.now();
    launched.child.kill('SIGINT');
    const exit = await withTimeout(launched.exit, 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    for (const service of SERVICES) {
      expect(await isPortOpen(ports[service])).toBe(false);
      expect(launched.output()).toContain(`jsjb     | ${service} stopped\n`);
    }
    process.stdout.write(`dev stack: ready after ${readyAfter} ms, stopped in ${Date.now() - stopping} ms\n`);
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
      });
      const exit = await withTimeout(launched.exit, 60_000);
      const output = launched.output();
      expect({ exit, output }).toEqual({ exit: { code: 0, signal: null }, output });
      expect(output).toContain('starting embedded PostgreSQL');
      expect(output).toContain('migrations applied');
      expect(output).toContain('embedded PostgreSQL stopped');
      if (withRedisServer) expect(output).toContain('redis-server stopped');
      expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
      // A cleanly stopped cluster leaves no lock file behind.
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);
      process.stdout.write(`embedded migrate: ${Date.now() - started} ms\n`);
    });
  },
);
