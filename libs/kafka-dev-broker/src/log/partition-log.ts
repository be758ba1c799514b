// One partition's log: stored RecordBatch v2 buffers indexed by base offset. Appends are
// O(1); a fetch finds its starting batch by binary search and hands out the stored buffers
// themselves (no copies, no record decoding).

import { findRecordAtOrAfter, type BatchInfo, writeBaseOffset } from '../protocol/record-batch';

export type DataListener = () => void;

export class PartitionLog {
  private readonly batches: Buffer[] = [];
  private readonly baseOffsets: number[] = [];
  /** Running maximum of batch max timestamps: monotonic, so timestamp lookups binary-search it. */
  private readonly maxTimestampsSoFar: number[] = [];
  /** Cumulative byte size after each batch: bytes available from a batch in O(1). */
  private readonly endPositions: number[] = [];
  private hw = 0;
  private readonly listeners = new Set<DataListener>();

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  /** Next offset to be assigned; also the last stable offset (no transactions). */
  get highWatermark(): number {
    return this.hw;
  }

  get logStartOffset(): number {
    return 0;
  }

  get batchCount(): number {
    return this.batches.length;
  }

  get sizeInBytes(): number {
    return this.endPositions[this.endPositions.length - 1] ?? 0;
  }

  /**
   * Appends one batch (copied out of `source`), assigning its base offset.
   * Returns the base offset.
   */
  append(source: Buffer, info: BatchInfo): number {
    const batch = Buffer.allocUnsafe(info.size);
    source.copy(batch, 0, info.start, info.start + info.size);
    const baseOffset = this.hw;
    writeBaseOffset(batch, baseOffset);
    const previousMax = this.maxTimestampsSoFar[this.maxTimestampsSoFar.length - 1] ?? -Infinity;
    this.batches.push(batch);
    this.baseOffsets.push(baseOffset);
    this.maxTimestampsSoFar.push(Math.max(previousMax, info.maxTimestamp));
    this.endPositions.push(this.sizeInBytes + info.size);
    this.hw = baseOffset + info.lastOffsetDelta + 1;
    return baseOffset;
  }

  /** Notifies listeners (long-polling fetches) once after a produce request. */
  notify(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }

  addListener(listener: DataListener): void {
    this.listeners.add(listener);
  }

  removeListener(listener: DataListener): void {
    this.listeners.delete(listener);
  }

  /** Index of the batch containing `offset` (offset must be in [0, hw)). */
  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.baseOffsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.baseOffsets[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Bytes stored from the batch containing `offset` to the end of the log. */
  bytesFrom(offset: number): number {
    if (offset >= this.hw || this.batches.length === 0) return 0;
    const index = this.indexOf(offset);
    const before = index === 0 ? 0 : (this.endPositions[index - 1] ?? 0);
    return this.sizeInBytes - before;
  }

  /**
   * Whole batches starting at the one containing `offset`, up to `maxBytes`; the first batch
   * is returned even when larger if `allowOversizedFirst` (so a consumer always progresses).
   */
  read(offset: number, maxBytes: number, allowOversizedFirst: boolean): { batches: Buffer[]; bytes: number } {
    const batches: Buffer[] = [];
    let bytes = 0;
    if (offset >= this.hw || this.batches.length === 0) return { batches, bytes };
    for (let i = this.indexOf(offset); i < this.batches.length; i++) {
      const batch = this.batches[i];
      if (batch === undefined) break;
      if (bytes + batch.length > maxBytes && !(batches.length === 0 && allowOversizedFirst)) break;
      batches.push(batch);
      bytes += batch.length;
    }
    return { batches, bytes };
  }

  /** ListOffsets by timestamp: first record with timestamp >= `timestamp`, or null. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    const n = this.maxTimestampsSoFar.length;
    if (n === 0 || (this.maxTimestampsSoFar[n - 1] ?? -Infinity) < timestamp) return null;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.maxTimestampsSoFar[mid] ?? -Infinity) >= timestamp) hi = mid;
      else lo = mid + 1;
    }
    const batch = this.batches[lo];
    const baseOffset = this.baseOffsets[lo];
    if (batch === undefined || baseOffset === undefined) return null;
    const found = findRecordAtOrAfter(batch, timestamp);
    if (found === null) return null;
    return { offset: baseOffset + found.offsetDelta, timestamp: found.timestamp };
  }
}
