// The single-node broker: request dispatch and the handlers of every supported API.

import { createServer, type Server, type Socket } from 'node:net';
import { ApiKey, apiName, asApiKey, isSupported, SUPPORTED_VERSIONS } from '../protocol/api';
import { ProtocolError, type Reader, Writer } from '../protocol/codec';
import { ErrorCode } from '../protocol/errors';
import * as m from '../protocol/messages';
import { isTransactionalOrControl, scanBatches, type BatchInfo } from '../protocol/record-batch';
import { GroupCoordinator, type GroupSnapshot } from '../group/group-coordinator';
import type { PartitionLog } from '../log/partition-log';
import { invalidTopicReason, TopicStore } from '../log/topic-store';
import { Connection, type RequestHandler, type Respond } from './connection';

export interface BrokerConfig {
  host: string;
  port: number;
  advertisedHost?: string;
  nodeId: number;
  clusterId: string;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  log: (line: string) => void;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

export class Broker implements RequestHandler {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly sockets = new Set<Socket>();
  /** Cancel functions of long-polling fetches (stop() clears their timers). */
  private readonly fetchWaiters = new Set<() => void>();
  readonly topics = new TopicStore();
  readonly groups: GroupCoordinator;
  private nextConnectionId = 1;
  private boundPort = 0;
  private stopping: Promise<void> | null = null;
  private suspended = false;
  private suspension: Promise<void> | null = null;

  constructor(private readonly config: BrokerConfig) {
    this.groups = new GroupCoordinator({
      minSessionTimeoutMs: config.minSessionTimeoutMs,
      maxSessionTimeoutMs: config.maxSessionTimeoutMs,
      log: config.log,
    });
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => this.config.log(`server error: ${error.message}`));
  }

  get port(): number {
    return this.boundPort;
  }

  /** Host clients should use: the configured host, or loopback for a wildcard bind. */
  get connectHost(): string {
    if (this.config.advertisedHost) return this.config.advertisedHost;
    return WILDCARD_HOSTS.has(this.config.host) ? '127.0.0.1' : this.config.host;
  }

  async listen(): Promise<void> {
    await this.listenOn(this.config.port);
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
    this.boundPort = address.port;
  }

  private listenOn(port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, this.config.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.suspension; // let a concurrent suspend() finish closing first
      this.groups.close();
      await this.disconnectAll();
    })();
    return this.stopping;
  }

  /**
   * Simulates an outage: stops listening and drops every connection, keeping topics, offsets
   * and groups. Group members keep their session timers (they expire if the outage outlasts
   * them). No-op when already suspended or stopped.
   */
  suspend(): Promise<void> {
    if (this.stopping || this.suspended) return this.suspension ?? Promise.resolve();
    this.suspended = true;
    this.config.log('suspended: not accepting connections');
    this.suspension = this.disconnectAll();
    return this.suspension;
  }

  /** Listens again on the same host and port; surviving group members get a fresh session timeout. */
  async resume(): Promise<void> {
    if (this.stopping || !this.suspended) return;
    await this.suspension;
    await this.listenOn(this.boundPort);
    if (this.stopping) {
      // stop() ran while we were binding: do not stay up behind its back.
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      return;
    }
    this.suspended = false;
    this.suspension = null;
    this.groups.refreshSessions();
    this.config.log(`resumed on port ${this.boundPort}`);
  }

  private async disconnectAll(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const cancel of [...this.fetchWaiters]) cancel();
    this.fetchWaiters.clear();
    const socketsClosed = [...this.sockets].map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const connection of this.connections) connection.close();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([serverClosed, ...socketsClosed]);
  }

  private accept(socket: Socket): void {
    if (this.stopping || this.suspended) {
      socket.destroy();
      return;
    }
    const connection = new Connection(this.nextConnectionId++, socket, this, this.config.log);
    this.connections.add(connection);
    this.sockets.add(socket);
    this.config.log(`connection ${connection.id} from ${connection.remoteAddress}`);
    socket.on('close', () => {
      this.connections.delete(connection);
      this.sockets.delete(socket);
      this.config.log(`connection ${connection.id} closed`);
    });
  }

  /** Host to advertise in Metadata/FindCoordinator answers on this connection. */
  private advertisedHost(connection: Connection): string {
    if (this.config.advertisedHost) return this.config.advertisedHost;
    return WILDCARD_HOSTS.has(this.config.host) ? connection.localAddress : this.config.host;
  }

  handle(header: m.RequestHeader, body: Reader, connection: Connection, respond: Respond): void {
    const key = asApiKey(header.apiKey);
    if (key === undefined) {
      connection.close(`unsupported api key ${header.apiKey}`);
      return;
    }
    const version = header.apiVersion;
    if (!isSupported(key, version)) {
      if (key === ApiKey.ApiVersions) {
        // A client newer than us: answer in v0 format so it can pick a version we support.
        const w = new Writer();
        m.encodeApiVersionsResponse(w, 0, {
          errorCode: ErrorCode.UNSUPPORTED_VERSION,
          apiKeys: apiVersionsList(),
        });
        respond(w);
        return;
      }
      const range = SUPPORTED_VERSIONS[key];
      connection.close(
        `${apiName(key)} v${version} is not supported (supported: v${range.min}-v${range.max})`,
      );
      return;
    }
    const clientId = header.clientId ?? '';
    const w = new Writer();
    switch (key) {
      case ApiKey.ApiVersions:
        m.encodeApiVersionsResponse(w, version, { errorCode: ErrorCode.NONE, apiKeys: apiVersionsList() });
        return respond(w);
      case ApiKey.Metadata:
        m.encodeMetadataResponse(
          w,
          version,
          this.metadata(m.decodeMetadataRequest(body, version), connection),
        );
        return respond(w);
      case ApiKey.Produce: {
        const req = m.decodeProduceRequest(body, version);
        const res = this.produce(req);
        if (req.acks === 0) return respond(null);
        m.encodeProduceResponse(w, version, res);
        return respond(w);
      }
      case ApiKey.Fetch:
        return this.fetch(m.decodeFetchRequest(body, version), connection, (res) => {
          m.encodeFetchResponse(w, version, res);
          respond(w);
        });
      case ApiKey.ListOffsets:
        m.encodeListOffsetsResponse(w, version, this.listOffsets(m.decodeListOffsetsRequest(body, version)));
        return respond(w);
      case ApiKey.FindCoordinator:
        m.decodeFindCoordinatorRequest(body, version);
        m.encodeFindCoordinatorResponse(w, version, {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          nodeId: this.config.nodeId,
          host: this.advertisedHost(connection),
          port: this.boundPort,
        });
        return respond(w);
      case ApiKey.JoinGroup:
        return this.groups.join(
          m.decodeJoinGroupRequest(body, version),
          version,
          { clientId, clientHost: `/${connection.remoteAddress}` },
          (res) => {
            m.encodeJoinGroupResponse(w, version, res);
            respond(w);
          },
        );
      case ApiKey.SyncGroup:
        return this.groups.sync(m.decodeSyncGroupRequest(body, version), (res) => {
          m.encodeSyncGroupResponse(w, version, res);
          respond(w);
        });
      case ApiKey.Heartbeat:
        m.encodeErrorOnlyResponse(w, version, this.groups.heartbeat(m.decodeHeartbeatRequest(body, version)));
        return respond(w);
      case ApiKey.LeaveGroup:
        m.encodeErrorOnlyResponse(w, version, this.groups.leave(m.decodeLeaveGroupRequest(body, version)));
        return respond(w);
      case ApiKey.OffsetCommit: {
        const res = this.groups.commitOffsets(
          m.decodeOffsetCommitRequest(body, version),
          (topic, partition) => Boolean(this.topics.partition(topic, partition)),
        );
        m.encodeOffsetCommitResponse(w, version, res);
        return respond(w);
      }
      case ApiKey.OffsetFetch:
        m.encodeOffsetFetchResponse(
          w,
          version,
          this.groups.fetchOffsets(m.decodeOffsetFetchRequest(body, version)),
        );
        return respond(w);
      case ApiKey.DescribeGroups:
        m.encodeDescribeGroupsResponse(w, version, {
          groups: this.groups.describe(m.decodeDescribeGroupsRequest(body, version).groupIds),
        });
        return respond(w);
      case ApiKey.ListGroups:
        m.encodeListGroupsResponse(w, version, { errorCode: ErrorCode.NONE, groups: this.groups.list() });
        return respond(w);
      case ApiKey.CreateTopics:
        m.encodeCreateTopicsResponse(
          w,
          version,
          this.createTopics(m.decodeCreateTopicsRequest(body, version)),
        );
        return respond(w);
      case ApiKey.DeleteTopics:
        m.encodeDeleteTopicsResponse(
          w,
          version,
          this.deleteTopics(m.decodeDeleteTopicsRequest(body, version).topics),
        );
        return respond(w);
      case ApiKey.DeleteGroups:
        m.encodeDeleteGroupsResponse(w, version, {
          results: this.groups.delete(m.decodeDeleteGroupsRequest(body, version).groupIds),
        });
        return respond(w);
    }
  }

  // -------------------------------------------------------------------------------------
  // Topics

  /** Creates `name` if auto-creation allows it; returns the error code otherwise. */
  private resolveTopic(
    name: string,
    allowAutoCreate: boolean,
  ): { partitions: readonly PartitionLog[] } | number {
    const existing = this.topics.get(name);
    if (existing) return existing;
    if (invalidTopicReason(name) !== null) return ErrorCode.INVALID_TOPIC_EXCEPTION;
    if (!allowAutoCreate || !this.config.autoCreateTopics) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    this.config.log(`auto-created topic ${name} (${this.config.defaultPartitions} partitions)`);
    return this.topics.create(name, this.config.defaultPartitions);
  }

  private metadata(req: m.MetadataRequest, connection: Connection): m.MetadataResponse {
    const nodeId = this.config.nodeId;
    const names = req.topics === null ? this.topics.names() : [...new Set(req.topics)];
    return {
      brokers: [{ nodeId, host: this.advertisedHost(connection), port: this.boundPort, rack: null }],
      clusterId: this.config.clusterId,
      controllerId: nodeId,
      topics: names.map((name) => {
        const topic = this.resolveTopic(name, req.allowAutoTopicCreation);
        if (typeof topic === 'number') return { errorCode: topic, name, isInternal: false, partitions: [] };
        return {
          errorCode: ErrorCode.NONE,
          name,
          isInternal: false,
          partitions: topic.partitions.map((_, partition) => ({
            errorCode: ErrorCode.NONE,
            partition,
            leader: nodeId,
            replicas: [nodeId],
            isr: [nodeId],
          })),
        };
      }),
    };
  }

  private createTopics(req: m.CreateTopicsRequest): m.CreateTopicsResponse {
    const counts = new Map<string, number>();
    for (const t of req.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const result = (name: string, errorCode: number, errorMessage: string | null = null) => ({
      name,
      errorCode,
      errorMessage,
    });
    return {
      topics: req.topics.map((t) => {
        if ((counts.get(t.name) ?? 0) > 1)
          return result(t.name, ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.');
        const invalid = invalidTopicReason(t.name);
        if (invalid !== null) return result(t.name, ErrorCode.INVALID_TOPIC_EXCEPTION, invalid);
        if (this.topics.has(t.name)) {
          return result(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
        }
        let partitions: number;
        if (t.assignments.length > 0) {
          if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
            return result(
              t.name,
              ErrorCode.INVALID_REQUEST,
              'Both numPartitions or replicationFactor and replicasAssignments were set.',
            );
          }
          const ids = t.assignments.map((a) => a.partition).sort((a, b) => a - b);
          const consecutive = ids.every((id, i) => id === i);
          const onThisNode = t.assignments.every(
            (a) => a.brokerIds.length === 1 && a.brokerIds[0] === this.config.nodeId,
          );
          if (!consecutive || !onThisNode) {
            return result(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Invalid replica assignment.');
          }
          partitions = ids.length;
        } else {
          partitions = t.numPartitions === -1 ? this.config.defaultPartitions : t.numPartitions;
          if (partitions <= 0) {
            return result(
              t.name,
              ErrorCode.INVALID_PARTITIONS,
              'Number of partitions must be larger than 0.',
            );
          }
          if (t.replicationFactor === 0 || t.replicationFactor < -1) {
            return result(
              t.name,
              ErrorCode.INVALID_REPLICATION_FACTOR,
              'Replication factor must be larger than 0.',
            );
          }
          if (t.replicationFactor > 1) {
            return result(
              t.name,
              ErrorCode.INVALID_REPLICATION_FACTOR,
              `Replication factor: ${t.replicationFactor} larger than available brokers: 1.`,
            );
          }
        }
        if (!req.validateOnly) {
          this.topics.create(t.name, partitions);
          const configs =
            t.configs.length > 0 ? ` (configs ignored: ${t.configs.map((c) => c.name).join(', ')})` : '';
          this.config.log(`created topic ${t.name} (${partitions} partitions)${configs}`);
        }
        return result(t.name, ErrorCode.NONE);
      }),
    };
  }

  private deleteTopics(names: string[]): { topics: { name: string; errorCode: number }[] } {
    return {
      topics: names.map((name) => {
        if (!this.topics.delete(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        this.groups.forgetTopic(name);
        this.config.log(`deleted topic ${name}`);
        return { name, errorCode: ErrorCode.NONE };
      }),
    };
  }

  // -------------------------------------------------------------------------------------
  // Produce

  private produce(req: m.ProduceRequest): m.ProduceResponse {
    const touched: PartitionLog[] = [];
    const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
    const response: m.ProduceResponse = {
      topics: req.topics.map((t) => {
        const topic = validAcks ? this.resolveTopic(t.name, true) : ErrorCode.INVALID_REQUIRED_ACKS;
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            const fail = (errorCode: number) => ({
              partition: p.partition,
              errorCode,
              baseOffset: -1,
              logAppendTime: -1,
            });
            if (typeof topic === 'number') return fail(topic);
            const log = topic.partitions[p.partition];
            if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (p.records === null || p.records.length === 0) return fail(ErrorCode.CORRUPT_MESSAGE);
            let batches: BatchInfo[];
            try {
              batches = scanBatches(p.records);
            } catch (error) {
              if (!(error instanceof ProtocolError)) throw error;
              this.config.log(`produce to ${t.name}-${p.partition} rejected: ${error.message}`);
              return fail(ErrorCode.CORRUPT_MESSAGE);
            }
            if (batches.some((b) => isTransactionalOrControl(b.attributes))) {
              this.config.log(
                `produce to ${t.name}-${p.partition} rejected: transactional batches are not supported`,
              );
              return fail(ErrorCode.INVALID_REQUEST);
            }
            let baseOffset = -1;
            for (const batch of batches) {
              const offset = log.append(p.records, batch);
              if (baseOffset < 0) baseOffset = offset;
            }
            touched.push(log);
            return { partition: p.partition, errorCode: ErrorCode.NONE, baseOffset, logAppendTime: -1 };
          }),
        };
      }),
    };
    for (const log of touched) log.notify();
    return response;
  }

  // -------------------------------------------------------------------------------------
  // Fetch (long poll)

  private fetch(req: m.FetchRequest, connection: Connection, respond: (res: m.FetchResponse) => void): void {
    const first = this.readFetch(req);
    if (first.ready || req.maxWaitMs <= 0 || this.stopping) {
      respond(first.response);
      return;
    }
    const logs = new Set<PartitionLog>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const log = this.topics.partition(t.name, p.partition);
        if (log) logs.add(log);
      }
    }
    let done = false;
    const cancel = (): void => {
      done = true;
      clearTimeout(timer);
      for (const log of logs) log.removeListener(onData);
      this.fetchWaiters.delete(cancel);
      unregister();
    };
    const finish = (): void => {
      if (done) return;
      cancel();
      respond(this.readFetch(req).response);
    };
    const onData = (): void => {
      if (this.availableBytes(req) >= req.minBytes) finish();
    };
    const timer = setTimeout(finish, req.maxWaitMs);
    for (const log of logs) log.addListener(onData);
    this.fetchWaiters.add(cancel);
    const unregister = connection.onClose(cancel); // the client went away: stop waiting
  }

  private availableBytes(req: m.FetchRequest): number {
    let total = 0;
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const log = this.topics.partition(t.name, p.partition);
        if (log) total += Math.min(log.bytesFrom(p.fetchOffset), p.partitionMaxBytes);
      }
    }
    return total;
  }

  /** Builds a fetch response; `ready` when it has minBytes of data or carries an error. */
  private readFetch(req: m.FetchRequest): { response: m.FetchResponse; ready: boolean } {
    let total = 0;
    let errors = false;
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p): m.FetchPartitionResponse => {
        const log = this.topics.partition(t.name, p.partition);
        if (!log) {
          errors = true;
          return emptyPartition(p.partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1);
        }
        const hw = log.highWatermark;
        if (p.fetchOffset < log.logStartOffset || p.fetchOffset > hw) {
          errors = true;
          return emptyPartition(p.partition, ErrorCode.OFFSET_OUT_OF_RANGE, hw);
        }
        const limit = Math.max(0, Math.min(p.partitionMaxBytes, req.maxBytes - total));
        const read = log.read(p.fetchOffset, limit, total === 0);
        total += read.bytes;
        return {
          partition: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: hw,
          lastStableOffset: hw,
          batches: read.batches,
          batchBytes: read.bytes,
        };
      }),
    }));
    const empty = topics.every((t) => t.partitions.length === 0);
    return { response: { topics }, ready: errors || empty || total >= Math.max(1, req.minBytes) };
  }

  // -------------------------------------------------------------------------------------
  // ListOffsets

  private listOffsets(req: m.ListOffsetsRequest): m.ListOffsetsResponse {
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const log = this.topics.partition(t.name, p.partition);
          if (!log) {
            return {
              partition: p.partition,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              timestamp: -1,
              offset: -1,
            };
          }
          if (p.timestamp === -1)
            return { partition: p.partition, errorCode: 0, timestamp: -1, offset: log.highWatermark };
          if (p.timestamp === -2)
            return { partition: p.partition, errorCode: 0, timestamp: -1, offset: log.logStartOffset };
          const found = log.offsetForTimestamp(p.timestamp);
          return found
            ? { partition: p.partition, errorCode: 0, timestamp: found.timestamp, offset: found.offset }
            : { partition: p.partition, errorCode: 0, timestamp: -1, offset: -1 };
        }),
      })),
    };
  }

  // -------------------------------------------------------------------------------------
  // Introspection for tests

  groupSnapshot(groupId: string): GroupSnapshot | undefined {
    return this.groups.snapshot(groupId);
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}

function emptyPartition(partition: number, errorCode: number, hw: number): m.FetchPartitionResponse {
  return { partition, errorCode, highWatermark: hw, lastStableOffset: hw, batches: [], batchBytes: 0 };
}

function apiVersionsList(): m.ApiVersionsResponse['apiKeys'] {
  return Object.values(ApiKey).map((apiKey) => ({
    apiKey,
    minVersion: SUPPORTED_VERSIONS[apiKey].min,
    maxVersion: SUPPORTED_VERSIONS[apiKey].max,
  }));
}
