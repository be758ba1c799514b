// Typed access to kafkajs's own protocol codec (a client implementation we did not write), used
// to cross-check this broker's decoders and encoders byte for byte.

import { createRequire } from 'node:module';

const load = createRequire(__filename);

interface Encoded {
  buffer: Buffer;
}

type RequestFactory = (args: object) => { apiKey: number; apiVersion: number; encode(): Promise<Encoded> };

export interface ResponseCodec {
  decode(data: Buffer): Promise<unknown>;
  parse(data: unknown): Promise<unknown>;
}

/** Request body as kafkajs encodes it, e.g. kafkajsRequest('joinGroup', 4, {...}). */
export async function kafkajsRequest(api: string, version: number, args: object): Promise<Buffer> {
  const factory = load(`kafkajs/src/protocol/requests/${api}/v${version}/request`) as RequestFactory;
  const request = factory(args);
  return (await request.encode()).buffer;
}

/** Decodes a response body with kafkajs's decoder for that API version. */
export async function kafkajsDecode(api: string, version: number, body: Buffer): Promise<unknown> {
  const codec = load(`kafkajs/src/protocol/requests/${api}/v${version}/response`) as ResponseCodec;
  return codec.decode(body);
}

export interface KafkajsRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
  timestamp?: number;
}

/**
 * A RecordBatch v2 exactly as the kafkajs producer builds it (uncompressed unless
 * `compression` is given: 1 = GZIP), with baseOffset 0.
 */
export async function kafkajsRecordBatch(
  records: KafkajsRecord[],
  options: { compression?: number; firstTimestamp?: number } = {},
): Promise<Buffer> {
  const Record = load('kafkajs/src/protocol/recordBatch/record/v0') as (args: object) => unknown;
  const { RecordBatch } = load('kafkajs/src/protocol/recordBatch/v0') as {
    RecordBatch: (args: object) => Promise<Encoded>;
  };
  const first = options.firstTimestamp ?? records[0]?.timestamp ?? Date.now();
  const timestamps = records.map((r) => r.timestamp ?? first);
  const encoded = records.map((r, i) =>
    Record({
      key: r.key ?? null,
      value: r.value,
      headers: r.headers ?? {},
      offsetDelta: i,
      timestampDelta: (timestamps[i] ?? first) - first,
    }),
  );
  const batch = await RecordBatch({
    compression: options.compression ?? 0,
    records: encoded,
    firstTimestamp: first,
    maxTimestamp: Math.max(first, ...timestamps),
    lastOffsetDelta: records.length - 1,
  });
  // int64 firstOffset + bytes(rest): the int32 length prefix is the batchLength field.
  return Buffer.from(batch.buffer);
}

export interface DecodedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}

/** Decodes a stored batch with kafkajs's fetch-path decoder. */
export async function kafkajsDecodeBatch(
  batch: Buffer,
): Promise<{ firstOffset: string; records: DecodedRecord[] }> {
  const Decoder = load('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
  const decodeBatch = load('kafkajs/src/protocol/recordBatch/v0/decoder') as (
    decoder: unknown,
  ) => Promise<{ firstOffset: string; records: DecodedRecord[] }>;
  return decodeBatch(new Decoder(batch));
}

export function kafkajsCrc32C(data: Buffer): number {
  const crc32C = load('kafkajs/src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;
  return crc32C(data);
}
