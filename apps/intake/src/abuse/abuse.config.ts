import { z } from 'zod';

/**
 * Abuse control (Arts. 9, 37: malicious repeated calls): per-caller rate limits and repeated-content
 * detection. No public source fixes the values; the defaults are configuration. Spread into the
 * intake configuration (apps/intake/src/config.ts).
 */
export const abuseConfigShape = {
  /** The sliding window (minutes) the per-phone and per-IP limits count in. */
  ABUSE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),
  /** Requests per phone number per window; beyond it online channels are throttled, calls flagged. */
  ABUSE_PHONE_LIMIT: z.coerce.number().int().min(1).default(20),
  /** Requests per client IP (IPv6: per /64) per window from online channels. */
  ABUSE_IP_LIMIT: z.coerce.number().int().min(1).default(60),
  /** The same content this many times from one caller within ABUSE_REPEAT_WINDOW_HOURS flags the caller. */
  ABUSE_REPEAT_COUNT: z.coerce.number().int().min(2).default(3),
  ABUSE_REPEAT_WINDOW_HOURS: z.coerce.number().positive().max(720).default(24),
  /** Longest wait (ms) for the Redis counters; past it the request is let through unscreened (never dropped). */
  ABUSE_SCREEN_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
};

export type AbuseConfig = z.infer<z.ZodObject<typeof abuseConfigShape>>;
