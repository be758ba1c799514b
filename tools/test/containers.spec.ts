import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { findFreePort, httpGet } from '../dev/net.ts';
import { pollUntil, withTimeout } from '../dev/process.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';
import { dockerEngineAvailable } from './docker-engine.ts';
import { launchNode } from './launch.ts';

/**
 * The services against real containers (PostgreSQL 16, Redis 7 — the images production
 * uses), where a Docker engine exists. Without one the suite is skipped, and says so.
 */
const engine = dockerEngineAvailable();
if (!engine.available) {
  console.warn(`SKIPPED: testcontainers suite (PostgreSQL 16, Redis 7 in containers): ${engine.reason}.`);
}
const describeWithDocker = engine.available ? describe : describe.skip;

const root = findWorkspaceRoot();
const SERVICES = ['intake', 'routing', 'sla'] as const;

describeWithDocker('services against PostgreSQL 16 and Redis 7 containers', () => {
  let postgres: StartedTestContainer;
  let redis: StartedTestContainer;
  let postgresUrl: string;
  let redisUrl: string;

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([
      new GenericContainer('postgres:16')
        .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start(),
      new GenericContainer('redis:7')
        .withExposedPorts(6379)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start(),
    ]);
    postgresUrl = `postgresql://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}`;
    redisUrl = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  }, 180_000);

  afterAll(async () => {
    await Promise.all([postgres?.stop(), redis?.stop()]);
  });

  it.each(SERVICES)('%s migrates its own database in the container', async (service) => {
    await postgres.exec(['psql', '-U', 'postgres', '-c', `CREATE DATABASE jsjb_${service}`]);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'apps', service, 'dist/main.js'), 'migrate'],
      {
        env: {
          ...process.env,
          DATABASE_URL: `${postgresUrl}/jsjb_${service}`,
          REDIS_URL: redisUrl,
          PORT: '0',
        },
      },
    );
    expect(stdout).toContain('migrations: 1 applied, 0 already applied');
  });

  it.each(SERVICES)('%s serves and is ready against the containers', async (service) => {
    const port = await findFreePort();
    const run = launchNode([join(root, 'apps', service, 'dist/main.js')], {
      DATABASE_URL: `${postgresUrl}/jsjb_${service}`,
      REDIS_URL: redisUrl,
      PORT: String(port),
    });
    try {
      const ready = await pollUntil(
        () =>
          httpGet(`http://127.0.0.1:${port}/readyz`).then(
            (res) => (res.status === 200 ? true : undefined),
            () => undefined,
          ),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect({ ready, output: ready ? '' : run.output() }).toEqual({ ready: true, output: '' });
    } finally {
      run.child.kill('SIGTERM');
      expect(await withTimeout(run.exit, 15_000)).toEqual({ code: 0, signal: null });
    }
  });
});
