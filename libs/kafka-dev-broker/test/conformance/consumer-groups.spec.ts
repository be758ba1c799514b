// Conformance: consumer group membership, rebalancing and committed offsets through kafkajs.
// Runs against the in-process dev broker, or unchanged against a real Kafka (KAFKA_BROKERS).

import { connect, Socket } from 'node:net';
import type { Consumer, ISocketFactory, Kafka, Producer } from 'kafkajs';
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

jest.setTimeout(90_000);

interface Member {
  name: string;
  consumer: Consumer;
  /** Partitions of the last completed join (GROUP_JOIN event). */
  assignment: number[];
  received: { partition: number; value: string }[];
}

/** A socket factory whose connections can all be cut at once, with reconnects refused: a crash. */
function crashableNetwork(): { factory: ISocketFactory; crash(): void; crashed(): boolean } {
  const sockets = new Set<Socket>();
  let down = false;
  const factory: ISocketFactory = ({ host, port, onConnect }) => {
    if (down) {
      const socket = new Socket();
      process.nextTick(() => socket.destroy(new Error('simulated crash: network unreachable')));
      return socket;
    }
    const socket = connect({ host, port }, onConnect);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
  return {
    factory,
    crash: () => {
      down = true;
      // With an error, so the client's in-flight requests fail now instead of timing out.
      for (const socket of sockets) socket.destroy(new Error('simulated crash: network unreachable'));
    },
    crashed: () => down,
  };
}

function disjointCover(members: Member[], partitions: number[]): boolean {
  const all = members.flatMap((m) => m.assignment);
  return (
    members.every((m) => m.assignment.length > 0) &&
    all.length === partitions.length &&
    partitions.every((p) => all.includes(p))
  );
}

describe('consumer groups (kafkajs)', () => {
  let cluster: TestCluster;
  let kafka: Kafka;
  let producer: Producer;
  const running: Consumer[] = [];

  async function startMember(
    name: string,
    groupId: string,
    topic: string,
    options: { client?: Kafka; consumer?: Partial<Parameters<Kafka['consumer']>[0]> } = {},
  ): Promise<Member> {
    const consumer = (options.client ?? kafka).consumer({ groupId, ...fastConsumer, ...options.consumer });
    running.push(consumer);
    const member: Member = { name, consumer, assignment: [], received: [] };
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      member.assignment = [...(event.payload.memberAssignment[topic] ?? [])].sort();
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        member.received.push({ partition, value: String(message.value) });
        return Promise.resolve();
      },
    });
    return member;
  }

  async function stopMember(member: Member): Promise<void> {
    running.splice(running.indexOf(member.consumer), 1);
    await member.consumer.disconnect();
  }

  async function produce(topic: string, prefix: string, count: number): Promise<string[]> {
    const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    await producer.send({ topic, messages: values.map((value) => ({ key: value, value })) });
    return values;
  }

  beforeAll(async () => {
    cluster = await startCluster();
    kafka = kafkaClient(cluster, uniqueName('groups'));
    producer = producerOf(kafka);
    await producer.connect();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((c) => c.disconnect()));
  });

  afterAll(async () => {
    await producer.disconnect();
    await cluster.stop();
  });

  it('splits partitions between two members; the survivor takes all after the other disconnects', async () => {
    const topic = uniqueName('split');
    const groupId = uniqueName('split-group');
    await createTopics(kafka, [topic], 3);

    const a = await startMember('a', groupId, topic);
    await waitFor('a to own all partitions', () => a.assignment.length === 3);
    const b = await startMember('b', groupId, topic);
    await waitFor('a and b to split the partitions', () => disjointCover([a, b], [0, 1, 2]));

    const first = await produce(topic, 'first', 30);
    await waitFor('30 messages across both members', () => a.received.length + b.received.length >= 30);
    for (const member of [a, b]) {
      expect(member.received.length).toBeGreaterThan(0);
      for (const { partition } of member.received) expect(member.assignment).toContain(partition);
    }

    await stopMember(a);
    await waitFor('b to own all partitions', () => b.assignment.length === 3);
    const second = await produce(topic, 'second', 30);
    await waitFor(
      'b to receive the second round',
      () => b.received.filter((r) => r.value.startsWith('second-')).length >= 30,
    );

    const seen = new Set([...a.received, ...b.received].map((r) => r.value));
    for (const value of [...first, ...second]) expect(seen).toContain(value);
  });

  it('hands a crashed member’s partitions to the survivor once its session expires', async () => {
    const topic = uniqueName('crash');
    const groupId = uniqueName('crash-group');
    await createTopics(kafka, [topic], 3);

    const network = crashableNetwork();
    // Few, quick retries: after the crash this client only fails, and its teardown waits them out.
    const crashingClient = kafkaClient(cluster, uniqueName('crashing'), {
      socketFactory: network.factory,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 300 },
    });
    const a = await startMember('a', groupId, topic, {
      client: crashingClient,
      consumer: {
        sessionTimeout: 6_000,
        retry: {
          retries: 2,
          initialRetryTime: 100,
          maxRetryTime: 300,
          restartOnFailure: () => Promise.resolve(!network.crashed()),
        },
      },
    });
    await waitFor('a to own all partitions', () => a.assignment.length === 3);
    const b = await startMember('b', groupId, topic);
    await waitFor('a and b to split the partitions', () => disjointCover([a, b], [0, 1, 2]));
    const bBefore = [...b.assignment];

    network.crash(); // no LeaveGroup, no more heartbeats: only session expiry can remove a
    await waitFor('b to take over every partition', () => b.assignment.length === 3, 45_000);
    expect(b.assignment).toEqual([0, 1, 2]);
    expect(bBefore.length).toBeLessThan(3);

    const values = await produce(topic, 'after-crash', 30);
    await waitFor('b to receive everything', () =>
      values.every((v) => b.received.some((r) => r.value === v)),
    );
  });

  it('a restarted group resumes from its committed offsets without re-delivery', async () => {
    const topic = uniqueName('resume');
    const groupId = uniqueName('resume-group');
    await createTopics(kafka, [topic], 3);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await produce(topic, 'first', 30);
      const first = await startMember('first', groupId, topic);
      await waitFor('the first run to consume 30', () => first.received.length >= 30);
      await stopMember(first);
      await waitFor('offsets 30 committed', async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const total = (committed?.partitions ?? []).reduce(
          (sum, p) => sum + Math.max(0, Number(p.offset)),
          0,
        );
        return total === 30;
      });

      const second = await produce(topic, 'second', 30);
      const restarted = await startMember('restarted', groupId, topic);
      await waitFor('the restarted run to consume the 30 new messages', () =>
        second.every((v) => restarted.received.some((r) => r.value === v)),
      );
      // Re-delivered messages would precede the new ones in each partition.
      expect(restarted.received.filter((r) => r.value.startsWith('first-'))).toEqual([]);
      expect(restarted.received).toHaveLength(30);
    } finally {
      await admin.disconnect();
    }
  });
});
