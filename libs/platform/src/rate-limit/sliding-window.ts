/**
 * Sliding-window rate limits, the maths without Redis. A window is a log of request times (a sorted
 * set): a request is allowed while fewer than `limit` requests lie in the last `windowMs`. The log is
 * exact — no burst of twice the limit across a boundary, as fixed windows allow — and says exactly when
 * there is room again (Retry-After). A refused request is not logged, so a log never holds more than
 * `limit` entries and a client that keeps knocking is let in as soon as its window has room.
 */

/** One window a request is counted in. */
export interface RateWindow {
  /** The Redis key of the window's log (under the service's key prefix). */
  key: string;
  /** Requests allowed within any `windowMs`; null counts without ever refusing. */
  limit: number | null;
  windowMs: number;
}

/** What one window said about a request. */
export interface WindowReading {
  /** Requests in the window before this one. */
  count: number;
  /** Milliseconds until the window has room again; 0 when it has room now. */
  waitMs: number;
  /** Time (ms) of the oldest request in the window before this one; null when it was empty. */
  oldestAt: number | null;
  /** This refusal is the window's first since its mark expired (the mark lives one window long). */
  firstRefusal: boolean;
}

/** The outcome of counting one request in its windows, atomically. */
export interface RateLimitHit {
  /** Some window was full (and the request could be refused): nothing was counted in any window. */
  refused: boolean;
  /** One reading per window, in the order given. */
  windows: WindowReading[];
}

/** What a client is told (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, `Retry-After`). */
export interface RateLimitStatus {
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Seconds until the oldest counted request leaves the window, which frees a slot. */
  resetSeconds: number;
  /** Seconds to wait before trying again; null when the request was allowed. */
  retryAfterSeconds: number | null;
}

/** Whole seconds for Retry-After, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}

/** The status of one window with a limit after a request at `nowMs` was counted or refused. */
export function rateLimitStatus(
  window: { limit: number; windowMs: number },
  reading: WindowReading,
  refused: boolean,
  nowMs: number,
): RateLimitStatus {
  if (refused) {
    const wait = retryAfterSeconds(reading.waitMs);
    return {
      limit: window.limit,
      remaining: Math.max(0, window.limit - reading.count),
      resetSeconds: wait,
      retryAfterSeconds: wait,
    };
  }
  // This request is in the log now: it is the oldest when the window was empty.
  const oldest = reading.oldestAt ?? nowMs;
  return {
    limit: window.limit,
    remaining: Math.max(0, window.limit - reading.count - 1),
    resetSeconds: retryAfterSeconds(oldest + window.windowMs - nowMs),
    retryAfterSeconds: null,
  };
}
