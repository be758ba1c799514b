import { dlqTopic } from '@jsjb/contracts';
import type { Kafka } from 'kafkajs';
import { createProducer } from '../kafka/kafka';
import type { RelayLogger } from '../outbox/outbox-relay';
import { DLQ_HEADERS, originalRecord } from '../consumer/dead-letter';

export interface ReplayResult {
  replayed: number;
  skipped: number;
}

/**
 * Re-delivers the dead letters of `topic` to it: each record as it was (key, value, original
 * headers). Progress is committed under a replay group, so every dead letter is replayed once;
 * `fromBeginning` replays all again. Groups that handled an event already skip it (inbox).
 * `onlyGroup` limits the replay to the dead letters of one consumer group.
 */
export async function replayDeadLetters(options: {
  kafka: Kafka;
  topic: string;
  onlyGroup?: string;
  fromBeginning?: boolean;
  logger?: RelayLogger;
  timeoutMs?: number;
}): Promise<ReplayResult> {
  const source = dlqTopic(options.topic);
  const groupId = `jsjb-replay.${source}`;
  const admin = options.kafka.admin();
  const producer = createProducer(options.kafka);
  const consumer = options.kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const result: ReplayResult = { replayed: 0, skipped: 0 };
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: source }], waitForLeaders: true });
    const ends = await admin.fetchTopicOffsets(source);
    if (options.fromBeginning) await admin.resetOffsets({ groupId, topic: source, earliest: true });
    const remaining = new Map(ends.map((p) => [p.partition, BigInt(p.high)]));
    const committed = await admin.fetchOffsets({ groupId, topics: [source] });
    for (const partition of committed[0]?.partitions ?? []) {
      const high = remaining.get(partition.partition);
      if (high !== undefined && BigInt(partition.offset) >= high) remaining.delete(partition.partition);
    }
    for (const [partition, high] of remaining) if (high === 0n) remaining.delete(partition);
    if (remaining.size === 0) return result;

    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topics: [source], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`replay of ${source} did not finish within ${options.timeoutMs ?? 60_000} ms`)),
        options.timeoutMs ?? 60_000,
      );
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const high = remaining.get(partition);
            if (high === undefined || BigInt(message.offset) >= high) return;
            const group = message.headers?.[DLQ_HEADERS.consumerGroup]?.toString();
            const original = originalRecord(message);
            if (original && (!options.onlyGroup || options.onlyGroup === group)) {
              await producer.send({ topic: original.topic, messages: [original.message], acks: -1 });
              result.replayed += 1;
            } else {
              result.skipped += 1;
            }
            await consumer.commitOffsets([
              { topic: source, partition, offset: (BigInt(message.offset) + 1n).toString() },
            ]);
            if (BigInt(message.offset) + 1n >= high) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    options.logger?.log(
      `replayed ${result.replayed} dead letters of ${options.topic} (${result.skipped} skipped)`,
    );
    return result;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Moves a consumer group back (or forward) on a topic, to re-read it from an offset or a time,
 * e.g. to rebuild a read model. The group's consumers must be stopped.
 */
export async function rewindGroup(options: {
  kafka: Kafka;
  groupId: string;
  topic: string;
  to: { earliest: true } | { offset: string } | { time: Date };
}): Promise<{ partition: number; offset: string }[]> {
  const admin = options.kafka.admin();
  await admin.connect();
  try {
    const to = options.to;
    let partitions: { partition: number; offset: string }[];
    if ('earliest' in to) {
      partitions = (await admin.fetchTopicOffsets(options.topic)).map((p) => ({
        partition: p.partition,
        offset: p.low,
      }));
    } else if ('offset' in to) {
      partitions = (await admin.fetchTopicOffsets(options.topic)).map((p) => ({
        partition: p.partition,
        offset: to.offset,
      }));
    } else {
      partitions = (await admin.fetchTopicOffsetsByTimestamp(options.topic, to.time.getTime())).map((p) => ({
        partition: p.partition,
        offset: p.offset,
      }));
    }
    await admin.setOffsets({ groupId: options.groupId, topic: options.topic, partitions });
    return partitions;
  } finally {
    await admin.disconnect();
  }
}
