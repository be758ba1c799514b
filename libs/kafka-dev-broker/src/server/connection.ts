// One client connection: splits the byte stream into size-prefixed request frames and runs
// them strictly one at a time, like a Kafka broker does (the next request is read only once
// the previous one has been answered), so responses leave in request order.

import type { Socket } from 'node:net';
import { ProtocolError, Reader, type Writer } from '../protocol/codec';
import { decodeRequestHeader, type RequestHeader } from '../protocol/messages';

/** Answers a request: a writer holding the response body, or null for "no response" (acks=0). */
export type Respond = (response: Writer | null) => void;

export interface RequestHandler {
  handle(header: RequestHeader, body: Reader, connection: Connection, respond: Respond): void;
}

/** Kafka's default socket.request.max.bytes. */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;
/** Frames read ahead of processing before the socket is paused. */
const MAX_QUEUED_FRAMES = 256;

export class Connection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being read, or -1 while reading its 4-byte size prefix. */
  private expected = -1;
  private readonly frames: Buffer[] = [];
  private frameHead = 0;
  private busy = false;
  private pumping = false;
  private awaitingDrain = false;
  private readonly closeHandlers = new Set<() => void>();
  private closed = false;
  readonly remoteAddress: string;
  readonly localAddress: string;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly handler: RequestHandler,
    private readonly log: (line: string) => void,
  ) {
    this.remoteAddress = normalizeAddress(socket.remoteAddress ?? 'unknown');
    this.localAddress = normalizeAddress(socket.localAddress ?? '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.log(`connection ${id}: ${error.message}`));
    socket.on('close', () => {
      this.closed = true;
      this.frames.length = 0;
      this.frameHead = 0;
      this.chunks.length = 0;
      for (const handler of [...this.closeHandlers]) handler();
      this.closeHandlers.clear();
    });
  }

  /** Runs `handler` when the connection closes (e.g. to drop a long poll); returns an unregister function. */
  onClose(handler: () => void): () => void {
    this.closeHandlers.add(handler);
    return () => this.closeHandlers.delete(handler);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(reason?: string): void {
    if (this.closed) return;
    if (reason) this.log(`connection ${this.id} closed: ${reason}`);
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < 4) break;
        const size = this.take(4).readInt32BE(0);
        if (size < 8 || size > MAX_FRAME_BYTES) {
          this.close(`invalid request size ${size}`);
          return;
        }
        this.expected = size;
      }
      if (this.buffered < this.expected) break;
      this.frames.push(this.take(this.expected));
      this.expected = -1;
    }
    if (this.frames.length - this.frameHead > MAX_QUEUED_FRAMES) this.socket.pause();
    this.pump();
  }

  /** Removes `n` buffered bytes (n <= buffered); no copy when they sit in one chunk. */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first !== undefined && first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      if (chunk === undefined) throw new Error('connection buffer underflow');
      const count = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, count);
      filled += count;
      if (count === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(count);
    }
    return out;
  }

  private nextFrame(): Buffer | undefined {
    if (this.frameHead >= this.frames.length) return undefined;
    const frame = this.frames[this.frameHead];
    this.frames[this.frameHead] = EMPTY_FRAME;
    this.frameHead += 1;
    if (this.frameHead === this.frames.length) {
      this.frames.length = 0;
      this.frameHead = 0;
      if (this.socket.isPaused()) this.socket.resume();
    }
    return frame;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.busy && !this.closed) {
        if (this.socket.writableNeedDrain) {
          // The client is not reading its responses: wait before answering more.
          if (!this.awaitingDrain) {
            this.awaitingDrain = true;
            this.socket.once('drain', () => {
              this.awaitingDrain = false;
              this.pump();
            });
          }
          return;
        }
        const frame = this.nextFrame();
        if (frame === undefined) return;
        this.dispatch(frame);
      }
    } finally {
      this.pumping = false;
    }
  }

  private dispatch(frame: Buffer): void {
    const reader = new Reader(frame);
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(reader);
    } catch (error) {
      this.close(`malformed request header: ${describe(error)}`);
      return;
    }
    this.busy = true;
    let answered = false;
    const respond: Respond = (response) => {
      if (answered) throw new Error(`request ${header.correlationId} answered twice`);
      answered = true;
      if (response !== null && !this.closed) this.write(response.frame(header.correlationId));
      this.busy = false;
      this.pump();
    };
    try {
      this.handler.handle(header, reader, this, respond);
    } catch (error) {
      if (error instanceof ProtocolError || error instanceof RangeError) {
        this.close(`malformed request (api key ${header.apiKey} v${header.apiVersion}): ${error.message}`);
      } else {
        this.close(`request (api key ${header.apiKey} v${header.apiVersion}) failed: ${describe(error)}`);
      }
    }
  }

  private write(chunks: Buffer[]): void {
    if (chunks.length === 1) {
      const only = chunks[0];
      if (only) this.socket.write(only);
      return;
    }
    this.socket.cork();
    for (const chunk of chunks) this.socket.write(chunk);
    this.socket.uncork();
  }
}

const EMPTY_FRAME = Buffer.alloc(0);

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** IPv4-mapped IPv6 addresses ("::ffff:127.0.0.1") as plain IPv4. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
