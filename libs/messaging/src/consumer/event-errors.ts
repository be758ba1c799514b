/**
 * Thrown by a handler (or raised by infrastructure) when trying again later may succeed:
 * the consumer retries it with backoff and never sends it to the dead-letter topic.
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
 * Whether an error is transient. Walks the `cause` chain (drivers wrap their errors):
 * anything not recognised as transient is a bug or bad data, and retrying will not help.
 */
export function isTransientError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      name?: unknown;
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      retriable?: unknown;
    };
    if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true;
    if (e.retriable === true) return true;
    if (typeof e.code === 'string') {
      if (TRANSIENT_SQLSTATES.has(e.code) || e.code.startsWith('08')) return true;
      if (TRANSIENT_PRISMA_CODES.has(e.code) || TRANSIENT_NODE_CODES.has(e.code)) return true;
    }
    if (
      typeof e.message === 'string' &&
      /Connection terminated|connection timeout|Timed out fetching a new connection/i.test(e.message)
    ) {
      return true;
    }
    current = e.cause;
  }
  return false;
}

/** A stable description of an error for logs and dead-letter headers. */
export function describeError(error: unknown): { name: string; message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, message: error.message, code }
      : { name: error.name, message: error.message };
  }
  return { name: 'NonError', message: String(error) };
}
