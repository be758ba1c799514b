// Request decoders and response encoders for every API version in SUPPORTED_VERSIONS.
// Field order follows the Kafka protocol guide (https://kafka.apache.org/protocol); version
// differences are handled inline with `version >= n` checks.

import { type Reader, type Writer } from './codec';

// ---------------------------------------------------------------------------------------
// Header

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Request header v1 (also the prefix of v2 headers, whose tagged fields follow). */
export function decodeRequestHeader(reader: Reader): RequestHeader {
  const apiKey = reader.int16();
  const apiVersion = reader.int16();
  const correlationId = reader.int32();
  const clientId = reader.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

// ---------------------------------------------------------------------------------------
// ApiVersions (18)

export interface ApiVersionsResponse {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
}

export function encodeApiVersionsResponse(w: Writer, version: number, res: ApiVersionsResponse): void {
  w.int16(res.errorCode);
  w.array(res.apiKeys, (out, k) => out.int16(k.apiKey).int16(k.minVersion).int16(k.maxVersion));
  if (version >= 1) w.int32(0);
}

// ---------------------------------------------------------------------------------------
// Metadata (3)

export interface MetadataRequest {
  /** null = all topics. */
  topics: string[] | null;
  allowAutoTopicCreation: boolean;
}

export function decodeMetadataRequest(r: Reader, version: number): MetadataRequest {
  let topics: string[] | null;
  if (version === 0) {
    const list = r.array((x) => x.string());
    topics = list.length === 0 ? null : list;
  } else {
    topics = r.nullableArray((x) => x.string());
  }
  const allowAutoTopicCreation = version >= 4 ? r.bool() : true;
  return { topics, allowAutoTopicCreation };
}

export interface MetadataPartition {
  errorCode: number;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface MetadataTopic {
  errorCode: number;
  name: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
}

export interface MetadataResponse {
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
}

export function encodeMetadataResponse(w: Writer, version: number, res: MetadataResponse): void {
  if (version >= 3) w.int32(0);
  w.array(res.brokers, (out, b) => {
    out.int32(b.nodeId).string(b.host).int32(b.port);
    if (version >= 1) out.nullableString(b.rack);
  });
  if (version >= 2) w.nullableString(res.clusterId);
  if (version >= 1) w.int32(res.controllerId);
  w.array(res.topics, (out, t) => {
    out.int16(t.errorCode).string(t.name);
    if (version >= 1) out.bool(t.isInternal);
    out.array(t.partitions, (o, p) => {
      o.int16(p.errorCode).int32(p.partition).int32(p.leader);
      o.array(p.replicas, (x, id) => x.int32(id));
      o.array(p.isr, (x, id) => x.int32(id));
    });
  });
}

// ---------------------------------------------------------------------------------------
// Produce (0), v3

export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  topics: { name: string; partitions: { partition: number; records: Buffer | null }[] }[];
}

export function decodeProduceRequest(r: Reader, _version: number): ProduceRequest {
  const transactionalId = r.nullableString();
  const acks = r.int16();
  const timeoutMs = r.int32();
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), records: p.nullableBytes() })),
  }));
  return { transactionalId, acks, timeoutMs, topics };
}

export interface ProduceResponse {
  topics: {
    name: string;
    partitions: { partition: number; errorCode: number; baseOffset: number; logAppendTime: number }[];
  }[];
}

export function encodeProduceResponse(w: Writer, _version: number, res: ProduceResponse): void {
  w.array(res.topics, (out, t) => {
    out.string(t.name);
    out.array(t.partitions, (o, p) =>
      o.int32(p.partition).int16(p.errorCode).int64(p.baseOffset).int64(p.logAppendTime),
    );
  });
  w.int32(0);
}

// ---------------------------------------------------------------------------------------
// Fetch (1), v4

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  partitionMaxBytes: number;
}

export interface FetchRequest {
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  topics: { name: string; partitions: FetchPartitionRequest[] }[];
}

export function decodeFetchRequest(r: Reader, _version: number): FetchRequest {
  const replicaId = r.int32();
  const maxWaitMs = r.int32();
  const minBytes = r.int32();
  const maxBytes = r.int32();
  const isolationLevel = r.int8();
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => ({
      partition: p.int32(),
      fetchOffset: p.int64(),
      partitionMaxBytes: p.int32(),
    })),
  }));
  return { replicaId, maxWaitMs, minBytes, maxBytes, isolationLevel, topics };
}

export interface FetchPartitionResponse {
  partition: number;
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  /** Stored record batches, written by reference. */
  batches: readonly Buffer[];
  batchBytes: number;
}

export interface FetchResponse {
  topics: { name: string; partitions: FetchPartitionResponse[] }[];
}

export function encodeFetchResponse(w: Writer, _version: number, res: FetchResponse): void {
  w.int32(0);
  w.array(res.topics, (out, t) => {
    out.string(t.name);
    out.array(t.partitions, (o, p) => {
      o.int32(p.partition).int16(p.errorCode).int64(p.highWatermark).int64(p.lastStableOffset);
      o.int32(0); // aborted transactions: none (no transactions on this broker)
      o.int32(p.batchBytes);
      for (const batch of p.batches) o.ref(batch);
    });
  });
}

// ---------------------------------------------------------------------------------------
// ListOffsets (2), v1-v2

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: { name: string; partitions: { partition: number; timestamp: number }[] }[];
}

export function decodeListOffsetsRequest(r: Reader, version: number): ListOffsetsRequest {
  const replicaId = r.int32();
  const isolationLevel = version >= 2 ? r.int8() : 0;
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => ({ partition: p.int32(), timestamp: p.int64() })),
  }));
  return { replicaId, isolationLevel, topics };
}

export interface ListOffsetsResponse {
  topics: {
    name: string;
    partitions: { partition: number; errorCode: number; timestamp: number; offset: number }[];
  }[];
}

export function encodeListOffsetsResponse(w: Writer, version: number, res: ListOffsetsResponse): void {
  if (version >= 2) w.int32(0);
  w.array(res.topics, (out, t) => {
    out.string(t.name);
    out.array(t.partitions, (o, p) =>
      o.int32(p.partition).int16(p.errorCode).int64(p.timestamp).int64(p.offset),
    );
  });
}

// ---------------------------------------------------------------------------------------
// FindCoordinator (10), v0-v1

export interface FindCoordinatorRequest {
  key: string;
  keyType: number;
}

export function decodeFindCoordinatorRequest(r: Reader, version: number): FindCoordinatorRequest {
  const key = r.string();
  const keyType = version >= 1 ? r.int8() : 0;
  return { key, keyType };
}

export interface FindCoordinatorResponse {
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
}

export function encodeFindCoordinatorResponse(
  w: Writer,
  version: number,
  res: FindCoordinatorResponse,
): void {
  if (version >= 1) w.int32(0);
  w.int16(res.errorCode);
  if (version >= 1) w.nullableString(res.errorMessage);
  w.int32(res.nodeId).string(res.host).int32(res.port);
}

// ---------------------------------------------------------------------------------------
// JoinGroup (11), v0-v4

export interface JoinGroupRequest {
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  memberId: string;
  protocolType: string;
  protocols: { name: string; metadata: Buffer }[];
}

export function decodeJoinGroupRequest(r: Reader, version: number): JoinGroupRequest {
  const groupId = r.string();
  const sessionTimeoutMs = r.int32();
  const rebalanceTimeoutMs = version >= 1 ? r.int32() : sessionTimeoutMs;
  const memberId = r.string();
  const protocolType = r.string();
  const protocols = r.array((p) => ({ name: p.string(), metadata: Buffer.from(p.bytes()) }));
  return { groupId, sessionTimeoutMs, rebalanceTimeoutMs, memberId, protocolType, protocols };
}

export interface JoinGroupResponse {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: { memberId: string; metadata: Buffer }[];
}

export function encodeJoinGroupResponse(w: Writer, version: number, res: JoinGroupResponse): void {
  if (version >= 2) w.int32(0);
  w.int16(res.errorCode)
    .int32(res.generationId)
    .string(res.protocolName)
    .string(res.leader)
    .string(res.memberId);
  w.array(res.members, (out, m) => out.string(m.memberId).bytes(m.metadata));
}

// ---------------------------------------------------------------------------------------
// SyncGroup (14), v0-v1

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  assignments: { memberId: string; assignment: Buffer }[];
}

export function decodeSyncGroupRequest(r: Reader, _version: number): SyncGroupRequest {
  const groupId = r.string();
  const generationId = r.int32();
  const memberId = r.string();
  const assignments = r.array((a) => ({ memberId: a.string(), assignment: Buffer.from(a.bytes()) }));
  return { groupId, generationId, memberId, assignments };
}

export interface SyncGroupResponse {
  errorCode: number;
  assignment: Buffer;
}

export function encodeSyncGroupResponse(w: Writer, version: number, res: SyncGroupResponse): void {
  if (version >= 1) w.int32(0);
  w.int16(res.errorCode).bytes(res.assignment);
}

// ---------------------------------------------------------------------------------------
// Heartbeat (12) and LeaveGroup (13), v0-v1

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
}

export function decodeHeartbeatRequest(r: Reader, _version: number): HeartbeatRequest {
  return { groupId: r.string(), generationId: r.int32(), memberId: r.string() };
}

export interface LeaveGroupRequest {
  groupId: string;
  memberId: string;
}

export function decodeLeaveGroupRequest(r: Reader, _version: number): LeaveGroupRequest {
  return { groupId: r.string(), memberId: r.string() };
}

/** Heartbeat and LeaveGroup responses v0-v1: [throttle_time_ms (v1+)] error_code. */
export function encodeErrorOnlyResponse(w: Writer, version: number, errorCode: number): void {
  if (version >= 1) w.int32(0);
  w.int16(errorCode);
}

// ---------------------------------------------------------------------------------------
// OffsetCommit (8), v0-v2

export interface OffsetCommitRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  topics: { name: string; partitions: { partition: number; offset: number; metadata: string | null }[] }[];
}

export function decodeOffsetCommitRequest(r: Reader, version: number): OffsetCommitRequest {
  const groupId = r.string();
  const generationId = version >= 1 ? r.int32() : -1;
  const memberId = version >= 1 ? r.string() : '';
  if (version >= 2) r.int64(); // retention_time_ms: committed offsets never expire here
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => {
      const partition = p.int32();
      const offset = p.int64();
      if (version === 1) p.int64(); // commit timestamp
      return { partition, offset, metadata: p.nullableString() };
    }),
  }));
  return { groupId, generationId, memberId, topics };
}

export interface PartitionErrors {
  topics: { name: string; partitions: { partition: number; errorCode: number }[] }[];
}

export function encodeOffsetCommitResponse(w: Writer, _version: number, res: PartitionErrors): void {
  w.array(res.topics, (out, t) => {
    out.string(t.name);
    out.array(t.partitions, (o, p) => o.int32(p.partition).int16(p.errorCode));
  });
}

// ---------------------------------------------------------------------------------------
// OffsetFetch (9), v1-v3

export interface OffsetFetchRequest {
  groupId: string;
  /** null = every partition with a committed offset (v2+). */
  topics: { name: string; partitions: number[] }[] | null;
}

export function decodeOffsetFetchRequest(r: Reader, version: number): OffsetFetchRequest {
  const groupId = r.string();
  const topic = (t: Reader): { name: string; partitions: number[] } => ({
    name: t.string(),
    partitions: t.array((p) => p.int32()),
  });
  const topics = version >= 2 ? r.nullableArray(topic) : r.array(topic);
  return { groupId, topics };
}

export interface OffsetFetchResponse {
  errorCode: number;
  topics: {
    name: string;
    partitions: { partition: number; offset: number; metadata: string | null; errorCode: number }[];
  }[];
}

export function encodeOffsetFetchResponse(w: Writer, version: number, res: OffsetFetchResponse): void {
  if (version >= 3) w.int32(0);
  w.array(res.topics, (out, t) => {
    out.string(t.name);
    out.array(t.partitions, (o, p) =>
      o.int32(p.partition).int64(p.offset).nullableString(p.metadata).int16(p.errorCode),
    );
  });
  if (version >= 2) w.int16(res.errorCode);
}

// ---------------------------------------------------------------------------------------
// DescribeGroups (15), v0-v1

export interface DescribeGroupsRequest {
  groupIds: string[];
}

export function decodeDescribeGroupsRequest(r: Reader, _version: number): DescribeGroupsRequest {
  return { groupIds: r.array((x) => x.string()) };
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: { memberId: string; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }[];
}

export function encodeDescribeGroupsResponse(
  w: Writer,
  version: number,
  res: { groups: DescribedGroup[] },
): void {
  if (version >= 1) w.int32(0);
  w.array(res.groups, (out, g) => {
    out.int16(g.errorCode).string(g.groupId).string(g.state).string(g.protocolType).string(g.protocol);
    out.array(g.members, (o, m) =>
      o.string(m.memberId).string(m.clientId).string(m.clientHost).bytes(m.metadata).bytes(m.assignment),
    );
  });
}

// ---------------------------------------------------------------------------------------
// ListGroups (16), v0-v1

export function encodeListGroupsResponse(
  w: Writer,
  version: number,
  res: { errorCode: number; groups: { groupId: string; protocolType: string }[] },
): void {
  if (version >= 1) w.int32(0);
  w.int16(res.errorCode);
  w.array(res.groups, (out, g) => out.string(g.groupId).string(g.protocolType));
}

// ---------------------------------------------------------------------------------------
// CreateTopics (19), v0-v2

export interface CreateTopicsRequest {
  topics: {
    name: string;
    numPartitions: number;
    replicationFactor: number;
    assignments: { partition: number; brokerIds: number[] }[];
    configs: { name: string; value: string | null }[];
  }[];
  timeoutMs: number;
  validateOnly: boolean;
}

export function decodeCreateTopicsRequest(r: Reader, version: number): CreateTopicsRequest {
  const topics = r.array((t) => ({
    name: t.string(),
    numPartitions: t.int32(),
    replicationFactor: t.int16(),
    assignments: t.array((a) => ({ partition: a.int32(), brokerIds: a.array((b) => b.int32()) })),
    configs: t.array((c) => ({ name: c.string(), value: c.nullableString() })),
  }));
  const timeoutMs = r.int32();
  const validateOnly = version >= 1 ? r.bool() : false;
  return { topics, timeoutMs, validateOnly };
}

export interface CreateTopicsResponse {
  topics: { name: string; errorCode: number; errorMessage: string | null }[];
}

export function encodeCreateTopicsResponse(w: Writer, version: number, res: CreateTopicsResponse): void {
  if (version >= 2) w.int32(0);
  w.array(res.topics, (out, t) => {
    out.string(t.name).int16(t.errorCode);
    if (version >= 1) out.nullableString(t.errorMessage);
  });
}

// ---------------------------------------------------------------------------------------
// DeleteTopics (20), v0-v1

export function decodeDeleteTopicsRequest(
  r: Reader,
  _version: number,
): { topics: string[]; timeoutMs: number } {
  const topics = r.array((x) => x.string());
  return { topics, timeoutMs: r.int32() };
}

export function encodeDeleteTopicsResponse(
  w: Writer,
  version: number,
  res: { topics: { name: string; errorCode: number }[] },
): void {
  if (version >= 1) w.int32(0);
  w.array(res.topics, (out, t) => out.string(t.name).int16(t.errorCode));
}

// ---------------------------------------------------------------------------------------
// DeleteGroups (42), v0-v1

export function decodeDeleteGroupsRequest(r: Reader, _version: number): { groupIds: string[] } {
  return { groupIds: r.array((x) => x.string()) };
}

export function encodeDeleteGroupsResponse(
  w: Writer,
  _version: number,
  res: { results: { groupId: string; errorCode: number }[] },
): void {
  w.int32(0);
  w.array(res.results, (out, g) => out.string(g.groupId).int16(g.errorCode));
}
