// A minimal Kafka wire client for tests that need exact control over frames.

import { connect, type Socket } from 'node:net';

export interface RawResponse {
  correlationId: number;
  body: Buffer;
}

export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly responses: RawResponse[] = [];
  private readonly waiters: ((response: RawResponse) => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  static frame(
    apiKey: number,
    apiVersion: number,
    correlationId: number,
    body: Buffer,
    clientId: string | null = 'raw',
  ): Buffer {
    const id = clientId === null ? null : Buffer.from(clientId);
    const header = Buffer.alloc(4 + 2 + 2 + 4 + 2);
    header.writeInt32BE(header.length - 4 + (id?.length ?? 0) + body.length, 0);
    header.writeInt16BE(apiKey, 4);
    header.writeInt16BE(apiVersion, 6);
    header.writeInt32BE(correlationId, 8);
    header.writeInt16BE(id === null ? -1 : id.length, 12);
    return Buffer.concat([header, id ?? Buffer.alloc(0), body]);
  }

  send(apiKey: number, apiVersion: number, correlationId: number, body: Buffer = Buffer.alloc(0)): void {
    this.socket.write(RawClient.frame(apiKey, apiVersion, correlationId, body));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame, in arrival order. */
  next(): Promise<RawResponse> {
    const ready = this.responses.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops reading from the socket (the broker's writes back up), until resume(). */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) break;
      const response = {
        correlationId: this.buffered.readInt32BE(4),
        body: Buffer.from(this.buffered.subarray(8, 4 + size)),
      };
      this.buffered = this.buffered.subarray(4 + size);
      const waiter = this.waiters.shift();
      if (waiter) waiter(response);
      else this.responses.push(response);
    }
  }
}
