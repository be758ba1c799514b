import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RedisConnection } from '@jsjb/platform';
import type { CounterReading, ScreenSubjects } from './abuse.domain';

/**
 * One atomic pass over a request's counters. Sliding windows are sorted sets of request times
 * (exact, and the oldest entry says when there is room again).
 *
 * KEYS: 1 phone window, 2 address window, 3 content log, 4 phone refusal mark, 5 address refusal mark.
 * ARGV: 1 now (ms), 2 window (ms), 3 phone limit, 4 address limit, 5 may throttle (1/0),
 *       6 unique member, 7 repeat window (ms), 8/9/10 phone/address/content counted (1/0).
 * Returns: phone count, phone wait, address count, address wait, content count (-1: not counted),
 *          throttled, first phone refusal, first address refusal.
 * A refused request adds nothing, so Retry-After is exact; only the first refusal of a window sets
 * the mark that makes it record a flag.
 */
const SCREEN_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[6]
local function room(key, limit, counted)
  if counted ~= '1' then return -1, 0 end
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local n = redis.call('ZCARD', key)
  local wait = 0
  if n >= limit then
    local entry = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
    wait = tonumber(entry[2]) + window - now
    if wait < 1 then wait = 1 end
  end
  return n, wait
end
local phoneN, phoneWait = room(KEYS[1], tonumber(ARGV[3]), ARGV[8])
local ipN, ipWait = room(KEYS[2], tonumber(ARGV[4]), ARGV[9])
if ARGV[5] == '1' and (phoneWait > 0 or ipWait > 0) then
  local firstPhone = 0
  local firstIp = 0
  if phoneWait > 0 and redis.call('SET', KEYS[4], '1', 'NX', 'PX', window) then firstPhone = 1 end
  if ipWait > 0 and redis.call('SET', KEYS[5], '1', 'NX', 'PX', window) then firstIp = 1 end
  return {phoneN, phoneWait, ipN, ipWait, -1, 1, firstPhone, firstIp}
end
if ARGV[8] == '1' then
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('PEXPIRE', KEYS[1], window)
end
if ARGV[9] == '1' then
  redis.call('ZADD', KEYS[2], now, member)
  redis.call('PEXPIRE', KEYS[2], window)
end
local contentN = -1
if ARGV[10] == '1' then
  local repeatWindow = tonumber(ARGV[7])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - repeatWindow)
  redis.call('ZADD', KEYS[3], now, member)
  redis.call('PEXPIRE', KEYS[3], repeatWindow)
  contentN = redis.call('ZCARD', KEYS[3])
end
return {phoneN, phoneWait, ipN, ipWait, contentN, 0, 0, 0}
`;
const SCREEN_SHA = createHash('sha1').update(SCREEN_SCRIPT).digest('hex');
/** Stands in for a subject the request does not have; the script never touches it. */
const UNUSED_KEY = 'abuse:unused';

export interface CounterWindows {
  windowMs: number;
  phoneLimit: number;
  ipLimit: number;
  repeatWindowMs: number;
}

/** The abuse counters in Redis (keys under the service prefix, `abuse:`). */
@Injectable()
export class AbuseCounterRepository {
  constructor(private readonly redis: RedisConnection) {}

  /** Counts one request against its subjects and reads the windows, in one round trip. */
  async screen(subjects: ScreenSubjects, windows: CounterWindows, at: Date): Promise<CounterReading> {
    const keys = [
      subjects.phone === null ? UNUSED_KEY : `abuse:rate:phone:${subjects.phone}`,
      subjects.ip === null ? UNUSED_KEY : `abuse:rate:ip:${subjects.ip}`,
      subjects.content === null
        ? UNUSED_KEY
        : `abuse:repeat:${subjects.content.kind}:${subjects.content.subject}:${subjects.content.hash}`,
      subjects.phone === null ? UNUSED_KEY : `abuse:throttled:phone:${subjects.phone}`,
      subjects.ip === null ? UNUSED_KEY : `abuse:throttled:ip:${subjects.ip}`,
    ];
    const args = [
      String(at.getTime()),
      String(Math.round(windows.windowMs)),
      String(windows.phoneLimit),
      String(windows.ipLimit),
      subjects.throttles ? '1' : '0',
      `${at.getTime()}:${randomUUID()}`,
      String(Math.round(windows.repeatWindowMs)),
      subjects.phone === null ? '0' : '1',
      subjects.ip === null ? '0' : '1',
      subjects.content === null ? '0' : '1',
    ];
    const raw = await this.run(keys, args);
    const [
      phoneN = -1,
      phoneWait = 0,
      ipN = -1,
      ipWait = 0,
      contentN = -1,
      throttled = 0,
      firstPhone = 0,
      firstIp = 0,
    ] = raw;
    return {
      phoneCount: phoneN < 0 ? null : phoneN,
      ipCount: ipN < 0 ? null : ipN,
      phoneWaitMs: phoneWait,
      ipWaitMs: ipWait,
      contentCount: contentN < 0 ? null : contentN,
      throttled: throttled === 1,
      firstThrottlePhone: firstPhone === 1,
      firstThrottleIp: firstIp === 1,
    };
  }

  /** EVALSHA, loading the script once per Redis (after a restart or failover it is gone again). */
  private async run(keys: string[], args: string[]): Promise<number[]> {
    const client = this.redis.client;
    try {
      return (await client.evalsha(SCREEN_SHA, keys.length, ...keys, ...args)) as number[];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await client.eval(SCREEN_SCRIPT, keys.length, ...keys, ...args)) as number[];
    }
  }
}
