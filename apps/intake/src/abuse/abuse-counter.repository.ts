import { Injectable } from '@nestjs/common';
import { RateLimiter, type RateWindow } from '@jsjb/platform';
import type { CounterReading, ScreenSubjects } from './abuse.domain';

export interface CounterWindows {
  windowMs: number;
  phoneLimit: number;
  ipLimit: number;
  repeatWindowMs: number;
}

/**
 * The abuse counters: sliding windows of the platform's rate limiter (keys under the service prefix,
 * `abuse:`), per phone, per address and per caller and content. One atomic step per request; a
 * refused request adds nothing, so Retry-After is exact, and only the first refusal of a window
 * reports `firstThrottle…`, the one that records a flag.
 */
@Injectable()
export class AbuseCounterRepository {
  constructor(private readonly limiter: RateLimiter) {}

  /** Counts one request against its subjects and reads the windows, in one round trip. */
  async screen(
    subjects: ScreenSubjects,
    windows: CounterWindows,
    at: Date,
    timeoutMs: number,
  ): Promise<CounterReading> {
    const counted: RateWindow[] = [];
    const add = (window: RateWindow): number => counted.push(window) - 1;
    const phone =
      subjects.phone === null
        ? null
        : add({
            key: `abuse:rate:phone:${subjects.phone}`,
            limit: windows.phoneLimit,
            windowMs: windows.windowMs,
          });
    const ip =
      subjects.ip === null
        ? null
        : add({ key: `abuse:rate:ip:${subjects.ip}`, limit: windows.ipLimit, windowMs: windows.windowMs });
    const content =
      subjects.content === null
        ? null
        : add({
            key: `abuse:repeat:${subjects.content.kind}:${subjects.content.subject}:${subjects.content.hash}`,
            limit: null,
            windowMs: windows.repeatWindowMs,
          });
    const hit = await this.limiter.hit(counted, { at, enforce: subjects.throttles, timeoutMs });
    const read = (index: number | null) => (index === null ? undefined : hit.windows[index]);
    const phoneReading = read(phone);
    const ipReading = read(ip);
    const contentReading = read(content);
    return {
      phoneCount: phoneReading?.count ?? null,
      ipCount: ipReading?.count ?? null,
      phoneWaitMs: phoneReading?.waitMs ?? 0,
      ipWaitMs: ipReading?.waitMs ?? 0,
      // A refused request is not counted; a counted one makes count + 1.
      contentCount: contentReading === undefined || hit.refused ? null : contentReading.count + 1,
      throttled: hit.refused,
      firstThrottlePhone: phoneReading?.firstRefusal ?? false,
      firstThrottleIp: ipReading?.firstRefusal ?? false,
    };
  }
}
