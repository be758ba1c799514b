import { randomBytes, randomUUID } from 'node:crypto';
import { startDevBroker, type DevBroker } from '@jsjb/kafka-dev-broker';
import { waitFor } from '@jsjb/testing';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import {
  type EventCounterDefinition,
  type NewEvent,
  createKafka,
  EventContractError,
  EventCounters,
  MARK_SENT,
  Outbox,
  OutboxRelay,
  registerOutboxGauges,
  RELAY_SESSION_OPTIONS,
  withCommitHooks,
} from '../../src';
import {
  assertExactlyOnceInOrder,
  createTestDb,
  defaultBehaviour,
  effects,
  startConsumer,
  TEST_EVENT,
  testCatalog,
  type TestDb,
  type TestEvent,
} from '../support';

describe('transactional outbox and relay (real PostgreSQL, dev broker)', () => {
  let broker: DevBroker;
  let kafka: Kafka;
  let db: TestDb;

  beforeAll(async () => {
    broker = await startDevBroker();
    kafka = createKafka({ brokers: [broker.brokers], clientId: 'outbox-test' });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  beforeEach(async () => {
    db = await createTestDb('outbox');
  });

  afterEach(async () => {
    await db.close();
  });

  it('stores nothing when the event breaks its contract, and rolls the business transaction back', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.testEffect.create({ data: { eventId: 'x', subject: 'x', n: 1 } });
        await outbox.add(tx, { type: TEST_EVENT, subject: 'A', data: { subject: 'A', n: 'one' } });
      }),
    ).rejects.toThrow(EventContractError);
    await expect(
      db.prisma.$transaction((tx) => outbox.add(tx, { type: 'nope.happened.v1', subject: 'A', data: {} })),
    ).rejects.toThrow(/Unknown event type "nope.happened.v1"/);
    expect(await db.prisma.outboxEvent.count()).toBe(0);
    expect(await db.prisma.testEffect.count()).toBe(0);
  });

  it('stores more events in one call than one statement could bind (12,000)', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    const events: NewEvent[] = Array.from({ length: 12_000 }, (_, i) => ({
      type: TEST_EVENT,
      subject: `B${i % 100}`,
      data: { subject: `B${i % 100}`, n: Math.floor(i / 100) + 1 },
    }));
    const stored = await db.prisma.$transaction((tx) => outbox.addMany(tx, events), { timeout: 60_000 });
    expect(stored).toHaveLength(12_000);
    expect(await db.prisma.outboxEvent.count()).toBe(12_000);
  });

  it('in a consumer batch stores the events of all its handlers together at its end, in the order added', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    const event = (n: number): NewEvent => ({ type: TEST_EVENT, subject: 'C', data: { subject: 'C', n } });
    await db.prisma.$transaction((tx) =>
      withCommitHooks(tx, async () => {
        await outbox.add(tx, event(1));
        await outbox.addMany(tx, [event(2), event(3)]);
        expect(await tx.outboxEvent.count()).toBe(0);
      }),
    );
    const rows = await db.prisma.outboxEvent.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.map((r) => (r.payload as TestEvent).n)).toEqual([1, 2, 3]);
    // A batch that fails stores none of its events.
    await expect(
      db.prisma.$transaction((tx) =>
        withCommitHooks(tx, async () => {
          await outbox.add(tx, event(4));
          throw new Error('handler failed');
        }),
      ),
    ).rejects.toThrow('handler failed');
    expect(await db.prisma.outboxEvent.count()).toBe(3);
  });

  it('publishes with the aggregate id as key and the CloudEvents envelope in headers', async () => {
    const { catalog, topic } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    const stored = await db.prisma.$transaction((tx) =>
      outbox.add(tx, {
        type: TEST_EVENT,
        subject: 'T-42',
        data: { subject: 'T-42', n: 1 },
        time: new Date('2026-11-21T08:00:00.000Z'),
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      }),
    );
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka });
    expect(await relay.publishBatch()).toBe(1);
    await relay.stop();

    const reader = kafka.consumer({ groupId: `r-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
    const seen: { key: string; value: unknown; headers: Record<string, string> }[] = [];
    await reader.connect();
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      eachMessage: ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(message.headers ?? {}))
          if (v !== undefined) headers[k] = v.toString();
        seen.push({
          key: message.key?.toString() ?? '',
          value: JSON.parse(message.value?.toString() ?? 'null'),
          headers,
        });
        return Promise.resolve();
      },
    });
    await waitFor(() => seen.length === 1, { description: 'the published event', timeoutMs: 10_000 });
    await reader.disconnect();
    expect(seen[0]).toEqual({
      key: 'T-42',
      value: { subject: 'T-42', n: 1 },
      headers: {
        ce_specversion: '1.0',
        ce_id: stored.id,
        ce_type: TEST_EVENT,
        ce_source: 'jsjb/test',
        ce_subject: 'T-42',
        ce_time: '2026-11-21T08:00:00.000Z',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'content-type': 'application/json',
      },
    });
    expect(await db.prisma.outboxEvent.count({ where: { sentAt: null } })).toBe(0);
  });

  it('keeps per-key order with two relays claiming concurrently', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    const events: NewEvent[] = [];
    for (let n = 1; n <= 50; n++)
      for (let s = 0; s < 10; s++)
        events.push({ type: TEST_EVENT, subject: `K${s}`, data: { subject: `K${s}`, n } });
    for (let i = 0; i < events.length; i += 25)
      await db.prisma.$transaction((tx) => outbox.addMany(tx, events.slice(i, i + 25)));
    const consumer = await startConsumer({
      kafka,
      prisma: db.prisma,
      catalog,
      groupId: `g-${randomBytes(4).toString('hex')}`,
      behaviour: defaultBehaviour(),
    });
    const relays = ['a', 'b'].map(
      (id) =>
        new OutboxRelay({ databaseUrl: db.database.url, kafka, relayId: id, batchSize: 7, idlePollMs: 10 }),
    );
    try {
      await Promise.all(relays.map((r) => r.start()));
      await waitFor(async () => (await db.prisma.testEffect.count()) === events.length, {
        description: 'all effects',
        timeoutMs: 30_000,
      });
      assertExactlyOnceInOrder(await effects(db.prisma), events.length);
      const claimedBy = await db.prisma.outboxEvent.groupBy({ by: ['claimedBy'], _count: true });
      expect(claimedBy.map((c) => c.claimedBy).sort()).toEqual(['a', 'b']);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await consumer.close();
    }
  });

  it("marks what it sent by index, however much the table grew after the statement's plan was made", async () => {
    // A session with the relay's settings, preparing its mark-sent as the relay does.
    const session = new Client({ connectionString: db.database.url, options: RELAY_SESSION_OPTIONS });
    await session.connect();
    try {
      // Six runs on an empty table: PostgreSQL then caches the statement's generic plan.
      for (let run = 0; run < 6; run++) await session.query({ ...MARK_SENT, values: [[randomUUID()]] });
      await session.query(
        `INSERT INTO outbox_event (id, topic, key, type, payload, sent_at)
         SELECT gen_random_uuid(), 't', 'k' || n, 'x', '{}', now() FROM generate_series(1, 20000) AS n`,
      );
      const { rows } = await session.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN EXECUTE "${MARK_SENT.name}"('{${randomUUID()}}')`,
      );
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Scan using outbox_event_pkey');
      expect(plan).not.toContain('Seq Scan');
    } finally {
      await session.end();
    }
  });

  it('reports its lag, counts what it published by the business counters, and prunes what was sent', async () => {
    const { catalog } = testCatalog();
    const outbox = new Outbox(catalog, 'jsjb/test');
    await db.prisma.$transaction((tx) =>
      outbox.addMany(tx, [
        { type: TEST_EVENT, subject: 'L', data: { subject: 'L', n: 1 }, time: new Date(Date.now() - 5000) },
        { type: TEST_EVENT, subject: 'L', data: { subject: 'L', n: 2, poison: true } },
      ]),
    );
    const registry = new Registry();
    registerOutboxGauges(registry, db.prisma);
    // The test event is not in the contracts' catalogue: its counter is declared loosely here.
    const counter: EventCounterDefinition = {
      name: 'jsjb_test_events_total',
      help: 'test',
      labelNames: ['poison'],
      events: {},
    };
    (counter.events as Record<string, (data: TestEvent) => Record<string, string>>)[TEST_EVENT] = (data) => ({
      poison: String(data.poison === true),
    });
    const relay = new OutboxRelay({
      databaseUrl: db.database.url,
      kafka,
      metrics: registry,
      eventCounters: new EventCounters([counter], registry),
      retainSentMs: 0,
    });
    const metrics = async (): Promise<string> => registry.metrics();
    expect(await metrics()).toMatch(/^jsjb_outbox_lag_seconds (4|5|6)\.\d+$/m);
    expect(await metrics()).toMatch(/^jsjb_outbox_pending 2$/m);
    expect(await metrics()).not.toMatch(/^jsjb_test_events_total\{/m);
    expect(await relay.publishBatch()).toBe(2);
    expect(await metrics()).toMatch(/^jsjb_outbox_lag_seconds 0$/m);
    expect(await metrics()).toMatch(/^jsjb_outbox_pending 0$/m);
    expect(await metrics()).toMatch(/^outbox_published_total 2$/m);
    expect(await metrics()).toMatch(/^jsjb_test_events_total\{poison="false"\} 1$/m);
    expect(await metrics()).toMatch(/^jsjb_test_events_total\{poison="true"\} 1$/m);
    expect(await relay.prune()).toBe(2);
    expect(await db.prisma.outboxEvent.count()).toBe(0);
    await relay.stop();
  });
});
