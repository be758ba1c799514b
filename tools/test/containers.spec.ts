import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { findFreePort } from '../dev/net.ts';
import { withTimeout } from '../dev/process.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';
import { scenarios } from '../system/scenarios.ts';
import { SPRING_FESTIVAL_CLOCK_START, springFestivalScenario } from '../system/spring-festival.ts';
import { dockerEngineAvailable } from './docker-engine.ts';
import { allDependenciesUp, launchNode, migrationCount, waitUntilReady } from './launch.ts';
import { scenarioTests } from './system/scenario-suite.ts';
import { startSystem, type SystemStack } from './system/system-stack.ts';

/**
 * The services against real containers (PostgreSQL 16, Redis 7, Apache Kafka 3.9 — the images
 * production uses), where a Docker engine exists: each service migrates and is ready, then the
 * system scenarios run on the whole stack (tools/dev/start.ts) against the containers instead of
 * the dev broker and the local servers. Without an engine the suite is skipped, and says so.
 * `npm run test:containers` runs this suite alone.
 */
const engine = dockerEngineAvailable();
if (!engine.available) {
  const scenarioCount = scenarios({} as SystemStack).length + 1; // + Spring Festival 2026
  console.warn(
    `SKIPPED: testcontainers suite — each service's migrate and readiness checks, and the ${scenarioCount} ` +
      `system scenarios (Spring Festival 2026 included), on PostgreSQL 16, Redis 7 and Apache Kafka 3.9 ` +
      `containers: ${engine.reason}.`,
  );
}
const describeWithDocker = engine.available ? describe : describe.skip;

const root = findWorkspaceRoot();
const SERVICES = ['intake', 'routing', 'sla'] as const;

/**
 * A single-node Apache Kafka in KRaft mode (broker and controller in one process), reachable from
 * this host at `host:hostPort`. Kafka hands clients the advertised address of its listener, so
 * the container port is bound to a fixed host port chosen up front and advertised as such (a
 * random mapping is only known after the start, too late for the broker's configuration). The
 * broker reaches itself on its own BROKER listener, the controller quorum on CONTROLLER.
 */
function kafkaContainer(host: string, hostPort: number): GenericContainer {
  return new GenericContainer('apache/kafka:3.9.1')
    .withExposedPorts({ container: 9092, host: hostPort })
    .withEnvironment({
      // Any base64url-encoded 16-byte id (the storage is formatted with it on first start).
      CLUSTER_ID: 'NvC6s9I7Vp262Je-BZe8Ig',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,BROKER://:19092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${hostPort},BROKER://localhost:19092`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000);
}

interface StartedKafka {
  container: StartedTestContainer;
  /** `host:port`, for KAFKA_BROKERS. */
  brokers: string;
}

/** A Kafka container on a free host port, at the address the engine publishes ports on. */
async function startKafka(): Promise<StartedKafka> {
  // Where this host reaches the engine's published ports (localhost, or a remote DOCKER_HOST).
  const host = (await getContainerRuntimeClient()).info.containerRuntime.host;
  const port = await findFreePort();
  const container = await kafkaContainer(host, port).start();
  expect(container.getMappedPort(9092)).toBe(port);
  return { container, brokers: `${host}:${port}` };
}

/**
 * The whole stack on the PostgreSQL and Redis containers and a Kafka container of its own; `stop`
 * stops the stack, then that Kafka. Every stack gets a fresh Kafka, as each dev-broker suite gets
 * its own broker: the consumer groups are named per service (jsjb-intake, …) and read from the
 * beginning, so a later stack on the same Kafka would be handed an earlier one's events.
 */
async function startSystemOnContainers(
  postgresUrl: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<SystemStack> {
  const kafka = await startKafka();
  let stack: SystemStack;
  try {
    stack = await startSystem(
      { ...env, POSTGRES_URL: postgresUrl, REDIS_URL: redisUrl, KAFKA_BROKERS: kafka.brokers },
      240_000,
    );
  } catch (error) {
    await kafka.container.stop();
    throw error;
  }
  return {
    ...stack,
    stop: async () => {
      try {
        await stack.stop();
      } finally {
        await kafka.container.stop();
      }
    },
  };
}

const STACK_START = { startTimeoutMs: 420_000, scenarioTimeoutMs: 180_000 };

describeWithDocker('services against PostgreSQL 16, Redis 7 and Apache Kafka 3.9 containers', () => {
  let postgres: StartedTestContainer;
  let redis: StartedTestContainer;
  let kafka: StartedTestContainer;
  let postgresUrl: string;
  let redisUrl: string;
  let kafkaBrokers: string;

  beforeAll(async () => {
    let started: StartedKafka;
    [postgres, redis, started] = await Promise.all([
      new GenericContainer('postgres:16')
        .withEnvironment({ POSTGRES_PASSWORD: 'postgres' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
        .start(),
      new GenericContainer('redis:7')
        .withExposedPorts(6379)
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start(),
      startKafka(),
    ]);
    kafka = started.container;
    kafkaBrokers = started.brokers;
    postgresUrl = `postgresql://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}`;
    redisUrl = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  }, 300_000);

  afterAll(async () => {
    await Promise.all([postgres?.stop(), redis?.stop(), kafka?.stop()]);
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
          KAFKA_BROKERS: kafkaBrokers,
          PORT: '0',
        },
      },
    );
    expect(stdout).toContain(`migrations: ${migrationCount(service)} applied, 0 already applied`);
  });

  it.each(SERVICES)(
    '%s serves and is ready (database, Redis and Kafka up) against the containers',
    async (service) => {
      const port = await findFreePort();
      const run = launchNode([join(root, 'apps', service, 'dist/main.js')], {
        DATABASE_URL: `${postgresUrl}/jsjb_${service}`,
        REDIS_URL: redisUrl,
        KAFKA_BROKERS: kafkaBrokers,
        PORT: String(port),
      });
      try {
        const ready = await waitUntilReady(port);
        expect({ ready, output: ready ? '' : run.output() }).toEqual({
          ready: allDependenciesUp(),
          output: '',
        });
      } finally {
        run.child.kill('SIGTERM');
        expect(await withTimeout(run.exit, 15_000)).toEqual({ code: 0, signal: null });
      }
    },
  );

  describe('system scenarios on the containers', () => {
    scenarioTests(() => startSystemOnContainers(postgresUrl, redisUrl), scenarios, STACK_START);
  });

  describe('system: working days across Spring Festival 2026, on the containers', () => {
    scenarioTests(
      () => startSystemOnContainers(postgresUrl, redisUrl, { DEV_CLOCK_START: SPRING_FESTIVAL_CLOCK_START }),
      (system) => [springFestivalScenario(system)],
      STACK_START,
    );
  });
});
