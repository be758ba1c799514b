import { z } from 'zod';

/** Where one-time codes go: the log (development, tests) or an SMS gateway over HTTP. */
export const SMS_SENDERS = ['log', 'http'] as const;
export type SmsSenderKind = (typeof SMS_SENDERS)[number];

/**
 * Residents' login by one-time code (issue 7): the code's life and limits, the resident token's
 * lifetime and the SMS sender. No public source fixes the values; the defaults are configuration.
 * Spread into the intake configuration (apps/intake/src/config.ts), whose refinement calls
 * `checkResidentAuthConfig`.
 */
export const residentAuthConfigShape = {
  /** How long a one-time code works. */
  OTP_TTL_SECONDS: z.coerce.number().int().min(60).max(1800).default(300),
  /** The wait before another code may be sent to the same phone. */
  OTP_RESEND_SECONDS: z.coerce.number().int().min(10).max(600).default(60),
  /** Codes per phone in any 24 hours. */
  OTP_PHONE_DAILY_LIMIT: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * Code requests per client address per hour. Generous: mobile carriers put many residents behind
   * one address (CGNAT); the per-phone limits are what protect a number from SMS bombing.
   */
  OTP_IP_HOURLY_LIMIT: z.coerce.number().int().min(1).default(100),
  /** Wrong codes a code survives; the last one burns it (a new code must be requested). */
  OTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(5),
  /**
   * Lifetime of a resident's bearer token. A day: the token cannot be revoked or refreshed, so a lost
   * or shared phone exposes one's tickets for at most that long; following a ticket days later costs
   * one more code.
   */
  RESIDENT_TOKEN_TTL_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  /** `log` writes the message to the service log (never in production); `http` posts it to the gateway. */
  SMS_SENDER: z.enum(SMS_SENDERS).default('log'),
  /** The gateway that takes `POST {phone, message}` as JSON (SMS_SENDER=http). */
  SMS_GATEWAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Sent as `Authorization: Bearer …` to the gateway when set. */
  SMS_GATEWAY_TOKEN: z.string().min(1).optional(),
  /** Longest wait for the gateway; past it the code is discarded and the resident gets 503. */
  SMS_GATEWAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
};

export type ResidentAuthConfig = z.infer<z.ZodObject<typeof residentAuthConfigShape>>;

/** Cross-field checks: production sends real messages; `http` needs its gateway. */
export function checkResidentAuthConfig(
  config: Pick<ResidentAuthConfig, 'SMS_SENDER' | 'SMS_GATEWAY_URL'> & { NODE_ENV: string },
  ctx: z.RefinementCtx,
): void {
  if (config.NODE_ENV === 'production' && config.SMS_SENDER === 'log') {
    ctx.addIssue({
      code: 'custom',
      path: ['SMS_SENDER'],
      message: 'production sends one-time codes by SMS: set SMS_SENDER=http and SMS_GATEWAY_URL',
    });
  }
  if (config.SMS_SENDER === 'http' && config.SMS_GATEWAY_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['SMS_GATEWAY_URL'], message: 'required with SMS_SENDER=http' });
  }
}
