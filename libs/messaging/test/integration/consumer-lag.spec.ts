import { randomBytes } from 'node:crypto';
import { startDevBroker, type DevBroker } from '@jsjb/kafka-dev-broker';
import { waitFor } from '@jsjb/testing';
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createKafka, Outbox, OutboxRelay } from '../../src';
import {
  createTestDb,
  defaultBehaviour,
  startConsumer,
  TEST_EVENT,
  testCatalog,
  type RunningConsumer,
  type TestDb,
} from '../support';

const TIMEOUT_MS = 60_000;

/** jsjb_consumer_lag_messages summed over the topic's partitions; undefined when not exported. */
async function lagOf(registry: Registry, topic: string): Promise<number | undefined> {
  const lines = (await registry.metrics())
    .split('\n')
    .filter((line) => line.startsWith(`jsjb_consumer_lag_messages{topic="${topic}",`));
  return lines.length === 0 ? undefined : lines.reduce((sum, line) => sum + Number(line.split(' ')[1]), 0);
}

describe('consumer lag (real PostgreSQL, dev broker)', () => {
  let broker: DevBroker;
  let kafka: Kafka;
  let db: TestDb;
  let consumer: RunningConsumer | undefined;

  beforeAll(async () => {
    broker = await startDevBroker();
    kafka = createKafka({ brokers: [broker.brokers], clientId: 'lag-test' });
    db = await createTestDb('lag');
  }, TIMEOUT_MS);

  afterAll(async () => {
    await consumer?.close();
    await db?.close();
    await broker?.stop();
  }, TIMEOUT_MS);

  it('reports what the group has not committed, growing while it is stuck, back to 0 once it catches up', async () => {
    const { catalog, topic } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    await db.prisma.$transaction((tx) =>
      outbox.addMany(
        tx,
        [1, 2, 3].map((n) => ({ type: TEST_EVENT, subject: 'Q', data: { subject: 'Q', n } })),
      ),
    );
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka });
    expect(await relay.publishBatch()).toBe(3);
    await relay.stop();

    // The first event fails transiently for as long as the test wants: the partition is stuck.
    const behaviour = defaultBehaviour();
    behaviour.transientFailures.set('Q:1', Number.MAX_SAFE_INTEGER);
    const registry = new Registry();
    expect(await lagOf(registry, topic)).toBeUndefined();
    consumer = await startConsumer({
      kafka,
      prisma: db.prisma,
      catalog,
      groupId: `g-${randomBytes(4).toString('hex')}`,
      behaviour,
      metrics: registry,
    });
    expect(await lagOf(registry, topic)).toBe(3);
    behaviour.transientFailures.delete('Q:1');
    await waitFor(async () => (await lagOf(registry, topic)) === 0, {
      description: 'the lag back to 0',
      timeoutMs: 20_000,
    });
    expect(await db.prisma.testEffect.count()).toBe(3);
  });
});
