import {
  decodeVarint,
  encodeVarint,
  ProtocolError,
  Reader,
  Writer,
  zigzagDecode,
  zigzagEncode,
} from '../../src/protocol/codec';

describe('zig-zag varints', () => {
  it.each([
    [0, [0x00]],
    [-1, [0x01]],
    [1, [0x02]],
    [-2, [0x03]],
    [63, [0x7e]],
    [-64, [0x7f]],
    [64, [0x80, 0x01]],
    [300, [0xd8, 0x04]],
    [-300, [0xd7, 0x04]],
    [2147483647, [0xfe, 0xff, 0xff, 0xff, 0x0f]],
    [-2147483648, [0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('%d encodes as the protocol guide specifies', (value, bytes) => {
    expect([...encodeVarint(value)]).toEqual(bytes);
    expect(decodeVarint(Buffer.from(bytes), 0)).toEqual({ value, next: bytes.length });
  });

  it('round-trips varlongs beyond 32 bits (timestamps deltas)', () => {
    for (const value of [2 ** 40 + 7, -(2 ** 40) - 9, 2 ** 51 + 1, 1_700_000_000_000]) {
      const encoded = encodeVarint(value);
      expect(decodeVarint(encoded, 0).value).toBe(value);
    }
  });

  it('zig-zag maps signed to unsigned and back', () => {
    for (let v = -1000; v <= 1000; v++) expect(zigzagDecode(zigzagEncode(v))).toBe(v);
  });

  it('decodes at an offset and reports where the next field starts', () => {
    const buf = Buffer.concat([Buffer.from([0xaa]), encodeVarint(-300), encodeVarint(5)]);
    const first = decodeVarint(buf, 1);
    expect(first).toEqual({ value: -300, next: 3 });
    expect(decodeVarint(buf, first.next)).toEqual({ value: 5, next: 4 });
  });

  it('rejects truncated and over-long varints', () => {
    expect(() => decodeVarint(Buffer.from([0x80, 0x80]), 0)).toThrow(ProtocolError);
    expect(() => decodeVarint(Buffer.alloc(11, 0xff), 0)).toThrow(ProtocolError);
    expect(() => decodeVarint(Buffer.from([0x80, 0x01]), 0, 1)).toThrow(ProtocolError);
  });
});

describe('Writer and Reader', () => {
  it('round-trips every primitive', () => {
    const w = new Writer(16, 0);
    w.int8(-5)
      .bool(true)
      .int16(-12345)
      .int32(-123456789)
      .uint32(0xfffffffe)
      .int64(-1)
      .int64(2 ** 52 + 3)
      .int64(-(2 ** 40) - 1)
      .string('héllo')
      .nullableString(null)
      .bytes(Buffer.from([1, 2, 3]))
      .nullableBytes(null)
      .array([1, 2, 3], (out, n) => out.int32(n))
      .nullableArray(null, (out, n: number) => out.int32(n));
    const r = new Reader(w.toBuffer(0));
    expect(r.int8()).toBe(-5);
    expect(r.bool()).toBe(true);
    expect(r.int16()).toBe(-12345);
    expect(r.int32()).toBe(-123456789);
    expect(r.int32()).toBe(-2); // 0xfffffffe read back signed
    expect(r.int64()).toBe(-1);
    expect(r.int64()).toBe(2 ** 52 + 3);
    expect(r.int64()).toBe(-(2 ** 40) - 1);
    expect(r.string()).toBe('héllo');
    expect(r.nullableString()).toBeNull();
    expect([...r.bytes()]).toEqual([1, 2, 3]);
    expect(r.nullableBytes()).toBeNull();
    expect(r.array((x) => x.int32())).toEqual([1, 2, 3]);
    expect(r.nullableArray((x) => x.int32())).toBeNull();
    expect(r.remaining).toBe(0);
  });

  it('writes int64 big-endian two’s complement', () => {
    const w = new Writer(16, 0).int64(-2).int64(0x1_0000_0001);
    expect(w.toBuffer(0).toString('hex')).toBe('fffffffffffffffe' + '0000000100000001');
  });

  it('grows past its initial capacity', () => {
    const w = new Writer(16, 0);
    for (let i = 0; i < 10_000; i++) w.int32(i);
    const r = new Reader(w.toBuffer(0));
    const read = Array.from({ length: 10_000 }, () => r.int32());
    expect(read).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });

  it('frames a response: size prefix, correlation id, body, and referenced buffers without copying', () => {
    const big = Buffer.alloc(4096, 7);
    const w = new Writer(32);
    w.int16(3).ref(big).int8(9);
    const chunks = w.frame(42);
    expect(chunks).toContain(big);
    const frame = Buffer.concat(chunks);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.readInt32BE(4)).toBe(42);
    expect(frame.readInt16BE(8)).toBe(3);
    expect(frame.subarray(10, 10 + 4096).equals(big)).toBe(true);
    expect(frame.readInt8(frame.length - 1)).toBe(9);
  });

  it('keeps the frame header patchable when the buffer grows after a referenced chunk', () => {
    const w = new Writer(16);
    w.ref(Buffer.alloc(1024, 1));
    for (let i = 0; i < 1000; i++) w.int32(i);
    const frame = Buffer.concat(w.frame(7));
    expect(frame.readInt32BE(0)).toBe(8 + 1024 + 4000 - 4);
    expect(frame.readInt32BE(4)).toBe(7);
  });

  it('throws ProtocolError on truncated input and bad lengths', () => {
    expect(() => new Reader(Buffer.from([0, 0, 0])).int32()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0, 5, 65])).string()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0xff, 0xfe])).nullableString()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0xff, 0xff])).string()).toThrow(ProtocolError);
    expect(() => new Reader(Buffer.from([0x7f, 0xff, 0xff, 0xff])).array((x) => x.int8())).toThrow(
      ProtocolError,
    );
  });
});
