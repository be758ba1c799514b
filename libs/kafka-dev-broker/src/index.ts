// In-memory, single-node Kafka broker speaking the Kafka wire protocol, for tests and the
// local dev stack (production uses Apache Kafka). See README.md for what it implements.

import { Broker } from './server/broker';
import type { GroupSnapshot, GroupState } from './group/group-coordinator';

export type { GroupSnapshot, GroupState };
export { ApiKey, SUPPORTED_VERSIONS, type VersionRange } from './protocol/api';
export { ErrorCode } from './protocol/errors';

export interface DevBrokerOptions {
  /** Interface to bind; default 127.0.0.1. A wildcard (0.0.0.0, ::) advertises the address each client connected to. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Host advertised in Metadata/FindCoordinator instead of the bound one. */
  advertisedHost?: string;
  /** Partitions of auto-created topics and of CreateTopics with numPartitions -1; default 3. */
  defaultPartitions?: number;
  /** Create unknown topics on Metadata (when the client allows it) and Produce; default true. */
  autoCreateTopics?: boolean;
  /** Accepted JoinGroup session timeouts; defaults match Kafka's group.min/max.session.timeout.ms (6 s, 30 min). */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Receives one line per connection, topic and group event; silent by default. */
  logger?: (line: string) => void;
}

export interface DevBroker {
  /** Host clients connect to (loopback when bound to a wildcard address). */
  readonly host: string;
  readonly port: number;
  /** "host:port", for a kafkajs `brokers` list. */
  readonly brokers: string;
  /** Closes the server and every client connection and clears all timers. Idempotent. */
  stop(): Promise<void>;
  /**
   * Simulates an outage: stops listening and drops every connection (clients see refused
   * connections), keeping topics, committed offsets and groups. Idempotent.
   */
  suspend(): Promise<void>;
  /** Ends an outage: listens again on the same host and port. */
  resume(): Promise<void>;
  /** Topic names, sorted. */
  topics(): string[];
  /** High watermark of each partition of `topic`, or undefined when it does not exist. */
  highWatermarks(topic: string): number[] | undefined;
  /** Creates a topic unless it exists; returns whether it was created. */
  createTopic(name: string, partitions?: number): boolean;
  /** Consumer group state, members and assignments, or undefined for an unknown group. */
  group(groupId: string): GroupSnapshot | undefined;
  /** Number of open client connections. */
  connectionCount(): number;
}

export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const defaultPartitions = options.defaultPartitions ?? 3;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new RangeError(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }
  const broker = new Broker({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    advertisedHost: options.advertisedHost,
    nodeId: 1,
    clusterId: 'kafka-dev-broker',
    defaultPartitions,
    autoCreateTopics: options.autoCreateTopics ?? true,
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? 6_000,
    maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? 1_800_000,
    log: options.logger ?? (() => undefined),
  });
  await broker.listen();
  const host = broker.connectHost;
  const port = broker.port;
  return {
    host,
    port,
    brokers: `${host}:${port}`,
    stop: () => broker.stop(),
    suspend: () => broker.suspend(),
    resume: () => broker.resume(),
    topics: () => broker.topics.names(),
    highWatermarks: (topic) => broker.topics.get(topic)?.partitions.map((p) => p.highWatermark),
    createTopic: (name, partitions = defaultPartitions) => {
      if (broker.topics.has(name)) return false;
      broker.topics.create(name, partitions);
      return true;
    },
    group: (groupId) => broker.groupSnapshot(groupId),
    connectionCount: () => broker.connectionCount,
  };
}
