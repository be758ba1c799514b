// RecordBatch v2 (magic 2) header access. Batches are stored as the producer sent them; the
// broker only rewrites baseOffset (bytes 0-7), which the CRC-32C does not cover (it covers
// attributes onward), and reads the header fields it needs. Records are never decoded on
// the produce/fetch path.
//
// Layout: baseOffset int64 | batchLength int32 | partitionLeaderEpoch int32 | magic int8 |
// crc uint32 | attributes int16 | lastOffsetDelta int32 | baseTimestamp int64 |
// maxTimestamp int64 | producerId int64 | producerEpoch int16 | baseSequence int32 |
// recordCount int32 | records...

import { decodeVarint, ProtocolError } from './codec';

export const BATCH_HEADER_SIZE = 61;
/** Bytes before the batchLength-counted part (baseOffset + batchLength). */
export const BATCH_LOG_OVERHEAD = 12;

const OFFSET_MAGIC = 16;
const OFFSET_ATTRIBUTES = 21;
const OFFSET_LAST_OFFSET_DELTA = 23;
const OFFSET_BASE_TIMESTAMP = 27;
const OFFSET_MAX_TIMESTAMP = 35;
const OFFSET_RECORD_COUNT = 57;

const COMPRESSION_MASK = 0x07;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export interface BatchInfo {
  /** Offset of this batch within the buffer it was found in. */
  start: number;
  /** Total size including baseOffset and batchLength. */
  size: number;
  lastOffsetDelta: number;
  recordCount: number;
  baseTimestamp: number;
  maxTimestamp: number;
  attributes: number;
}

function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * 0x1_0000_0000 + buf.readUInt32BE(at + 4);
}

/**
 * Splits a Produce `records` field into its batches and validates each header.
 * Throws ProtocolError for truncated data, non-v2 magic, or inconsistent counts.
 */
export function scanBatches(records: Buffer): BatchInfo[] {
  const batches: BatchInfo[] = [];
  let at = 0;
  while (at < records.length) {
    if (records.length - at < BATCH_HEADER_SIZE) throw new ProtocolError('truncated record batch header');
    const batchLength = records.readInt32BE(at + 8);
    const size = BATCH_LOG_OVERHEAD + batchLength;
    if (batchLength < BATCH_HEADER_SIZE - BATCH_LOG_OVERHEAD || at + size > records.length) {
      throw new ProtocolError(`invalid record batch length ${batchLength}`);
    }
    const magic = records.readInt8(at + OFFSET_MAGIC);
    if (magic !== 2) throw new ProtocolError(`unsupported record batch magic ${magic}`);
    const lastOffsetDelta = records.readInt32BE(at + OFFSET_LAST_OFFSET_DELTA);
    const recordCount = records.readInt32BE(at + OFFSET_RECORD_COUNT);
    if (recordCount <= 0 || lastOffsetDelta < recordCount - 1) {
      throw new ProtocolError(
        `invalid record batch: ${recordCount} records, lastOffsetDelta ${lastOffsetDelta}`,
      );
    }
    batches.push({
      start: at,
      size,
      lastOffsetDelta,
      recordCount,
      baseTimestamp: readInt64(records, at + OFFSET_BASE_TIMESTAMP),
      maxTimestamp: readInt64(records, at + OFFSET_MAX_TIMESTAMP),
      attributes: records.readInt16BE(at + OFFSET_ATTRIBUTES),
    });
    at += size;
  }
  return batches;
}

export function isTransactionalOrControl(attributes: number): boolean {
  return (attributes & (TRANSACTIONAL_FLAG | CONTROL_FLAG)) !== 0;
}

export function writeBaseOffset(batch: Buffer, baseOffset: number): void {
  const high = Math.floor(baseOffset / 0x1_0000_0000);
  batch.writeInt32BE(high, 0);
  batch.writeUInt32BE(baseOffset - high * 0x1_0000_0000, 4);
}

export function readBaseOffset(batch: Buffer): number {
  return readInt64(batch, 0);
}

/**
 * First record in `batch` whose timestamp is >= `timestamp`: walks the record headers of
 * an uncompressed batch (length, attributes, timestampDelta, offsetDelta). Compressed
 * batches answer with their first record (baseOffset, maxTimestamp). Returns null when
 * no record qualifies.
 */
export function findRecordAtOrAfter(
  batch: Buffer,
  timestamp: number,
): { offsetDelta: number; timestamp: number } | null {
  const attributes = batch.readInt16BE(OFFSET_ATTRIBUTES);
  const baseTimestamp = readInt64(batch, OFFSET_BASE_TIMESTAMP);
  const maxTimestamp = readInt64(batch, OFFSET_MAX_TIMESTAMP);
  if (maxTimestamp < timestamp) return null;
  if ((attributes & COMPRESSION_MASK) !== 0) return { offsetDelta: 0, timestamp: maxTimestamp };
  const count = batch.readInt32BE(OFFSET_RECORD_COUNT);
  let at = BATCH_HEADER_SIZE;
  for (let i = 0; i < count; i++) {
    const length = decodeVarint(batch, at);
    const recordEnd = length.next + length.value;
    // attributes (int8), then timestampDelta (varlong), offsetDelta (varint)
    const timestampDelta = decodeVarint(batch, length.next + 1, recordEnd);
    const offsetDelta = decodeVarint(batch, timestampDelta.next, recordEnd);
    const recordTimestamp = baseTimestamp + timestampDelta.value;
    if (recordTimestamp >= timestamp) return { offsetDelta: offsetDelta.value, timestamp: recordTimestamp };
    at = recordEnd;
  }
  return { offsetDelta: 0, timestamp: maxTimestamp };
}
