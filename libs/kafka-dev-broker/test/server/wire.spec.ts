// Wire-level behaviour of the in-process broker, driven frame by frame.

import { ApiKey, ErrorCode, startDevBroker, SUPPORTED_VERSIONS, type DevBroker } from '../../src';
import { Reader, Writer } from '../../src/protocol/codec';
import { kafkajsDecode, kafkajsRequest } from '../support/kafkajs-internals';
import { RawClient } from '../support/raw-client';

function apiVersionsOf(body: Buffer): { errorCode: number; keys: Map<number, [number, number]> } {
  const r = new Reader(body);
  const errorCode = r.int16();
  const keys = new Map<number, [number, number]>();
  for (const [key, min, max] of r.array((x) => [x.int16(), x.int16(), x.int16()] as const))
    keys.set(key, [min, max]);
  return { errorCode, keys };
}

function metadataBody(topics: string[] | null, version = 4): Buffer {
  const w = new Writer(64, 0).nullableArray(topics, (out, t) => out.string(t));
  if (version >= 4) w.bool(true);
  return w.toBuffer(0);
}

describe('wire protocol', () => {
  let broker: DevBroker;
  const clients: RawClient[] = [];

  async function client(): Promise<RawClient> {
    const c = await RawClient.connect(broker.port);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    broker = await startDevBroker();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('advertises exactly the implemented version ranges', async () => {
    const c = await client();
    for (const version of [0, 1, 2]) {
      c.send(ApiKey.ApiVersions, version, 10 + version);
      const response = await c.next();
      expect(response.correlationId).toBe(10 + version);
      const { errorCode, keys } = apiVersionsOf(response.body);
      expect(errorCode).toBe(0);
      expect(Object.fromEntries(keys)).toEqual(
        Object.fromEntries(Object.entries(SUPPORTED_VERSIONS).map(([k, r]) => [k, [r.min, r.max]])),
      );
    }
  });

  it('answers an unsupported ApiVersions version with UNSUPPORTED_VERSION (35) in v0 format', async () => {
    const c = await client();
    // ApiVersions v3 uses request header v2: client id, then an empty tagged-field section.
    const body = Buffer.from([0x00, 0x05, 0x6a, 0x61, 0x76, 0x61, 0x04, 0x33, 0x2e, 0x37, 0x00]);
    const frame = RawClient.frame(ApiKey.ApiVersions, 3, 77, Buffer.concat([Buffer.from([0]), body]));
    c.write(frame);
    const response = await c.next();
    expect(response.correlationId).toBe(77);
    const { errorCode, keys } = apiVersionsOf(response.body);
    expect(errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(keys.get(ApiKey.ApiVersions)).toEqual([0, 2]);
    expect(keys.get(ApiKey.Fetch)).toEqual([4, 4]);
    // ... and the connection stays usable for the retry at a supported version.
    c.send(ApiKey.ApiVersions, 2, 78);
    expect(apiVersionsOf((await c.next()).body).errorCode).toBe(0);
  });

  it('closes the connection on an unsupported version of another API, or an unknown API key', async () => {
    const a = await client();
    a.send(ApiKey.Metadata, 9, 1, metadataBody(null));
    await a.closed;
    const b = await client();
    b.send(99, 0, 1);
    await b.closed;
  });

  it('answers pipelined requests in order, frames split at any byte included', async () => {
    const c = await client();
    const frames = Buffer.concat([
      RawClient.frame(ApiKey.ApiVersions, 0, 1, Buffer.alloc(0)),
      RawClient.frame(ApiKey.Metadata, 4, 2, metadataBody([])),
      RawClient.frame(ApiKey.ApiVersions, 2, 3, Buffer.alloc(0), null),
    ]);
    for (let i = 0; i < frames.length; i += 3) c.write(frames.subarray(i, i + 3));
    const ids = [
      (await c.next()).correlationId,
      (await c.next()).correlationId,
      (await c.next()).correlationId,
    ];
    expect(ids).toEqual([1, 2, 3]);
  });

  it('advertises its real host and port and node 1 as controller', async () => {
    const c = await client();
    c.send(ApiKey.Metadata, 4, 5, metadataBody(null));
    const decoded = await kafkajsDecode('metadata', 4, (await c.next()).body);
    expect(decoded).toMatchObject({
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: broker.port }],
      controllerId: 1,
    });
  });

  it('sends no response to acks=0 produce requests', async () => {
    const c = await client();
    const produce = (acks: number): Promise<Buffer> =>
      kafkajsRequest('produce', 3, {
        acks,
        timeout: 1000,
        topicData: [{ topic: 'wire-acks0', partitions: [{ partition: 0, messages: [{ value: 'x' }] }] }],
      });
    c.write(RawClient.frame(ApiKey.Produce, 3, 1, await produce(0)));
    c.write(RawClient.frame(ApiKey.Produce, 3, 2, await produce(1)));
    const response = await c.next();
    expect(response.correlationId).toBe(2);
    expect(await kafkajsDecode('produce', 3, response.body)).toMatchObject({
      topics: [{ topicName: 'wire-acks0', partitions: [{ partition: 0, errorCode: 0, baseOffset: '1' }] }],
    });
    expect(broker.highWatermarks('wire-acks0')).toEqual([2, 0, 0]);
  });

  it('rejects corrupt record data with CORRUPT_MESSAGE', async () => {
    const c = await client();
    const body = new Writer(64, 0)
      .nullableString(null)
      .int16(1)
      .int32(1000)
      .array(['wire-corrupt'], (out, t) => {
        out.string(t).array([0], (o, p) => o.int32(p).bytes(Buffer.alloc(70, 1)));
      })
      .toBuffer(0);
    c.send(ApiKey.Produce, 3, 1, body);
    expect(await kafkajsDecode('produce', 3, (await c.next()).body)).toMatchObject({
      topics: [{ partitions: [{ errorCode: ErrorCode.CORRUPT_MESSAGE }] }],
    });
  });

  it('long-polls Fetch and wakes as soon as data arrives', async () => {
    broker.createTopic('wire-poll', 1);
    const consumer = await client();
    const producer = await client();
    const fetchBody = await kafkajsRequest('fetch', 4, {
      replicaId: -1,
      maxWaitTime: 10_000,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      topics: [{ topic: 'wire-poll', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1 << 20 }] }],
    });
    const started = Date.now();
    consumer.send(ApiKey.Fetch, 4, 1, fetchBody);
    const pending = consumer.next();
    const produceBody = await kafkajsRequest('produce', 3, {
      acks: -1,
      timeout: 1000,
      topicData: [
        { topic: 'wire-poll', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'hello' }] }] },
      ],
    });
    producer.send(ApiKey.Produce, 3, 1, produceBody);
    await producer.next();
    const response = await pending;
    expect(Date.now() - started).toBeLessThan(5_000);
    const decoded = await kafkajsDecode('fetch', 4, response.body);
    expect(decoded).toMatchObject({
      responses: [
        {
          topicName: 'wire-poll',
          partitions: [
            {
              partition: 0,
              errorCode: 0,
              highWatermark: '1',
              lastStableOffset: '1',
              messages: [{ offset: '0' }],
            },
          ],
        },
      ],
    });
  });

  it('returns an empty fetch after maxWaitTime, and errors immediately', async () => {
    broker.createTopic('wire-empty', 1);
    const c = await client();
    const fetch = (topic: string, fetchOffset: string, maxWaitTime: number): Promise<Buffer> =>
      kafkajsRequest('fetch', 4, {
        replicaId: -1,
        maxWaitTime,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        topics: [{ topic, partitions: [{ partition: 0, fetchOffset, maxBytes: 1 << 20 }] }],
      });
    const started = Date.now();
    c.send(ApiKey.Fetch, 4, 1, await fetch('wire-empty', '0', 150));
    const empty = await kafkajsDecode('fetch', 4, (await c.next()).body);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(empty).toMatchObject({
      responses: [{ partitions: [{ errorCode: 0, highWatermark: '0', messages: [] }] }],
    });
    c.send(ApiKey.Fetch, 4, 2, await fetch('wire-empty', '5', 10_000));
    expect(await kafkajsDecode('fetch', 4, (await c.next()).body)).toMatchObject({
      responses: [{ partitions: [{ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }] }],
    });
    c.send(ApiKey.Fetch, 4, 3, await fetch('wire-missing', '0', 10_000));
    expect(await kafkajsDecode('fetch', 4, (await c.next()).body)).toMatchObject({
      responses: [{ partitions: [{ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }],
    });
  });

  it('holds responses back while a client does not read, then delivers them all in order', async () => {
    broker.createTopic('wire-backpressure', 1);
    const producer = await client();
    producer.send(
      ApiKey.Produce,
      3,
      1,
      await kafkajsRequest('produce', 3, {
        acks: -1,
        timeout: 1000,
        topicData: [
          {
            topic: 'wire-backpressure',
            partitions: [{ partition: 0, messages: [{ value: Buffer.alloc(256 * 1024, 1) }] }],
          },
        ],
      }),
    );
    await producer.next();
    const fetchBody = await kafkajsRequest('fetch', 4, {
      replicaId: -1,
      maxWaitTime: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      topics: [
        { topic: 'wire-backpressure', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1 << 20 }] },
      ],
    });
    const reader = await client();
    reader.pause();
    const count = 64; // 16 MiB of responses
    reader.write(
      Buffer.concat(Array.from({ length: count }, (_, i) => RawClient.frame(ApiKey.Fetch, 4, i, fetchBody))),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    reader.resume();
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const response = await reader.next();
      expect(response.body.length).toBeGreaterThan(256 * 1024);
      ids.push(response.correlationId);
    }
    expect(ids).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('closes connections that announce an invalid frame size', async () => {
    const c = await client();
    c.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    await c.closed;
  });
});

describe('stop()', () => {
  it('closes client connections, pending long polls included, and is idempotent', async () => {
    const broker = await startDevBroker();
    broker.createTopic('stop-poll', 1);
    const c = await RawClient.connect(broker.port);
    c.send(
      ApiKey.Fetch,
      4,
      1,
      await kafkajsRequest('fetch', 4, {
        replicaId: -1,
        maxWaitTime: 60_000,
        minBytes: 1,
        maxBytes: 1 << 20,
        isolationLevel: 1,
        topics: [{ topic: 'stop-poll', partitions: [{ partition: 0, fetchOffset: '0', maxBytes: 1 << 20 }] }],
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the fetch start waiting
    await Promise.all([broker.stop(), broker.stop()]);
    await c.closed;
    await broker.stop();
    expect(broker.connectionCount()).toBe(0);
  });
});
