// Conformance-test support: the suite talks to whatever KAFKA_BROKERS points at (a real Kafka)
// or, when unset, to an in-process dev broker. Nothing here may depend on broker internals.

import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type KafkaConfig, type Producer } from 'kafkajs';
import { startDevBroker } from '../../src';

export interface TestCluster {
  brokers: string[];
  /** True when the suite runs against KAFKA_BROKERS instead of the dev broker. */
  external: boolean;
  stop(): Promise<void>;
}

export async function startCluster(): Promise<TestCluster> {
  const external = process.env.KAFKA_BROKERS?.trim();
  if (external) {
    return {
      brokers: external.split(',').map((b) => b.trim()),
      external: true,
      stop: () => Promise.resolve(),
    };
  }
  // KAFKA_DEV_BROKER_LOG=1 prints the broker's connection/topic/group events while debugging.
  const logger = process.env.KAFKA_DEV_BROKER_LOG
    ? (line: string) => process.stderr.write(`${new Date().toISOString()} broker: ${line}\n`)
    : undefined;
  const broker = await startDevBroker({ logger });
  return { brokers: [broker.brokers], external: false, stop: () => broker.stop() };
}

/** Topic/group/client names unique per test run, so tests never share state on a real cluster. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function kafkaClient(
  cluster: TestCluster,
  clientId: string,
  config: Partial<KafkaConfig> = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers: cluster.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
    ...config,
  });
}

export function producerOf(kafka: Kafka): Producer {
  return kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
}

/** Consumer settings that keep rebalances fast on both brokers: short long-polls, frequent heartbeats. */
export const fastConsumer = {
  sessionTimeout: 10_000,
  heartbeatInterval: 500,
  maxWaitTimeInMs: 250,
  rebalanceTimeout: 20_000,
} as const;

/**
 * Polls `probe` until it returns a value other than undefined/false, or fails after
 * `timeoutMs` with `description`. Never a fixed sleep: it returns as soon as the condition holds.
 */
export async function waitFor<T>(
  description: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Creates topics with an explicit partition count (replication factor 1 works on a 1-node cluster). */
export async function createTopics(kafka: Kafka, topics: string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: topics.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}
