// The built services as real processes: what an operator sees when configuration or the
// database is wrong, and a clean drain on SIGTERM. Needs the apps and the Kafka dev broker built
// (tools:test depends on their builds); one dev broker process serves the whole file.
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL, SERVICES, withDatabase } from '../dev/config.ts';
import { findFreePort, isPortOpen } from '../dev/net.ts';
import { dropDatabases, ensureDatabases } from '../dev/postgres.ts';
import { deleteKeys } from '../dev/redis.ts';
import { withTimeout } from '../dev/process.ts';
import { serviceEntry } from '../dev/stack.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';
import {
  allDependenciesUp,
  waitUntilReady,
  ensureStopped,
  launchDevBroker,
  launchNode,
  migrationCount,
  stopDevBroker,
  type Launched,
  type LaunchedBroker,
} from './launch.ts';

const root = findWorkspaceRoot();
const serverUrl = process.env['POSTGRES_URL'] || DEFAULT_POSTGRES_URL;
const redisUrl = process.env['REDIS_URL'] || DEFAULT_REDIS_URL;

/** The JSON lines a process wrote, parsed; other lines are skipped. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

let broker: LaunchedBroker | undefined;

beforeAll(async () => {
  broker = await launchDevBroker();
});

afterAll(async () => {
  if (broker === undefined) return;
  const exit = await stopDevBroker(broker);
  // Every service disconnected before; the broker must still leave cleanly on SIGTERM.
  expect({ exit, output: broker.launched.output() }).toEqual({
    exit: { code: 0, signal: null },
    output: broker.launched.output(),
  });
});

function kafkaBrokers(): string {
  if (broker === undefined) throw new Error('the dev broker did not start (see beforeAll)');
  return broker.brokers;
}

describe.each(SERVICES)('%s as a process', (service) => {
  const database = `jsjb_proctest_${service}_${randomBytes(4).toString('hex')}`;
  const databaseUrl = withDatabase(serverUrl, database);
  // Its own keys (sla's timer queue writes some at boot), deleted afterwards.
  const redisKeyPrefix = `${database}:`;
  let launched: Launched | undefined;

  beforeAll(async () => {
    await ensureDatabases(serverUrl, [database]);
  });

  afterAll(async () => {
    await ensureStopped(launched);
    await dropDatabases(serverUrl, [database]);
    await deleteKeys(redisUrl, redisKeyPrefix);
  });

  it('refuses to boot without its configuration, naming each missing variable', async () => {
    const run = launchNode([serviceEntry(root, service)], {
      DATABASE_URL: '',
      REDIS_URL: 'not a url',
      KAFKA_BROKERS: undefined,
    });
    const exit = await withTimeout(run.exit, 30_000);
    expect(exit).toEqual({ code: 1, signal: null });
    const [fatal] = jsonLines(run.output());
    expect(fatal).toMatchObject({ level: 'fatal', service, code: 'CONFIG.INVALID' });
    expect(String(fatal?.['msg'])).toMatch(/DATABASE_URL: .*\n.*REDIS_URL: /);
    expect(String(fatal?.['msg'])).toMatch(/\n.*KAFKA_BROKERS: .*not set/);
  });

  it('refuses to boot when its database does not answer', async () => {
    const run = launchNode([serviceEntry(root, service)], {
      DATABASE_URL: 'postgresql://postgres:hidden@127.0.0.1:1/jsjb_nowhere',
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: kafkaBrokers(),
      PORT: '0',
    });
    const exit = await withTimeout(run.exit, 30_000);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(jsonLines(run.output()).at(-1)).toMatchObject({ level: 'fatal', code: 'DATABASE.UNREACHABLE' });
    expect(run.output()).not.toContain('hidden');
  });

  it('migrates, serves, and drains on SIGTERM', async () => {
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisKeyPrefix,
      KAFKA_BROKERS: kafkaBrokers(),
      LOG_LEVEL: 'info',
    };
    const migrateRun = launchNode([serviceEntry(root, service), 'migrate'], env);
    expect(await withTimeout(migrateRun.exit, 30_000)).toEqual({ code: 0, signal: null });
    expect(migrateRun.output()).toContain(
      `migrations: ${migrationCount(service)} applied, 0 already applied`,
    );

    const port = await findFreePort();
    launched = launchNode([serviceEntry(root, service)], { ...env, PORT: String(port) });
    const ready = await waitUntilReady(port);
    expect({ ready, output: ready ? '' : launched.output() }).toEqual({
      ready: allDependenciesUp(),
      output: '',
    });
    const started = Date.now();
    launched.child.kill('SIGTERM');
    expect(await withTimeout(launched.exit, 15_000)).toEqual({ code: 0, signal: null });
    expect(await isPortOpen(port)).toBe(false);
    const logs = jsonLines(launched.output());
    expect(logs.some((l) => l['msg'] === 'SIGTERM received: draining requests and closing connections')).toBe(
      true,
    );
    expect(logs.every((l) => typeof l['time'] === 'string' && typeof l['level'] === 'number')).toBe(true);
    process.stdout.write(`${service}: stopped ${Date.now() - started} ms after SIGTERM\n`);
  });
});

describe('operator subcommands of a service binary', () => {
  const run = async (args: string[]): Promise<{ exit: unknown; output: string }> => {
    const launched = launchNode([serviceEntry(root, 'routing'), ...args], {
      DATABASE_URL: withDatabase(serverUrl, 'postgres'),
      REDIS_URL: redisUrl,
      KAFKA_BROKERS: kafkaBrokers(),
      KAFKA_CONSUMER_GROUP: `jsjb-cli-test-${randomBytes(4).toString('hex')}`,
    });
    const exit = await withTimeout(launched.exit, 30_000);
    return { exit, output: launched.output() };
  };

  it('replays dead letters of a topic (none yet)', async () => {
    const topic = `jsjb.cli-test.${randomBytes(4).toString('hex')}`;
    const { exit, output } = await run(['replay-dlq', '--topic', topic]);
    expect({ exit, output }).toEqual({
      exit: { code: 0, signal: null },
      output: `replayed 0 dead letters of ${topic} (0 skipped)\n`,
    });
  });

  it('moves its consumer group to re-read a topic', async () => {
    const topic = `jsjb.cli-test.${randomBytes(4).toString('hex')}`;
    const admin = new Kafka({ brokers: [kafkaBrokers()], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    await admin.disconnect();
    const { exit, output } = await run(['reread', '--topic', topic, '--earliest']);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toMatch(
      new RegExp(`^group jsjb-cli-test-[0-9a-f]+ on ${topic.replace(/\./g, '\\.')}: \\[0\\]→0`),
    );
  });

  it('says what is missing', async () => {
    const { exit, output } = await run(['reread', '--topic', 'x']);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(jsonLines(output).at(-1)).toMatchObject({
      level: 'fatal',
      msg: 'reread needs one of --earliest, --offset <n>, --time <ISO time>',
    });
  });
});
