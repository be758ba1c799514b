// Ports and HTTP probes.
import { get } from 'node:http';
import { connect, createServer } from 'node:net';
import { planConsolePort, planPorts } from './config.ts';

/** Whether `port` can be bound on `host` right now (nobody listens there). */
export function isPortFree(port: number, host = '0.0.0.0'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** A port the operating system reports free on 127.0.0.1. */
export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('no port assigned')) : resolve(port)));
    });
  });
}

/** Whether something accepts TCP connections on host:port (within `timeoutMs`). */
export async function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return (await tcpConnect(port, host, timeoutMs)).open;
}

export type ConnectResult = { open: true } | { open: false; reason: string };

/** Opens (and closes) a TCP connection to host:port; says why when it fails or times out. */
export function tcpConnect(port: number, host: string, timeoutMs: number): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (result: ConnectResult): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ open: false, reason: `no answer within ${timeoutMs} ms` }));
    socket.once('connect', () => done({ open: true }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done({ open: false, reason: error.message || (error.code ?? 'connection failed') }),
    );
  });
}

export interface HttpResult {
  status: number;
  body: string;
}

/**
 * GET without keep-alive (a pooled connection would hold a service's shutdown open).
 * Rejects on connection errors and after `timeoutMs`.
 */
export function httpGet(url: string, timeoutMs = 2000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}

// Below Linux's ephemeral range (32768–60999 by default): the other suites running alongside get
// their port-0 listeners and outgoing connections from that range, so a port found free there can
// be taken before the launched service binds it (EADDRINUSE, seen in CI).
export async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const ports = [planConsolePort(base), ...Object.values(planPorts(base))];
    const free = await Promise.all(ports.map((port) => isPortFree(port)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range found in 20000–30000');
}
