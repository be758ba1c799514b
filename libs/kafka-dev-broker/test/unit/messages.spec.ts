// Cross-checks every supported API version against kafkajs's own protocol codec: requests
// encoded by kafkajs decode to the same fields here, responses encoded here decode in kafkajs.

import { SUPPORTED_VERSIONS, ApiKey } from '../../src/protocol/api';
import { Reader, Writer } from '../../src/protocol/codec';
import * as m from '../../src/protocol/messages';
import { scanBatches } from '../../src/protocol/record-batch';
import { kafkajsDecode, kafkajsDecodeBatch, kafkajsRequest } from '../support/kafkajs-internals';

function versions(key: ApiKey): number[] {
  const { min, max } = SUPPORTED_VERSIONS[key];
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

async function decodeRequest<T>(
  api: string,
  version: number,
  args: object,
  decode: (r: Reader, version: number) => T,
): Promise<T> {
  const body = await kafkajsRequest(api, version, args);
  const reader = new Reader(body);
  const decoded = decode(reader, version);
  expect(reader.remaining).toBe(0);
  return decoded;
}

async function encodeResponse(api: string, version: number, encode: (w: Writer) => void): Promise<unknown> {
  const w = new Writer(64, 0);
  encode(w);
  return kafkajsDecode(api, version, w.toBuffer(0));
}

describe('request header', () => {
  it('decodes v1 headers with null and non-null client ids', () => {
    const w = new Writer(64, 0).int16(3).int16(4).int32(99).string('svc');
    expect(m.decodeRequestHeader(new Reader(w.toBuffer(0)))).toEqual({
      apiKey: 3,
      apiVersion: 4,
      correlationId: 99,
      clientId: 'svc',
    });
    const anonymous = new Writer(64, 0).int16(18).int16(0).int32(1).nullableString(null);
    expect(m.decodeRequestHeader(new Reader(anonymous.toBuffer(0))).clientId).toBeNull();
  });
});

describe('ApiVersions', () => {
  it.each(versions(ApiKey.ApiVersions))('v%d response decodes in kafkajs', async (version) => {
    const apiKeys = [{ apiKey: 0, minVersion: 3, maxVersion: 3 }];
    const decoded = await encodeResponse('apiVersions', version, (w) =>
      m.encodeApiVersionsResponse(w, version, { errorCode: 0, apiKeys }),
    );
    expect(decoded).toMatchObject({ errorCode: 0, apiVersions: apiKeys });
  });
});

describe('Metadata', () => {
  it('v0 treats an empty topic list as "all topics"', async () => {
    const req = await decodeRequest('metadata', 0, { topics: [] }, m.decodeMetadataRequest);
    expect(req).toEqual({ topics: null, allowAutoTopicCreation: true });
  });

  it.each(versions(ApiKey.Metadata).filter((v) => v >= 1))(
    'v%d request with null topics',
    async (version) => {
      // kafkajs writes an empty nullable array as null (-1): "all topics"
      const req = await decodeRequest(
        'metadata',
        version,
        { topics: [], allowAutoTopicCreation: false },
        m.decodeMetadataRequest,
      );
      expect(req).toEqual({ topics: null, allowAutoTopicCreation: version < 4 });
    },
  );

  it.each(versions(ApiKey.Metadata))('v%d request and response', async (version) => {
    const req = await decodeRequest('metadata', version, { topics: ['a', 'b'] }, m.decodeMetadataRequest);
    expect(req.topics).toEqual(['a', 'b']);
    const decoded = await encodeResponse('metadata', version, (w) =>
      m.encodeMetadataResponse(w, version, {
        brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
        clusterId: 'c',
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: 'a',
            isInternal: false,
            partitions: [{ errorCode: 0, partition: 0, leader: 1, replicas: [1], isr: [1] }],
          },
        ],
      }),
    );
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092 }],
      topicMetadata: [
        {
          topic: 'a',
          partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] }],
        },
      ],
    });
    if (version >= 1) expect(decoded).toMatchObject({ controllerId: 1 });
    if (version >= 2) expect(decoded).toMatchObject({ clusterId: 'c' });
  });
});

describe('Produce v3', () => {
  it('decodes the kafkajs request with its record batch intact', async () => {
    const req = await decodeRequest(
      'produce',
      3,
      {
        acks: -1,
        timeout: 3000,
        topicData: [
          {
            topic: 'orders',
            partitions: [
              {
                partition: 2,
                messages: [{ key: 'k', value: 'v', headers: { trace: Buffer.from([1, 0, 255]) } }],
              },
            ],
          },
        ],
      },
      m.decodeProduceRequest,
    );
    expect(req).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 3000 });
    const partition = req.topics[0]?.partitions[0];
    expect(partition?.partition).toBe(2);
    const records = partition?.records ?? Buffer.alloc(0);
    expect(scanBatches(records)).toHaveLength(1);
    const batch = await kafkajsDecodeBatch(records);
    expect(batch.records[0]).toMatchObject({ key: Buffer.from('k'), value: Buffer.from('v') });
    expect(batch.records[0]?.headers.trace).toEqual(Buffer.from([1, 0, 255]));
  });

  it('response decodes in kafkajs', async () => {
    const decoded = await encodeResponse('produce', 3, (w) =>
      m.encodeProduceResponse(w, 3, {
        topics: [
          { name: 'orders', partitions: [{ partition: 2, errorCode: 0, baseOffset: 41, logAppendTime: -1 }] },
        ],
      }),
    );
    expect(decoded).toEqual({
      topics: [
        {
          topicName: 'orders',
          partitions: [{ partition: 2, errorCode: 0, baseOffset: '41', logAppendTime: '-1' }],
        },
      ],
      throttleTime: 0,
    });
  });
});

describe('Fetch v4', () => {
  it('decodes the kafkajs request', async () => {
    const req = await decodeRequest(
      'fetch',
      4,
      {
        replicaId: -1,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        topics: [
          { topic: 't', partitions: [{ partition: 1, fetchOffset: '12345678901', maxBytes: 1048576 }] },
        ],
      },
      m.decodeFetchRequest,
    );
    expect(req).toEqual({
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 10485760,
      isolationLevel: 1,
      topics: [
        { name: 't', partitions: [{ partition: 1, fetchOffset: 12345678901, partitionMaxBytes: 1048576 }] },
      ],
    });
  });
});

describe('ListOffsets', () => {
  it.each(versions(ApiKey.ListOffsets))('v%d request and response', async (version) => {
    const req = await decodeRequest(
      'listOffsets',
      version,
      {
        replicaId: -1,
        isolationLevel: 1,
        topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -2 }] }],
      },
      m.decodeListOffsetsRequest,
    );
    expect(req.topics).toEqual([{ name: 't', partitions: [{ partition: 0, timestamp: -2 }] }]);
    expect(req.isolationLevel).toBe(version >= 2 ? 1 : 0);
    const decoded = await encodeResponse('listOffsets', version, (w) =>
      m.encodeListOffsetsResponse(w, version, {
        topics: [{ name: 't', partitions: [{ partition: 0, errorCode: 0, timestamp: -1, offset: 7 }] }],
      }),
    );
    expect(decoded).toMatchObject({
      responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0, timestamp: '-1', offset: '7' }] }],
    });
  });
});

describe('FindCoordinator', () => {
  it.each(versions(ApiKey.FindCoordinator))('v%d request and response', async (version) => {
    const req = await decodeRequest(
      'findCoordinator',
      version,
      { groupId: 'g', coordinatorKey: 'g', coordinatorType: 0 },
      m.decodeFindCoordinatorRequest,
    );
    expect(req).toEqual({ key: 'g', keyType: 0 });
    const decoded = await encodeResponse('findCoordinator', version, (w) =>
      m.encodeFindCoordinatorResponse(w, version, {
        errorCode: 0,
        errorMessage: null,
        nodeId: 1,
        host: 'h',
        port: 9,
      }),
    );
    expect(decoded).toMatchObject({ errorCode: 0, coordinator: { nodeId: 1, host: 'h', port: 9 } });
  });
});

describe('JoinGroup', () => {
  it.each(versions(ApiKey.JoinGroup))('v%d request and response', async (version) => {
    const req = await decodeRequest(
      'joinGroup',
      version,
      {
        groupId: 'g',
        sessionTimeout: 10000,
        rebalanceTimeout: 60000,
        memberId: 'm-1',
        protocolType: 'consumer',
        groupProtocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
      },
      m.decodeJoinGroupRequest,
    );
    expect(req).toEqual({
      groupId: 'g',
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: version >= 1 ? 60000 : 10000,
      memberId: 'm-1',
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 2]) }],
    });
    const decoded = await encodeResponse('joinGroup', version, (w) =>
      m.encodeJoinGroupResponse(w, version, {
        errorCode: 0,
        generationId: 3,
        protocolName: 'RoundRobinAssigner',
        leader: 'm-1',
        memberId: 'm-1',
        members: [{ memberId: 'm-1', metadata: Buffer.from([9]) }],
      }),
    );
    expect(decoded).toMatchObject({
      errorCode: 0,
      generationId: 3,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'm-1',
      memberId: 'm-1',
      members: [{ memberId: 'm-1', memberMetadata: Buffer.from([9]) }],
    });
  });
});

describe('SyncGroup, Heartbeat, LeaveGroup', () => {
  it.each(versions(ApiKey.SyncGroup))('SyncGroup v%d', async (version) => {
    const req = await decodeRequest(
      'syncGroup',
      version,
      {
        groupId: 'g',
        generationId: 2,
        memberId: 'm',
        groupAssignment: [{ memberId: 'm', memberAssignment: Buffer.from([5]) }],
      },
      m.decodeSyncGroupRequest,
    );
    expect(req).toEqual({
      groupId: 'g',
      generationId: 2,
      memberId: 'm',
      assignments: [{ memberId: 'm', assignment: Buffer.from([5]) }],
    });
    const decoded = await encodeResponse('syncGroup', version, (w) =>
      m.encodeSyncGroupResponse(w, version, { errorCode: 0, assignment: Buffer.from([5, 6]) }),
    );
    expect(decoded).toMatchObject({ errorCode: 0, memberAssignment: Buffer.from([5, 6]) });
  });

  it.each(versions(ApiKey.Heartbeat))('Heartbeat v%d', async (version) => {
    const req = await decodeRequest(
      'heartbeat',
      version,
      { groupId: 'g', groupGenerationId: 4, memberId: 'm' },
      m.decodeHeartbeatRequest,
    );
    expect(req).toEqual({ groupId: 'g', generationId: 4, memberId: 'm' });
    const decoded = await encodeResponse('heartbeat', version, (w) =>
      m.encodeErrorOnlyResponse(w, version, 27),
    );
    expect(decoded).toMatchObject({ errorCode: 27 });
  });

  it.each(versions(ApiKey.LeaveGroup))('LeaveGroup v%d', async (version) => {
    const req = await decodeRequest(
      'leaveGroup',
      version,
      { groupId: 'g', memberId: 'm' },
      m.decodeLeaveGroupRequest,
    );
    expect(req).toEqual({ groupId: 'g', memberId: 'm' });
    const decoded = await encodeResponse('leaveGroup', version, (w) =>
      m.encodeErrorOnlyResponse(w, version, 0),
    );
    expect(decoded).toMatchObject({ errorCode: 0 });
  });
});

describe('OffsetCommit and OffsetFetch', () => {
  it.each(versions(ApiKey.OffsetCommit))('OffsetCommit v%d', async (version) => {
    const req = await decodeRequest(
      'offsetCommit',
      version,
      {
        groupId: 'g',
        groupGenerationId: 5,
        memberId: 'm',
        retentionTime: -1,
        topics: [
          {
            topic: 't',
            partitions: [
              { partition: 1, offset: '-2', metadata: 'meta' },
              { partition: 2, offset: '9' },
            ],
          },
        ],
      },
      m.decodeOffsetCommitRequest,
    );
    expect(req).toEqual({
      groupId: 'g',
      generationId: version >= 1 ? 5 : -1,
      memberId: version >= 1 ? 'm' : '',
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 1, offset: -2, metadata: 'meta' },
            { partition: 2, offset: 9, metadata: null },
          ],
        },
      ],
    });
    const decoded = await encodeResponse('offsetCommit', version, (w) =>
      m.encodeOffsetCommitResponse(w, version, {
        topics: [{ name: 't', partitions: [{ partition: 1, errorCode: 22 }] }],
      }),
    );
    expect(decoded).toMatchObject({
      responses: [{ topic: 't', partitions: [{ partition: 1, errorCode: 22 }] }],
    });
  });

  it.each(versions(ApiKey.OffsetFetch))('OffsetFetch v%d', async (version) => {
    const req = await decodeRequest(
      'offsetFetch',
      version,
      { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 2 }] }] },
      m.decodeOffsetFetchRequest,
    );
    expect(req).toEqual({ groupId: 'g', topics: [{ name: 't', partitions: [0, 2] }] });
    const decoded = await encodeResponse('offsetFetch', version, (w) =>
      m.encodeOffsetFetchResponse(w, version, {
        errorCode: 0,
        topics: [{ name: 't', partitions: [{ partition: 0, offset: -1, metadata: '', errorCode: 0 }] }],
      }),
    );
    expect(decoded).toMatchObject({
      responses: [{ topic: 't', partitions: [{ partition: 0, offset: '-1', metadata: '', errorCode: 0 }] }],
    });
  });

  it('OffsetFetch v2+ accepts null topics ("all committed")', () => {
    const w = new Writer(64, 0).string('g').nullableArray(null, (out, n: number) => out.int32(n));
    expect(m.decodeOffsetFetchRequest(new Reader(w.toBuffer(0)), 2)).toEqual({ groupId: 'g', topics: null });
  });
});

describe('group and topic administration', () => {
  it.each(versions(ApiKey.DescribeGroups))('DescribeGroups v%d', async (version) => {
    const req = await decodeRequest(
      'describeGroups',
      version,
      { groupIds: ['a', 'b'] },
      m.decodeDescribeGroupsRequest,
    );
    expect(req).toEqual({ groupIds: ['a', 'b'] });
    const decoded = await encodeResponse('describeGroups', version, (w) =>
      m.encodeDescribeGroupsResponse(w, version, {
        groups: [
          {
            errorCode: 0,
            groupId: 'a',
            state: 'Stable',
            protocolType: 'consumer',
            protocol: 'RoundRobinAssigner',
            members: [
              {
                memberId: 'm',
                clientId: 'c',
                clientHost: '/127.0.0.1',
                metadata: Buffer.from([1]),
                assignment: Buffer.from([2]),
              },
            ],
          },
        ],
      }),
    );
    expect(decoded).toMatchObject({
      groups: [
        {
          groupId: 'a',
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'RoundRobinAssigner',
          members: [
            {
              memberId: 'm',
              clientId: 'c',
              clientHost: '/127.0.0.1',
              memberMetadata: Buffer.from([1]),
              memberAssignment: Buffer.from([2]),
            },
          ],
        },
      ],
    });
  });

  it.each(versions(ApiKey.ListGroups))('ListGroups v%d', async (version) => {
    expect(await kafkajsRequest('listGroups', version, {})).toHaveLength(0);
    const decoded = await encodeResponse('listGroups', version, (w) =>
      m.encodeListGroupsResponse(w, version, {
        errorCode: 0,
        groups: [{ groupId: 'g', protocolType: 'consumer' }],
      }),
    );
    expect(decoded).toMatchObject({ errorCode: 0, groups: [{ groupId: 'g', protocolType: 'consumer' }] });
  });

  it.each(versions(ApiKey.CreateTopics))('CreateTopics v%d', async (version) => {
    const req = await decodeRequest(
      'createTopics',
      version,
      {
        topics: [
          {
            topic: 'a',
            numPartitions: 3,
            replicationFactor: 1,
            configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
          },
          { topic: 'b', replicaAssignment: [{ partition: 0, replicas: [1] }] },
        ],
        validateOnly: true,
        timeout: 1000,
      },
      m.decodeCreateTopicsRequest,
    );
    expect(req).toEqual({
      topics: [
        {
          name: 'a',
          numPartitions: 3,
          replicationFactor: 1,
          assignments: [],
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        },
        {
          name: 'b',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partition: 0, brokerIds: [1] }],
          configs: [],
        },
      ],
      timeoutMs: 1000,
      validateOnly: version >= 1,
    });
    const decoded = await encodeResponse('createTopics', version, (w) =>
      m.encodeCreateTopicsResponse(w, version, {
        topics: [{ name: 'a', errorCode: 36, errorMessage: "Topic 'a' already exists." }],
      }),
    );
    expect(decoded).toMatchObject({ topicErrors: [{ topic: 'a', errorCode: 36 }] });
  });

  it.each(versions(ApiKey.DeleteTopics))('DeleteTopics v%d', async (version) => {
    const req = await decodeRequest(
      'deleteTopics',
      version,
      { topics: ['a'], timeout: 500 },
      m.decodeDeleteTopicsRequest,
    );
    expect(req).toEqual({ topics: ['a'], timeoutMs: 500 });
    const decoded = await encodeResponse('deleteTopics', version, (w) =>
      m.encodeDeleteTopicsResponse(w, version, { topics: [{ name: 'a', errorCode: 3 }] }),
    );
    expect(decoded).toMatchObject({ topicErrors: [{ topic: 'a', errorCode: 3 }] });
  });

  it.each(versions(ApiKey.DeleteGroups))('DeleteGroups v%d', async (version) => {
    const req = await decodeRequest('deleteGroups', version, ['g1', 'g2'], m.decodeDeleteGroupsRequest);
    expect(req).toEqual({ groupIds: ['g1', 'g2'] });
    const decoded = await encodeResponse('deleteGroups', version, (w) =>
      m.encodeDeleteGroupsResponse(w, version, { results: [{ groupId: 'g1', errorCode: 68 }] }),
    );
    expect(decoded).toMatchObject({ results: [{ groupId: 'g1', errorCode: 68 }] });
  });
});
