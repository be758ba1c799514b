// Conformance: producing and consuming through kafkajs. Runs against the in-process dev broker,
// or unchanged against a real Kafka when KAFKA_BROKERS is set.

import { CompressionTypes, type Consumer, type EachMessagePayload, type Kafka, type Producer } from 'kafkajs';
import {
  createTopics,
  fastConsumer,
  kafkaClient,
  producerOf,
  startCluster,
  uniqueName,
  waitFor,
  type TestCluster,
} from '../support/cluster';

jest.setTimeout(60_000);

describe('produce and consume (kafkajs)', () => {
  let cluster: TestCluster;
  let kafka: Kafka;
  let producer: Producer;
  const consumers: Consumer[] = [];

  function consumer(groupId: string): Consumer {
    const c = kafka.consumer({ groupId, ...fastConsumer });
    consumers.push(c);
    return c;
  }

  beforeAll(async () => {
    cluster = await startCluster();
    kafka = kafkaClient(cluster, uniqueName('produce-consume'));
    producer = producerOf(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.disconnect()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await cluster.stop();
  });

  it('delivers 1,000 keyed messages over 3 partitions, preserving per-key order', async () => {
    const topic = uniqueName('keyed');
    await createTopics(kafka, [topic], 3);
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    const perKey = 50;
    for (let round = 0; round < perKey; round += 10) {
      const messages = [];
      for (let seq = round; seq < round + 10; seq++) {
        for (const key of keys) messages.push({ key, value: JSON.stringify({ key, seq }) });
      }
      await producer.send({ topic, messages });
    }

    const received = new Map<string, number[]>();
    const partitionOfKey = new Map<string, Set<number>>();
    let count = 0;
    const c = consumer(uniqueName('keyed-group'));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: ({ partition, message }: EachMessagePayload) => {
        const { key, seq } = JSON.parse(String(message.value)) as { key: string; seq: number };
        expect(String(message.key)).toBe(key);
        received.set(key, [...(received.get(key) ?? []), seq]);
        partitionOfKey.set(key, (partitionOfKey.get(key) ?? new Set()).add(partition));
        count += 1;
        return Promise.resolve();
      },
    });
    await waitFor('1,000 messages', () => count >= keys.length * perKey);

    expect(count).toBe(keys.length * perKey);
    for (const key of keys) {
      expect(received.get(key)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      expect(partitionOfKey.get(key)?.size).toBe(1);
    }
    const partitionsUsed = new Set([...partitionOfKey.values()].flatMap((s) => [...s]));
    expect(partitionsUsed).toEqual(new Set([0, 1, 2]));
  });

  it('round-trips headers (binary and repeated values), null keys, tombstones and timestamps', async () => {
    const topic = uniqueName('headers');
    await createTopics(kafka, [topic], 1);
    const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x7f, 0x00]);
    const timestamp = String(Date.now() - 60_000);
    await producer.send({
      topic,
      messages: [
        {
          key: 'with-headers',
          value: 'payload',
          timestamp,
          headers: { 'content-type': 'application/json', binary, empty: '', repeated: ['one', 'two'] },
        },
        { key: null, value: 'no key' },
        { key: 'tombstone', value: null },
      ],
    });

    const messages: EachMessagePayload['message'][] = [];
    const c = consumer(uniqueName('headers-group'));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: ({ message }) => {
        messages.push(message);
        return Promise.resolve();
      },
    });
    await waitFor('3 messages', () => messages.length >= 3);

    const [first, second, third] = messages;
    expect(first?.timestamp).toBe(timestamp);
    expect(first?.headers?.['content-type']).toEqual(Buffer.from('application/json'));
    expect(first?.headers?.binary).toEqual(binary);
    expect(first?.headers?.empty).toEqual(Buffer.alloc(0));
    expect(first?.headers?.repeated).toEqual([Buffer.from('one'), Buffer.from('two')]);
    expect(second?.key).toBeNull();
    expect(String(second?.value)).toBe('no key');
    expect(String(third?.key)).toBe('tombstone');
    expect(third?.value).toBeNull();
    expect(messages.map((m) => m.offset)).toEqual(['0', '1', '2']);
  });

  it('passes GZIP-compressed batches through to the consumer', async () => {
    const topic = uniqueName('gzip');
    await createTopics(kafka, [topic], 1);
    const values = Array.from({ length: 100 }, (_, i) => `compressed-${i}-${'z'.repeat(200)}`);
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: values.map((value, i) => ({ value, headers: { n: String(i) } })),
    });

    const received: { offset: string; value: string; n: string }[] = [];
    const c = consumer(uniqueName('gzip-group'));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachMessage: ({ message }) => {
        received.push({
          offset: message.offset,
          value: String(message.value),
          n: String(message.headers?.n),
        });
        return Promise.resolve();
      },
    });
    await waitFor('100 messages', () => received.length >= 100);
    expect(received.map((r) => r.value)).toEqual(values);
    expect(received.map((r) => r.offset)).toEqual(values.map((_, i) => String(i)));
    expect(received.map((r) => r.n)).toEqual(values.map((_, i) => String(i)));
  });

  it('eachBatch receives ordered batches with offsets and high watermarks', async () => {
    const topic = uniqueName('batches');
    await createTopics(kafka, [topic], 3);
    for (let i = 0; i < 5; i++) {
      await producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, j) => ({ partition: 1, value: String(i * 10 + j) })),
      });
    }

    const offsets: string[] = [];
    const values: string[] = [];
    let lastHighWatermark = '';
    const c = consumer(uniqueName('batches-group'));
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    await c.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        expect(batch.topic).toBe(topic);
        expect(batch.partition).toBe(1);
        for (const message of batch.messages) {
          offsets.push(message.offset);
          values.push(String(message.value));
          resolveOffset(message.offset);
        }
        expect(batch.firstOffset()).toBe(batch.messages[0]?.offset);
        expect(batch.lastOffset()).toBe(batch.messages[batch.messages.length - 1]?.offset);
        lastHighWatermark = batch.highWatermark;
        await heartbeat();
      },
    });
    await waitFor('50 messages', () => offsets.length >= 50);

    expect(offsets).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(lastHighWatermark).toBe('50');
  });

  it('honours fromBeginning: false (messages produced before the consumer joined are not delivered)', async () => {
    const topic = uniqueName('latest');
    await createTopics(kafka, [topic], 3);
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `before-${i}` })),
    });

    const values: string[] = [];
    let fetches = 0;
    const c = consumer(uniqueName('latest-group'));
    c.on(c.events.FETCH, () => {
      fetches += 1;
    });
    await c.connect();
    await c.subscribe({ topic, fromBeginning: false });
    await c.run({
      eachMessage: ({ message }) => {
        values.push(String(message.value));
        return Promise.resolve();
      },
    });
    // After the first completed fetch the consumer has resolved its start offsets (latest).
    await waitFor('the first fetch', () => fetches > 0);
    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `after-${i}` })),
    });
    await waitFor('30 new messages', () => values.length >= 30);

    expect(values.filter((v) => v.startsWith('before-'))).toEqual([]);
    expect(new Set(values)).toEqual(new Set(Array.from({ length: 30 }, (_, i) => `after-${i}`)));
  });
});
