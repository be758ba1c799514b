import { ProtocolError } from '../../src/protocol/codec';
import {
  findRecordAtOrAfter,
  readBaseOffset,
  scanBatches,
  writeBaseOffset,
} from '../../src/protocol/record-batch';
import { PartitionLog } from '../../src/log/partition-log';
import { kafkajsCrc32C, kafkajsDecodeBatch, kafkajsRecordBatch } from '../support/kafkajs-internals';

const T0 = 1_700_000_000_000;

describe('RecordBatch v2 header access', () => {
  it('reads the header fields of a kafkajs-built batch', async () => {
    const batch = await kafkajsRecordBatch(
      [
        { key: 'a', value: 'one', timestamp: T0 },
        { key: 'b', value: 'two', timestamp: T0 + 5 },
        { key: 'c', value: 'three', timestamp: T0 + 2 },
      ],
      { firstTimestamp: T0 },
    );
    const [info, ...rest] = scanBatches(batch);
    expect(rest).toHaveLength(0);
    expect(info).toMatchObject({
      start: 0,
      size: batch.length,
      lastOffsetDelta: 2,
      recordCount: 3,
      baseTimestamp: T0,
      maxTimestamp: T0 + 5,
      attributes: 0,
    });
  });

  it('splits several concatenated batches', async () => {
    const a = await kafkajsRecordBatch([{ value: 'x' }]);
    const b = await kafkajsRecordBatch([{ value: 'y' }, { value: 'z' }]);
    const infos = scanBatches(Buffer.concat([a, b]));
    expect(infos.map((i) => [i.start, i.size, i.recordCount])).toEqual([
      [0, a.length, 1],
      [a.length, b.length, 2],
    ]);
  });

  it('rejects truncated batches and other magic bytes', async () => {
    const batch = await kafkajsRecordBatch([{ value: 'x' }]);
    expect(() => scanBatches(batch.subarray(0, batch.length - 1))).toThrow(ProtocolError);
    expect(() => scanBatches(batch.subarray(0, 30))).toThrow(ProtocolError);
    const v1 = Buffer.from(batch);
    v1.writeInt8(1, 16);
    expect(() => scanBatches(v1)).toThrow(/magic/);
  });

  it('rewrites baseOffset without touching the CRC-32C-covered bytes', async () => {
    const batch = await kafkajsRecordBatch([{ key: 'k', value: 'v', headers: { h: Buffer.from([0, 255]) } }]);
    const crc = batch.readUInt32BE(17);
    expect(kafkajsCrc32C(batch.subarray(21))).toBe(crc);
    writeBaseOffset(batch, 2 ** 40 + 17);
    expect(readBaseOffset(batch)).toBe(2 ** 40 + 17);
    expect(kafkajsCrc32C(batch.subarray(21))).toBe(crc);
    const decoded = await kafkajsDecodeBatch(batch);
    expect(decoded.firstOffset).toBe(String(2 ** 40 + 17));
    expect(decoded.records[0]?.headers.h).toEqual(Buffer.from([0, 255]));
  });

  it('finds the first record at or after a timestamp inside an uncompressed batch', async () => {
    const batch = await kafkajsRecordBatch(
      [0, 10, 20, 30].map((d) => ({ value: `m${d}`, timestamp: T0 + d })),
      { firstTimestamp: T0 },
    );
    expect(findRecordAtOrAfter(batch, T0 - 100)).toEqual({ offsetDelta: 0, timestamp: T0 });
    expect(findRecordAtOrAfter(batch, T0 + 10)).toEqual({ offsetDelta: 1, timestamp: T0 + 10 });
    expect(findRecordAtOrAfter(batch, T0 + 11)).toEqual({ offsetDelta: 2, timestamp: T0 + 20 });
    expect(findRecordAtOrAfter(batch, T0 + 31)).toBeNull();
  });

  it('answers a compressed batch with its first offset', async () => {
    const batch = await kafkajsRecordBatch(
      [0, 10].map((d) => ({ value: `m${d}`, timestamp: T0 + d })),
      { compression: 1, firstTimestamp: T0 },
    );
    expect(scanBatches(batch)[0]?.attributes).toBe(1);
    expect(findRecordAtOrAfter(batch, T0 + 5)).toEqual({ offsetDelta: 0, timestamp: T0 + 10 });
  });
});

describe('PartitionLog', () => {
  async function logWith(batches: number[][]): Promise<PartitionLog> {
    const log = new PartitionLog('t', 0);
    for (const timestamps of batches) {
      const batch = await kafkajsRecordBatch(timestamps.map((ts) => ({ value: `v${ts}`, timestamp: ts })));
      const info = scanBatches(batch)[0];
      if (!info) throw new Error('no batch');
      log.append(batch, info);
    }
    return log;
  }

  it('assigns consecutive base offsets and advances the high watermark by record count', async () => {
    const log = await logWith([[T0, T0 + 1, T0 + 2], [T0 + 3], [T0 + 4, T0 + 5]]);
    expect(log.highWatermark).toBe(6);
    expect(log.batchCount).toBe(3);
    const all = log.read(0, 1 << 20, true);
    expect(all.batches.map(readBaseOffset)).toEqual([0, 3, 4]);
    const decoded = await Promise.all(all.batches.map(kafkajsDecodeBatch));
    expect(decoded.flatMap((d) => d.records.map((r) => r.offset))).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('reads from the batch containing the requested offset', async () => {
    const log = await logWith([[T0, T0 + 1, T0 + 2], [T0 + 3], [T0 + 4, T0 + 5]]);
    expect(log.read(2, 1 << 20, true).batches.map(readBaseOffset)).toEqual([0, 3, 4]);
    expect(log.read(3, 1 << 20, true).batches.map(readBaseOffset)).toEqual([3, 4]);
    expect(log.read(5, 1 << 20, true).batches.map(readBaseOffset)).toEqual([4]);
    expect(log.read(6, 1 << 20, true).batches).toEqual([]);
  });

  it('respects max bytes but always returns a first batch when allowed', async () => {
    const log = await logWith([[T0, T0 + 1], [T0 + 2], [T0 + 3]]);
    const sizes = log.read(0, 1 << 20, true).batches.map((b) => b.length);
    const [first = 0, second = 0] = sizes;
    expect(log.read(0, 1, true).batches).toHaveLength(1);
    expect(log.read(0, 1, false).batches).toHaveLength(0);
    expect(log.read(0, first + second, false).batches).toHaveLength(2);
    expect(log.read(0, first + second - 1, false).batches).toHaveLength(1);
    expect(log.bytesFrom(0)).toBe(log.sizeInBytes);
    expect(log.bytesFrom(2)).toBe(log.sizeInBytes - first);
    expect(log.bytesFrom(4)).toBe(0);
  });

  it('looks offsets up by timestamp, including out-of-order batch timestamps', async () => {
    const log = await logWith([[T0, T0 + 10], [T0 + 5], [T0 + 30, T0 + 40]]);
    expect(log.offsetForTimestamp(T0 - 1)).toEqual({ offset: 0, timestamp: T0 });
    expect(log.offsetForTimestamp(T0 + 6)).toEqual({ offset: 1, timestamp: T0 + 10 });
    expect(log.offsetForTimestamp(T0 + 11)).toEqual({ offset: 3, timestamp: T0 + 30 });
    expect(log.offsetForTimestamp(T0 + 35)).toEqual({ offset: 4, timestamp: T0 + 40 });
    expect(log.offsetForTimestamp(T0 + 41)).toBeNull();
    expect(new PartitionLog('t', 0).offsetForTimestamp(0)).toBeNull();
  });

  it('copies appended batches out of the request buffer', async () => {
    const request = await kafkajsRecordBatch([{ value: 'x' }]);
    const info = scanBatches(request)[0];
    if (!info) throw new Error('no batch');
    const log = new PartitionLog('t', 0);
    log.append(request, info);
    request.fill(0);
    const [stored] = log.read(0, 1 << 20, true).batches;
    expect(stored?.readInt8(16)).toBe(2);
  });

  it('notifies listeners until they are removed', () => {
    const log = new PartitionLog('t', 0);
    const calls: string[] = [];
    const listener = (): void => {
      calls.push('a');
    };
    log.addListener(listener);
    log.notify();
    log.removeListener(listener);
    log.notify();
    expect(calls).toEqual(['a']);
  });
});
