// Conformance: the kafkajs admin client. Runs against the in-process dev broker, or unchanged
// against a real Kafka when KAFKA_BROKERS is set.

import { AssignerProtocol, type Admin, type Consumer, type Kafka, type Producer } from 'kafkajs';
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

describe('admin (kafkajs)', () => {
  let cluster: TestCluster;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const running: Consumer[] = [];
  const clientId = uniqueName('admin');

  /** Runs a group member; `values` collects what it receives, `fetches` counts completed fetches. */
  async function consume(
    groupId: string,
    topic: string,
    fromBeginning = true,
  ): Promise<{ consumer: Consumer; values: string[]; fetches: () => number }> {
    const consumer = kafka.consumer({ groupId, ...fastConsumer });
    running.push(consumer);
    const values: string[] = [];
    let fetches = 0;
    consumer.on(consumer.events.FETCH, () => {
      fetches += 1;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });
    await consumer.run({
      eachMessage: ({ message }) => {
        values.push(String(message.value));
        return Promise.resolve();
      },
    });
    return { consumer, values, fetches: () => fetches };
  }

  async function stop(consumer: Consumer): Promise<void> {
    running.splice(running.indexOf(consumer), 1);
    await consumer.disconnect();
  }

  async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries((result?.partitions ?? []).map((p) => [p.partition, p.offset]));
  }

  async function highWatermarks(topic: string): Promise<Record<number, string>> {
    return Object.fromEntries((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  }

  beforeAll(async () => {
    cluster = await startCluster();
    kafka = kafkaClient(cluster, clientId);
    admin = kafka.admin();
    await admin.connect();
    producer = producerOf(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.disconnect()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await cluster.stop();
  });

  it('createTopics creates, reports existing topics, validateOnly creates nothing; fetchTopicMetadata', async () => {
    const topic = uniqueName('created');
    const validated = uniqueName('validated');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })).toBe(
      true,
    );
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }] })).toBe(
      false,
    );
    expect(
      await admin.createTopics({
        validateOnly: true,
        waitForLeaders: false,
        topics: [{ topic: validated, numPartitions: 2, replicationFactor: 1 }],
      }),
    ).toBe(true);

    const topics = await admin.listTopics();
    expect(topics).toContain(topic);
    expect(topics).not.toContain(validated);

    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics).toHaveLength(1);
    const partitions = metadata.topics[0]?.partitions ?? [];
    expect(partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    const described = await admin.describeCluster();
    const nodeIds = described.brokers.map((b) => b.nodeId);
    expect(nodeIds).toContain(described.controller);
    for (const p of partitions) {
      expect(p.partitionErrorCode).toBe(0);
      expect(nodeIds).toContain(p.leader);
      expect(p.replicas).toHaveLength(1);
    }
  });

  it('fetchTopicOffsets and fetchTopicOffsetsByTimestamp', async () => {
    const topic = uniqueName('offsets');
    await createTopics(kafka, [topic], 3);
    const t0 = Date.now() - 60_000;
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        partition: 0,
        value: `m${i}`,
        timestamp: String(t0 + i * 1000),
      })),
    });

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(
      offsets.sort((a, b) => a.partition - b.partition).map((p) => [p.partition, p.low, p.high]),
    ).toEqual([
      [0, '0', '10'],
      [1, '0', '0'],
      [2, '0', '0'],
    ]);

    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 4500);
    expect(Object.fromEntries(byTime.map((p) => [p.partition, p.offset]))).toEqual({
      0: '5',
      1: '0',
      2: '0',
    });
    const beforeAll = await admin.fetchTopicOffsetsByTimestamp(topic, t0 - 10_000);
    expect(beforeAll.find((p) => p.partition === 0)?.offset).toBe('0');
    const afterAll = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 60_000);
    expect(afterAll.find((p) => p.partition === 0)?.offset).toBe('10');
  });

  it('fetchOffsets and resetOffsets (earliest and latest)', async () => {
    const topic = uniqueName('reset');
    const groupId = uniqueName('reset-group');
    await createTopics(kafka, [topic], 3);
    expect(await committed(groupId, topic)).toEqual({ 0: '-1', 1: '-1', 2: '-1' });

    await producer.send({
      topic,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    });
    const high = await highWatermarks(topic);
    const first = await consume(groupId, topic);
    await waitFor('30 messages', () => first.values.length >= 30);
    await stop(first.consumer);
    await waitFor('offsets committed at the high watermarks', async () => {
      const offsets = await committed(groupId, topic);
      return JSON.stringify(offsets) === JSON.stringify(high);
    });

    await admin.resetOffsets({ groupId, topic, earliest: true });
    for (const offset of Object.values(await committed(groupId, topic)))
      expect(Number(offset)).toBeLessThanOrEqual(0);
    const again = await consume(groupId, topic);
    await waitFor('all 30 messages again after the reset to earliest', () => again.values.length >= 30);
    expect(new Set(again.values).size).toBe(30);
    await stop(again.consumer);

    // Messages produced while the group is down would be delivered from the committed offsets...
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `s${i}`, value: `skipped-${i}` })),
    });
    // ...unless the group is reset to the latest offsets (kafkajs commits -1 = "latest").
    await admin.resetOffsets({ groupId, topic, earliest: false });
    const latest = await consume(groupId, topic, false);
    await waitFor('the first fetch', () => latest.fetches() > 0);
    await producer.send({ topic, messages: [{ key: 'late', value: 'after-latest-reset' }] });
    await waitFor('the message produced after the reset', () => latest.values.includes('after-latest-reset'));
    expect(latest.values).toEqual(['after-latest-reset']);
    // (Each admin.resetOffsets runs a consumer that waits out one default maxWaitTime: ~5 s.)
  });

  it('describeGroups, listGroups and deleteGroups', async () => {
    const topic = uniqueName('described');
    const groupId = uniqueName('described-group');
    await createTopics(kafka, [topic], 3);
    const { consumer } = await consume(groupId, topic);

    const stable = await waitFor('a stable group with one member', async () => {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return group?.state === 'Stable' && group.members.length === 1 ? group : undefined;
    });
    expect(stable).toMatchObject({
      groupId,
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
      errorCode: 0,
    });
    const [member] = stable.members;
    expect(member?.clientId).toBe(clientId);
    expect(member?.clientHost).toMatch(/\S/);
    const assignment = AssignerProtocol.MemberAssignment.decode(member?.memberAssignment ?? Buffer.alloc(0));
    expect(assignment?.assignment[topic]?.slice().sort()).toEqual([0, 1, 2]);
    const metadata = AssignerProtocol.MemberMetadata.decode(member?.memberMetadata ?? Buffer.alloc(0));
    expect(metadata?.topics).toEqual([topic]);

    const { groups } = await admin.listGroups();
    expect(groups).toContainEqual({ groupId, protocolType: 'consumer' });

    await stop(consumer);
    await waitFor('the group to be empty', async () => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      return group?.state === 'Empty' && group.members.length === 0;
    });
    await admin.deleteGroups([groupId]);
    const [deleted] = (await admin.describeGroups([groupId])).groups;
    expect(deleted?.state).toBe('Dead');
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(groupId);
  });

  it('deleteTopics removes a topic', async () => {
    const topic = uniqueName('deleted');
    await createTopics(kafka, [topic], 1);
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics({ topics: [topic] });
    await waitFor('the topic to disappear', async () => !(await admin.listTopics()).includes(topic));
  });
});
