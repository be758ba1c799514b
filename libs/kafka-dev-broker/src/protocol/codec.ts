// Binary primitives of the Kafka wire protocol (big-endian, non-flexible versions only):
// a bounds-checked Reader over one request frame and a Writer that builds a response
// without copying large buffers it is handed by reference (stored record batches).

/** Thrown when a request frame is malformed (short, negative lengths, bad varints). */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

const TWO_POW_32 = 0x1_0000_0000;

export class Reader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    offset = 0,
    private readonly end = buf.length,
  ) {
    this.pos = offset;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private take(n: number): number {
    const at = this.pos;
    if (n < 0 || at + n > this.end) {
      throw new ProtocolError(`truncated frame: need ${n} bytes at ${at}, have ${this.end - at}`);
    }
    this.pos = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  bool(): boolean {
    return this.buf[this.take(1)] !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  /** int64 as a JavaScript number; offsets and timestamps fit in 53 bits. */
  int64(): number {
    const at = this.take(8);
    return this.buf.readInt32BE(at) * TWO_POW_32 + this.buf.readUInt32BE(at + 4);
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    if (length < -1) throw new ProtocolError(`invalid string length ${length}`);
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new ProtocolError('unexpected null string');
    return value;
  }

  /** Nullable bytes as a view into the frame (no copy). */
  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < -1) throw new ProtocolError(`invalid bytes length ${length}`);
    const at = this.take(length);
    return this.buf.subarray(at, at + length);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableArray<T>(item: (reader: Reader) => T): T[] | null {
    const length = this.int32();
    if (length === -1) return null;
    if (length < -1 || length > this.remaining) throw new ProtocolError(`invalid array length ${length}`);
    const items = new Array<T>(length);
    for (let i = 0; i < length; i++) items[i] = item(this);
    return items;
  }

  array<T>(item: (reader: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
}

/**
 * Growable output buffer. `ref()` appends a buffer by reference, so a Fetch response hands
 * stored record batches to the socket without copying them. `frame()` yields the chunks of
 * a complete response frame (int32 size prefix and correlation id included).
 */
export class Writer {
  private buf: Buffer;
  private pos: number;
  /** Start of the part of `buf` not yet moved to `chunks`. */
  private segmentStart = 0;
  private readonly chunks: Buffer[] = [];
  private chunkedBytes = 0;

  /** @param reserved bytes kept free at the start for the frame header (size + correlation id). */
  constructor(initialCapacity = 256, reserved = 8) {
    this.buf = Buffer.allocUnsafe(Math.max(initialCapacity, reserved + 16));
    this.pos = reserved;
    this.buf.fill(0, 0, reserved);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity - this.segmentStart < this.pos - this.segmentStart + n) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, this.segmentStart, this.pos);
    this.pos -= this.segmentStart;
    // Keep the header position patchable: if nothing was flushed yet, it moves with the data.
    this.buf = next;
    this.segmentStart = 0;
  }

  int8(value: number): this {
    this.ensure(1);
    this.pos = this.buf.writeInt8(value, this.pos);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  int16(value: number): this {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(value, this.pos);
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(value, this.pos);
    return this;
  }

  uint32(value: number): this {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(value >>> 0, this.pos);
    return this;
  }

  int64(value: number): this {
    this.ensure(8);
    const high = Math.floor(value / TWO_POW_32);
    this.buf.writeInt32BE(high, this.pos);
    this.buf.writeUInt32BE(value - high * TWO_POW_32, this.pos + 4);
    this.pos += 8;
    return this;
  }

  nullableString(value: string | null | undefined): this {
    if (value === null || value === undefined) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.ensure(length);
    this.pos += this.buf.write(value, this.pos, length, 'utf8');
    return this;
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableBytes(value: Buffer | null | undefined): this {
    if (value === null || value === undefined) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  /** Copies `value` into the output. */
  raw(value: Buffer): this {
    this.ensure(value.length);
    value.copy(this.buf, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Appends `value` by reference; small buffers are copied (cheaper than an extra chunk). */
  ref(value: Buffer): this {
    if (value.length < 512) return this.raw(value);
    this.flushSegment();
    this.chunks.push(value);
    this.chunkedBytes += value.length;
    return this;
  }

  array<T>(items: readonly T[], item: (writer: this, value: T) => void): this {
    this.int32(items.length);
    for (const value of items) item(this, value);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, item: (writer: this, value: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, item);
  }

  private flushSegment(): void {
    if (this.pos > this.segmentStart) {
      const segment = this.buf.subarray(this.segmentStart, this.pos);
      this.chunks.push(segment);
      this.chunkedBytes += segment.length;
      this.segmentStart = this.pos;
    }
  }

  /** Bytes written so far, including the reserved header. */
  get length(): number {
    return this.chunkedBytes + (this.pos - this.segmentStart);
  }

  /** Chunks of a complete frame: the size prefix covers everything after itself. */
  frame(correlationId: number): Buffer[] {
    this.flushSegment();
    const first = this.chunks[0];
    if (first === undefined || first.length < 8) throw new Error('writer has no reserved header');
    first.writeInt32BE(this.chunkedBytes - 4, 0);
    first.writeInt32BE(correlationId, 4);
    return this.chunks;
  }

  /** The bytes written after the reserved header, as one buffer (tests and small messages). */
  toBuffer(reserved = 8): Buffer {
    this.flushSegment();
    return Buffer.concat(this.chunks).subarray(reserved);
  }
}

// Zig-zag varints as used inside RecordBatch v2 records.

export function zigzagEncode(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function zigzagDecode(value: number): number {
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

/** Encodes a signed (zig-zag) varint of up to 53 bits of magnitude. */
export function encodeVarint(value: number): Buffer {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  let rest = zigzagEncode(value);
  const bytes: number[] = [];
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** Decodes a signed (zig-zag) varint at `offset`; returns the value and the offset after it. */
export function decodeVarint(buf: Buffer, offset: number, end = buf.length): { value: number; next: number } {
  let raw = 0;
  let multiplier = 1;
  let at = offset;
  for (let i = 0; i < 10; i++) {
    if (at >= end) throw new ProtocolError('truncated varint');
    const byte = buf[at++] ?? 0;
    raw += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(raw)) throw new ProtocolError('varint exceeds 53 bits');
      return { value: zigzagDecode(raw), next: at };
    }
    multiplier *= 0x80;
  }
  throw new ProtocolError('varint longer than 10 bytes');
}
