// startDevBroker options and the DevBroker test helpers (dev-broker specific, not conformance).

import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { startDevBroker, type DevBroker } from '../../src';
import { waitFor } from '../support/cluster';
import { RawClient } from '../support/raw-client';

describe('startDevBroker', () => {
  const brokers: DevBroker[] = [];

  async function start(options: Parameters<typeof startDevBroker>[0] = {}): Promise<DevBroker> {
    const broker = await startDevBroker(options);
    brokers.push(broker);
    return broker;
  }

  function client(broker: DevBroker): Kafka {
    return new Kafka({
      clientId: 'options-test',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
  }

  afterEach(async () => {
    await Promise.all(brokers.splice(0).map((b) => b.stop()));
  });

  it('reports host, port and a brokers string, on an ephemeral port by default', async () => {
    const broker = await start();
    expect(broker.host).toBe('127.0.0.1');
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.brokers).toBe(`127.0.0.1:${broker.port}`);
  });

  it('auto-creates topics with defaultPartitions on produce and exposes high watermarks', async () => {
    const lines: string[] = [];
    const broker = await start({ defaultPartitions: 2, logger: (line) => lines.push(line) });
    const producer = client(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({
      topic: 'auto',
      messages: [
        { partition: 1, value: 'a' },
        { partition: 1, value: 'b' },
      ],
    });
    await producer.disconnect();
    expect(broker.topics()).toEqual(['auto']);
    expect(broker.highWatermarks('auto')).toEqual([0, 2]);
    expect(broker.highWatermarks('missing')).toBeUndefined();
    expect(lines).toContain('auto-created topic auto (2 partitions)');
  });

  it('refuses unknown topics when autoCreateTopics is false', async () => {
    const broker = await start({ autoCreateTopics: false });
    const producer = client(broker).producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await expect(producer.send({ topic: 'nope', messages: [{ value: 'x' }] })).rejects.toThrow(
      /does not host this topic-partition|UNKNOWN_TOPIC_OR_PARTITION|topic/i,
    );
    await producer.disconnect();
    expect(broker.createTopic('made', 4)).toBe(true);
    expect(broker.createTopic('made', 4)).toBe(false);
    expect(broker.highWatermarks('made')).toEqual([0, 0, 0, 0]);
  });

  it('exposes consumer group snapshots', async () => {
    const broker = await start();
    broker.createTopic('snap', 3);
    const consumer = client(broker).consumer({ groupId: 'snap-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'snap', fromBeginning: true });
    await consumer.run({ eachMessage: () => Promise.resolve() });
    const snapshot = await waitFor('a stable group', () => {
      const group = broker.group('snap-group');
      return group?.state === 'Stable' ? group : undefined;
    });
    expect(snapshot).toMatchObject({
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'RoundRobinAssigner',
    });
    expect(snapshot.members).toHaveLength(1);
    expect(snapshot.members[0]?.memberId).toBe(snapshot.leaderId);
    await consumer.disconnect();
    expect(broker.group('snap-group')?.state).toBe('Empty');
    expect(broker.group('unknown')).toBeUndefined();
  });

  it('bound to a wildcard address, advertises the address each client connected to', async () => {
    const broker = await start({ host: '0.0.0.0' });
    expect(broker.brokers).toBe(`127.0.0.1:${broker.port}`);
    const admin = client(broker).admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: broker.port }]);
  });

  it('honours advertisedHost', async () => {
    const broker = await start({ advertisedHost: 'localhost' });
    expect(broker.brokers).toBe(`localhost:${broker.port}`);
    const admin = client(broker).admin();
    await admin.connect();
    expect((await admin.describeCluster()).brokers[0]?.host).toBe('localhost');
    await admin.disconnect();
  });

  it('suspend() refuses connections and drops clients; resume() serves the same state on the same port', async () => {
    const broker = await start();
    broker.createTopic('outage', 1);
    const kafka = new Kafka({
      clientId: 'outage-test',
      brokers: [broker.brokers],
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 200 },
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic: 'outage', messages: [{ value: 'before' }] });
    const values: string[] = [];
    const consumer = kafka.consumer({
      groupId: 'outage-group',
      maxWaitTimeInMs: 100,
      heartbeatInterval: 200,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: 'outage', fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        values.push(String(message.value));
        return Promise.resolve();
      },
    });
    await waitFor('the first message', () => values.includes('before'));

    await Promise.all([broker.suspend(), broker.suspend()]);
    expect(broker.connectionCount()).toBe(0);
    await expect(RawClient.connect(broker.port)).rejects.toThrow(/ECONNREFUSED/);
    const during = producer.send({ topic: 'outage', messages: [{ value: 'during' }] }); // retries meanwhile
    await broker.resume();
    await broker.resume();
    await during;
    await producer.send({ topic: 'outage', messages: [{ value: 'after' }] });
    await waitFor(
      'the messages sent during and after the outage',
      () => values.includes('during') && values.includes('after'),
    );
    expect(broker.highWatermarks('outage')).toEqual([3]);
    await consumer.disconnect();
    await producer.disconnect();
  });

  it('rejects a non-positive defaultPartitions and reports bind errors', async () => {
    await expect(startDevBroker({ defaultPartitions: 0 })).rejects.toThrow(RangeError);
    const taken = await start();
    await expect(startDevBroker({ port: taken.port })).rejects.toThrow(/EADDRINUSE/);
  });
});
