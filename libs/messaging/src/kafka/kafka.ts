import {
  Kafka,
  logLevel,
  Partitioners,
  type Admin,
  type LogEntry,
  type Producer,
  type ProducerConfig,
} from 'kafkajs';
import type { RelayLogger } from '../outbox/outbox-relay';

/** kafkajs at warn level and above, through our logger (its info level narrates every rebalance). */
export function createKafka(options: {
  brokers: readonly string[];
  clientId: string;
  logger?: RelayLogger;
}): Kafka {
  const logger = options.logger;
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (!logger) return;
      const text = `kafkajs ${entry.namespace}: ${entry.log.message}`;
      if (entry.level <= logLevel.ERROR) logger.error(text);
      else logger.warn(text);
    },
  });
}

/** Readiness: the cluster answers a metadata request. */
export async function pingKafka(admin: Admin): Promise<void> {
  const cluster = await admin.describeCluster();
  if (cluster.brokers.length === 0) throw new Error('the cluster has no brokers');
}

/**
 * A producer with the Java client's partitioner (murmur2 of the key), kafkajs' default since
 * 2.0, chosen explicitly: a key maps to the same partition from every client, and kafkajs stays
 * quiet about its changed default.
 */
export function createProducer(
  kafka: Kafka,
  config: Omit<ProducerConfig, 'createPartitioner'> = {},
): Producer {
  return kafka.producer({
    allowAutoTopicCreation: true,
    ...config,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}
