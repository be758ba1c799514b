import { Injectable } from '@nestjs/common';
import { RedisConnection, RedisScript } from '@jsjb/platform';
import type { OtpCheck } from './otp.domain';

/**
 * Checks a code in one atomic step. A burned code keeps its record (without the MAC) until it
 * expires, so every later try says "exhausted" rather than "expired".
 * KEYS: 1 the phone's code. ARGV: 1 now (ms), 2 the MAC tried, 3 attempts allowed.
 * Returns: outcome, attempts left.
 */
const CHECK = new RedisScript(`
local code = redis.call('HMGET', KEYS[1], 'mac', 'expiresAt', 'attempts')
if not code[2] then return {'expired', 0} end
if tonumber(code[2]) <= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return {'expired', 0}
end
if not code[1] then return {'exhausted', 0} end
if code[1] == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return {'valid', 0}
end
local left = tonumber(ARGV[3]) - redis.call('HINCRBY', KEYS[1], 'attempts', 1)
if left <= 0 then
  redis.call('HDEL', KEYS[1], 'mac')
  return {'exhausted', 0}
end
return {'invalid', left}
`);

/** Drops a code only if it is still the one given (a newer code stays). KEYS: 1 code. ARGV: 1 MAC. */
const DISCARD = new RedisScript(`
if redis.call('HGET', KEYS[1], 'mac') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Residents' one-time codes in Redis (under the service prefix, `auth:otp:<phone key>`): only the
 * code's HMAC, its expiry (the service Clock's time, so tests move it) and the wrong tries so far.
 * The key's own TTL only cleans up.
 */
@Injectable()
export class OtpRepository {
  constructor(private readonly redis: RedisConnection) {}

  /** Stores a phone's new code; an earlier one (burned or not) is replaced. */
  async store(phoneKey: string, mac: string, expiresAt: Date, ttlMs: number): Promise<void> {
    const key = codeKey(phoneKey);
    await this.redis.client
      .multi()
      .del(key)
      .hset(key, { mac, expiresAt: String(expiresAt.getTime()), attempts: '0' })
      .pexpire(key, ttlMs)
      .exec();
  }

  async check(phoneKey: string, mac: string, at: Date, maxAttempts: number): Promise<OtpCheck> {
    const [outcome, left] = (await CHECK.run(
      this.redis.client,
      [codeKey(phoneKey)],
      [String(at.getTime()), mac, String(maxAttempts)],
    )) as [string, number];
    switch (outcome) {
      case 'valid':
      case 'exhausted':
      case 'expired':
        return { outcome };
      default:
        return { outcome: 'invalid', attemptsLeft: left };
    }
  }

  /** Forgets a code that could not be sent. */
  async discard(phoneKey: string, mac: string): Promise<void> {
    await DISCARD.run(this.redis.client, [codeKey(phoneKey)], [mac]);
  }
}

function codeKey(phoneKey: string): string {
  return `auth:otp:${phoneKey}`;
}
