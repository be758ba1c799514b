import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PlatformError } from '../errors/platform.error';
import { RedisConnection, RedisScript } from '../redis/redis';
import type { RateLimitHit, RateWindow, WindowReading } from './sliding-window';

/**
 * Counts one request in all its windows in one atomic step (see sliding-window.ts for the model).
 *
 * KEYS: per window i, 2i-1 its log (a sorted set of request times), 2i its refusal mark.
 * ARGV: 1 now (ms), 2 a unique member, 3 enforce (1: refuse when a window with a limit is full,
 *       0: count regardless, e.g. a hotline call that is only flagged), then per window its limit
 *       (0: count only) and its length (ms).
 * Returns: refused (1/0), then per window: count before, wait (ms), oldest time (ms, -1: empty),
 *          first refusal (1/0).
 */
const HIT = new RedisScript(`
local now = tonumber(ARGV[1])
local member = ARGV[2]
local enforce = ARGV[3] == '1'
local n = #KEYS / 2
local out = {0}
local refused = false
for i = 1, n do
  local key = KEYS[2 * i - 1]
  local limit = tonumber(ARGV[2 + 2 * i])
  local window = tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  local wait = 0
  if limit > 0 and count >= limit then
    local entry = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = tonumber(entry[2]) + window - now
    if wait < 1 then wait = 1 end
    if enforce then refused = true end
  end
  local oldest = -1
  if count > 0 then oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]) end
  out[4 * i - 2] = count
  out[4 * i - 1] = wait
  out[4 * i] = oldest
  out[4 * i + 1] = 0
end
if refused then
  out[1] = 1
  for i = 1, n do
    if out[4 * i - 1] > 0 and redis.call('SET', KEYS[2 * i], '1', 'NX', 'PX', ARGV[3 + 2 * i]) then
      out[4 * i + 1] = 1
    end
  end
  return out
end
for i = 1, n do
  redis.call('ZADD', KEYS[2 * i - 1], now, member)
  redis.call('PEXPIRE', KEYS[2 * i - 1], ARGV[3 + 2 * i])
end
return out
`);

export interface HitOptions {
  /** The request's time (the service's Clock, so tests can move it). */
  at: Date;
  /** Whether a full window refuses the request; otherwise it is counted regardless. Default true. */
  enforce?: boolean;
  /** Longest wait for Redis; past it the hit fails with RATE_LIMIT.UNAVAILABLE. Default 250 ms. */
  timeoutMs?: number;
}

/**
 * The service's Redis-backed rate limiter: sliding-window logs under the service's key prefix. The
 * one limiter of the platform — the route decorator (`@RateLimit`), intake's abuse counters and its
 * one-time codes count with it. Redis being slow or down is a RATE_LIMIT.UNAVAILABLE error: each
 * caller decides whether to fail open (public routes, abuse screening) or closed.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly redis: RedisConnection) {}

  async hit(windows: readonly RateWindow[], options: HitOptions): Promise<RateLimitHit> {
    if (windows.length === 0) return { refused: false, windows: [] };
    const keys = windows.flatMap((w) => [w.key, `${w.key}:refused`]);
    const args = [
      String(options.at.getTime()),
      `${options.at.getTime()}:${randomUUID()}`,
      options.enforce === false ? '0' : '1',
      ...windows.flatMap((w) => [String(w.limit ?? 0), String(Math.max(1, Math.round(w.windowMs)))]),
    ];
    const raw = (await this.withTimeout(
      HIT.run(this.redis.client, keys, args),
      options.timeoutMs ?? 250,
    )) as number[];
    const readings: WindowReading[] = windows.map((_, i) => {
      const [count = 0, waitMs = 0, oldest = -1, first = 0] = raw.slice(1 + 4 * i, 5 + 4 * i);
      return { count, waitMs, oldestAt: oldest < 0 ? null : oldest, firstRefusal: first === 1 };
    });
    return { refused: raw[0] === 1, windows: readings };
  }

  private async withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw unavailable(`Redis failed: ${reason}`, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function unavailable(message: string, cause?: unknown): PlatformError {
  return new PlatformError('RATE_LIMIT.UNAVAILABLE', `rate-limit counters unavailable: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
