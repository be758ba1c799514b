import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startDevBroker, type DevBroker } from '@jsjb/kafka-dev-broker';
import { waitFor } from '@jsjb/testing';
import type { Kafka } from 'kafkajs';
import {
  type NewEvent,
  EventWiringError,
  rewindGroup,
  createKafka,
  DLQ_HEADERS,
  Outbox,
  OutboxRelay,
  replayDeadLetters,
  toKafkaHeaders,
} from '../../src';
import {
  assertExactlyOnceInOrder,
  createTestDb,
  defaultBehaviour,
  effects,
  startConsumer,
  TEST_EVENT,
  testCatalog,
  type HandlerBehaviour,
  type RunningConsumer,
  type TestDb,
} from '../support';

const root = join(__dirname, '../../../..');

/** Writes `perSubject` events for each of `subjects` subjects into the outbox, n = 1.. per subject, in transactions of `perTx`. */
async function fillOutbox(
  db: TestDb,
  outbox: Outbox,
  subjects: number,
  perSubject: number,
  perTx = 50,
): Promise<number> {
  const events: NewEvent[] = [];
  for (let n = 1; n <= perSubject; n++) {
    for (let s = 0; s < subjects; s++)
      events.push({ type: TEST_EVENT, subject: `S${s}`, data: { subject: `S${s}`, n } });
  }
  for (let i = 0; i < events.length; i += perTx) {
    const chunk = events.slice(i, i + perTx);
    await db.prisma.$transaction((tx) => outbox.addMany(tx, chunk));
  }
  return events.length;
}

function spawnRelay(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [join(__dirname, '../relay-process.cjs')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('event delivery through the outbox, Kafka and the inbox (real PostgreSQL, dev broker)', () => {
  let broker: DevBroker;
  let kafka: Kafka;
  let db: TestDb;
  let consumer: RunningConsumer | undefined;
  let behaviour: HandlerBehaviour;

  beforeAll(async () => {
    broker = await startDevBroker();
    kafka = createKafka({ brokers: [broker.brokers], clientId: 'messaging-test' });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  beforeEach(async () => {
    db = await createTestDb('delivery');
    behaviour = defaultBehaviour();
  });

  afterEach(async () => {
    await consumer?.close();
    consumer = undefined;
    await db.close();
  });

  const consume = async (catalog: ReturnType<typeof testCatalog>['catalog'], batch = 50): Promise<void> => {
    consumer = await startConsumer({
      kafka,
      prisma: db.prisma,
      catalog,
      groupId: `g-${randomBytes(4).toString('hex')}`,
      behaviour,
      transactionBatchSize: batch,
    });
  };

  it('delivers everything exactly once, in order per key, when the relay is killed mid-batch and restarted', async () => {
    const { catalog, topic } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    const total = await fillOutbox(db, outbox, 40, 25); // 1,000 events over 40 keys
    await consume(catalog);
    const env = {
      DATABASE_URL: db.database.url,
      KAFKA_BROKERS: broker.brokers,
      RELAY_ID: 'relay-under-test',
      BATCH_SIZE: '40',
      LEASE_MS: '60000',
    };

    // Dies right after its 5th batch reached Kafka, before marking it sent.
    const first = spawnRelay({ ...env, KILL_AFTER_BATCHES: '5' });
    expect(await first.exited).toBeNull();
    const published = await db.prisma.outboxEvent.count({ where: { sentAt: { not: null } } });
    expect(published).toBe(160); // 4 batches marked; the 5th reached Kafka unmarked

    // The restarted relay (same id) takes its claims back at once, republishes the 5th batch, and goes on.
    const second = spawnRelay(env);
    try {
      await waitFor(async () => (await db.prisma.outboxEvent.count({ where: { sentAt: null } })) === 0, {
        description: 'the outbox to drain',
        timeoutMs: 30_000,
      });
      await waitFor(async () => (await db.prisma.testEffect.count()) >= total, {
        description: `${total} effects`,
        timeoutMs: 30_000,
      });
      // The 5th batch reached Kafka twice: the topic holds 40 records more than there are events.
      const admin = kafka.admin();
      await admin.connect();
      try {
        const highs = await admin.fetchTopicOffsets(topic);
        expect(highs.reduce((sum, p) => sum + Number(p.high), 0)).toBe(total + 40);
        // The consumer has read every record, duplicates included, before effects are counted.
        await waitFor(
          async () => {
            const [committed] = await admin.fetchOffsets({
              groupId: consumer?.groupId ?? '',
              topics: [topic],
            });
            return highs.every(
              (h) => committed?.partitions.find((p) => p.partition === h.partition)?.offset === h.high,
            );
          },
          { description: 'the consumer to commit every record', timeoutMs: 20_000 },
        );
      } finally {
        await admin.disconnect();
      }
      assertExactlyOnceInOrder(await effects(db.prisma), total);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('buffers in the outbox while the broker is down for 10 s, then delivers everything in order', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    await consume(catalog);
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka, idlePollMs: 20, maxBackoffMs: 500 });
    await relay.start();
    try {
      let written = 0;
      const writeSome = async (count: number): Promise<void> => {
        written += await fillOutboxRange(db, outbox, 20, written / 20 + 1, count / 20);
      };
      await writeSome(200);
      await waitFor(async () => (await db.prisma.testEffect.count()) === 200, {
        description: 'first 200',
        timeoutMs: 20_000,
      });

      await broker.suspend();
      const outageEnds = Date.now() + 10_000;
      // Keep writing during the outage: the business transactions must not notice.
      while (Date.now() < outageEnds) {
        await writeSome(100);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const buffered = await db.prisma.outboxEvent.count({ where: { sentAt: null } });
      expect(buffered).toBeGreaterThan(1000);
      await broker.resume();

      await waitFor(async () => (await db.prisma.testEffect.count()) >= written, {
        description: `all ${written} events after the outage`,
        timeoutMs: 60_000,
      });
      assertExactlyOnceInOrder(await effects(db.prisma), written);
    } finally {
      await relay.stop();
    }
  }, 120_000);

  it('dead-letters a poison event with its error, goes on with the partition, and replays it after a fix', async () => {
    const { catalog, topic } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    await db.prisma.$transaction((tx) =>
      outbox.addMany(
        tx,
        Array.from({ length: 20 }, (_, i) => ({
          type: TEST_EVENT,
          subject: 'P',
          data: { subject: 'P', n: i + 1, poison: i + 1 === 5 },
        })),
      ),
    );
    await consume(catalog, 10);
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka, idlePollMs: 20 });
    await relay.start();
    try {
      await waitFor(async () => (await db.prisma.testEffect.count()) === 19, {
        description: '19 effects',
        timeoutMs: 20_000,
      });
      expect((await effects(db.prisma)).map((e) => e.n)).toEqual([
        1,
        2,
        3,
        4,
        ...Array.from({ length: 15 }, (_, i) => i + 6),
      ]);

      const dead = await readAll(kafka, `${topic}.dlq`, 1);
      expect(dead).toHaveLength(1);
      const headers = dead[0]?.headers ?? {};
      expect(headers[DLQ_HEADERS.errorMessage]).toBe('cannot handle P:5');
      expect(headers[DLQ_HEADERS.errorName]).toBe('Error');
      expect(headers[DLQ_HEADERS.originalTopic]).toBe(topic);
      expect(headers['ce_type']).toBe(TEST_EVENT);

      behaviour.poison = () => false; // the fix
      const replay = await replayDeadLetters({ kafka, topic });
      expect(replay).toEqual({ replayed: 1, skipped: 0 });
      await waitFor(async () => (await db.prisma.testEffect.count()) === 20, {
        description: 'the replayed event',
        timeoutMs: 20_000,
      });
      const applied = await effects(db.prisma);
      expect(applied.at(-1)?.n).toBe(5);
      expect(new Set(applied.map((e) => e.eventId)).size).toBe(20);
      // A second replay finds nothing new.
      expect(await replayDeadLetters({ kafka, topic })).toEqual({ replayed: 0, skipped: 0 });
    } finally {
      await relay.stop();
    }
  });

  it('retries transient failures without dead-lettering or reordering', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    behaviour.transientFailures.set('S0:3', 3);
    behaviour.transientFailures.set('S1:1', 2);
    const total = await fillOutbox(db, outbox, 2, 10, 5);
    await consume(catalog, 5);
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka, idlePollMs: 20 });
    await relay.start();
    try {
      await waitFor(async () => (await db.prisma.testEffect.count()) === total, {
        description: 'all effects',
        timeoutMs: 20_000,
      });
      assertExactlyOnceInOrder(await effects(db.prisma), total);
      expect([...behaviour.transientFailures.values()]).toEqual([0, 0]);
    } finally {
      await relay.stop();
    }
  });

  it('re-reads a topic from the start for a rebuild once its group is rewound and its inbox forgotten', async () => {
    const { catalog, topic } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    const total = await fillOutbox(db, outbox, 5, 4, 10);
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka, idlePollMs: 20 });
    await relay.start();
    const groupId = `g-${randomBytes(4).toString('hex')}`;
    const start = async (): Promise<RunningConsumer> =>
      startConsumer({ kafka, prisma: db.prisma, catalog, groupId, behaviour });
    try {
      consumer = await start();
      await waitFor(async () => (await db.prisma.testEffect.count()) === total, {
        description: 'first pass',
        timeoutMs: 20_000,
      });
      await consumer.close();
      consumer = undefined;

      // Rebuild: clear the read model and the group's inbox, move the group to the beginning.
      await db.prisma.testEffect.deleteMany();
      await db.prisma.processedEvent.deleteMany({ where: { consumerGroup: groupId } });
      const partitions = await rewindGroup({ kafka, groupId, topic, to: { earliest: true } });
      expect(partitions.map((p) => p.offset)).toEqual(partitions.map(() => '0'));

      consumer = await start();
      await waitFor(async () => (await db.prisma.testEffect.count()) === total, {
        description: 'second pass',
        timeoutMs: 20_000,
      });
      assertExactlyOnceInOrder(await effects(db.prisma), total);
    } finally {
      await relay.stop();
    }
  });

  it('refuses to start when an event type has two handlers', async () => {
    const { catalog } = testCatalog();
    await expect(
      startConsumer({
        kafka,
        prisma: db.prisma,
        catalog,
        groupId: 'never-joins',
        behaviour,
        duplicateHandler: true,
      }),
    ).rejects.toThrow(EventWiringError);
  });

  it('applies a redelivered event once, and dead-letters records that break the contract', async () => {
    const { catalog, topic } = testCatalog();
    await consume(catalog);
    const producer = kafka.producer();
    await producer.connect();
    const envelope = (id: string) => ({
      id,
      type: TEST_EVENT,
      source: 'jsjb/test',
      subject: 'D',
      time: new Date().toISOString(),
    });
    const record = (id: string, value: string) => ({
      key: 'D',
      value,
      headers: toKafkaHeaders(envelope(id)),
    });
    await producer.send({
      topic,
      messages: [
        record('e-1', JSON.stringify({ subject: 'D', n: 1 })),
        record('e-1', JSON.stringify({ subject: 'D', n: 1 })), // the same event again
        record('e-2', '{not json'),
        record('e-3', JSON.stringify({ subject: 'D', n: 'three' })),
        { key: 'D', value: '{}' }, // no CloudEvents headers
        record('e-4', JSON.stringify({ subject: 'D', n: 2 })),
      ],
    });
    await producer.disconnect();
    await waitFor(async () => (await db.prisma.testEffect.count()) === 2, {
      description: 'two effects',
      timeoutMs: 20_000,
    });
    const dead = await readAll(kafka, `${topic}.dlq`, 3);
    expect(dead.map((d) => d.headers[DLQ_HEADERS.errorName])).toEqual([
      'PoisonMessageError',
      'PoisonMessageError',
      'PoisonMessageError',
    ]);
    expect(dead[1]?.headers[DLQ_HEADERS.errorMessage]).toMatch(/fails its schema: n: /);
    expect((await effects(db.prisma)).map((e) => e.eventId)).toEqual(['e-1', 'e-4']);
  });
});

/** Adds events n = from .. from+perSubject-1 for `subjects` subjects; returns how many. */
async function fillOutboxRange(
  db: TestDb,
  outbox: Outbox,
  subjects: number,
  from: number,
  perSubject: number,
): Promise<number> {
  const events: NewEvent[] = [];
  for (let n = from; n < from + perSubject; n++) {
    for (let s = 0; s < subjects; s++)
      events.push({ type: TEST_EVENT, subject: `S${s}`, data: { subject: `S${s}`, n } });
  }
  await db.prisma.$transaction((tx) => outbox.addMany(tx, events));
  return events.length;
}

/** Reads `count` records of a topic from the beginning (strings). */
async function readAll(
  kafka: Kafka,
  topic: string,
  count: number,
): Promise<{ value: string; headers: Record<string, string> }[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  const records: { value: string; headers: Record<string, string> }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {}))
          if (v !== undefined) headers[k] = v.toString();
        records.push({ value: message.value?.toString() ?? '', headers });
        return Promise.resolve();
      },
    });
    await waitFor(() => records.length >= count, {
      description: `${count} records on ${topic}`,
      timeoutMs: 20_000,
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}
