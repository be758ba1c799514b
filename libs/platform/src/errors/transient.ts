// Whether trying again later may help: shared by the event consumer (retry, never dead-letter) and
// the HTTP error mapping (503 with Retry-After instead of 500).
/**
 * Thrown by a handler (or raised by infrastructure) when trying again later may succeed: the
 * consumer retries it with backoff and never sends it to the dead-letter topic; a request fails 503.
 */
export class TransientError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** SQLSTATE classes and codes that mean "try again": connection loss, serialization, deadlock, overload. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '55P03', '57P01', '57P02', '57P03', '53300', '53400']);
const TRANSIENT_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);
/** Kinds of Prisma driver-adapter errors (`@prisma/adapter-pg`) that mean "try again". */
const TRANSIENT_ADAPTER_KINDS = new Set([
  'ConnectionClosed',
  'DatabaseNotReachable',
  'SocketTimeout',
  'TooManyConnections',
  'TransactionWriteConflict',
]);
const TRANSIENT_NAMES = new Set([
  'TransientError',
  'PrismaClientInitializationError',
  'KafkaJSConnectionError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * Whether an error is transient. Walks what wraps what: `cause` chains (drivers wrap their errors)
 * and Prisma's driver-adapter errors (`meta.driverAdapterError`, whose `cause` carries the kind and
 * the database's own SQLSTATE as `originalCode` — Prisma 7 reports a terminated connection as
 * "P2039 Database error. Code: 57P01"). Anything not recognised as transient is a bug or bad data,
 * and retrying will not help.
 */
export function isTransientError(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.shift();
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    const e = current as {
      name?: unknown;
      code?: unknown;
      originalCode?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
      retriable?: unknown;
    };
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
    if (e.retriable === true) return true;
    for (const code of [e.code, e.originalCode]) {
      if (typeof code !== 'string') continue;
      if (TRANSIENT_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
      if (TRANSIENT_PRISMA_CODES.has(code) || TRANSIENT_NODE_CODES.has(code)) return true;
    }
    if (typeof e.kind === 'string' && TRANSIENT_ADAPTER_KINDS.has(e.kind)) return true;
    if (
      typeof e.message === 'string' &&
      /Connection terminated|connection timeout|Timed out fetching a new connection|Client has encountered a connection error/i.test(
        e.message,
      )
    ) {
      return true;
    }
    pending.push(e.cause, e.meta?.driverAdapterError);
  }
  return false;
}
