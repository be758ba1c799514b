import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppError, Clock, PLATFORM_CONFIG, RateLimiter, retryAfterSeconds, signJwt } from '@jsjb/platform';
import type { IntakeConfig } from '../config';
import { PersonalDataCipher } from '../privacy/personal-data';
import { newOtpCode, otpMacInput, otpMessage, residentSubject } from './otp.domain';
import { OtpRepository } from './otp.repository';
import { SMS_SENDER, type SmsSender, SmsUnavailableError } from './sms.sender';

const DAY_MS = 24 * 3600 * 1000;

export interface CodeSent {
  /** When the code stops working. */
  expiresAt: string;
  /** The wait before another code may be requested for this phone. */
  resendAfterSeconds: number;
}

export interface ResidentToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
}

/**
 * Residents' login by one-time code: a six-digit code by SMS (stored only as an HMAC), exchanged
 * once for a resident token whose subject is the phone's keyed hash. Per phone: a resend cooldown
 * and a daily cap; per client address: the route's rate limit.
 */
@Injectable()
export class ResidentAuthService {
  private readonly logger = new Logger(ResidentAuthService.name);

  constructor(
    private readonly codes: OtpRepository,
    private readonly limiter: RateLimiter,
    private readonly cipher: PersonalDataCipher,
    @Inject(SMS_SENDER) private readonly sms: SmsSender,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: IntakeConfig,
  ) {}

  /** Sends a new code to a (canonical) mobile number; an earlier code stops working. */
  async requestCode(phone: string): Promise<CodeSent> {
    const phoneKey = this.cipher.hash(phone);
    const now = this.clock.now();
    await this.countRequest(phoneKey, now);
    const code = newOtpCode();
    const mac = this.mac(phoneKey, code);
    const ttlMs = this.config.OTP_TTL_SECONDS * 1000;
    const expiresAt = new Date(now.getTime() + ttlMs);
    await unavailableOnFailure(this.codes.store(phoneKey, mac, expiresAt, ttlMs));
    try {
      await this.sms.send({ phone, text: otpMessage(code, this.config.OTP_TTL_SECONDS) });
    } catch (error) {
      // A code nobody received must not work; if even that fails, it expires on its own.
      await this.codes.discard(phoneKey, mac).catch((cause: unknown) => {
        this.logger.warn(`an unsent code could not be discarded: ${String(cause)}`);
      });
      // The request still counts against the phone's cooldown: the client may try again after it.
      const retry = { retryAfterSeconds: this.config.OTP_RESEND_SECONDS, cause: error };
      throw new SmsUnavailableError(
        error instanceof SmsUnavailableError ? error.message : 'The code could not be sent.',
        retry,
      );
    }
    return { expiresAt: expiresAt.toISOString(), resendAfterSeconds: this.config.OTP_RESEND_SECONDS };
  }

  /** Exchanges a phone's code for a resident token: once, and within the attempts allowed. */
  async issueToken(phone: string, code: string): Promise<ResidentToken> {
    const phoneKey = this.cipher.hash(phone);
    const now = this.clock.now();
    const check = await unavailableOnFailure(
      this.codes.check(phoneKey, this.mac(phoneKey, code), now, this.config.OTP_MAX_ATTEMPTS),
    );
    switch (check.outcome) {
      case 'valid':
        break;
      case 'invalid':
        throw new AppError('AUTH.OTP_INVALID', 'The code is wrong.', {
          status: 401,
          title: 'Unauthorized',
          errors: [
            {
              field: 'code',
              code: 'otp_invalid',
              message: `${check.attemptsLeft} attempts left for this code`,
            },
          ],
        });
      case 'exhausted':
        throw new AppError('AUTH.OTP_EXHAUSTED', 'Too many wrong codes: request a new code.', {
          status: 401,
          title: 'Unauthorized',
        });
      case 'expired':
        throw new AppError(
          'AUTH.OTP_EXPIRED',
          'No valid code for this phone (expired or used): request one.',
          {
            status: 401,
            title: 'Unauthorized',
          },
        );
    }
    const ttlSeconds = this.config.RESIDENT_TOKEN_TTL_HOURS * 3600;
    const accessToken = signJwt(
      { sub: residentSubject(phoneKey), role: 'resident' },
      { secret: this.config.AUTH_JWT_SECRET, issuer: this.config.AUTH_JWT_ISSUER, ttlSeconds, now },
    );
    // signJwt counts from the whole second.
    const expiresAt = new Date((Math.floor(now.getTime() / 1000) + ttlSeconds) * 1000);
    return { accessToken, tokenType: 'Bearer', expiresAt: expiresAt.toISOString() };
  }

  /**
   * Counts a code request against the phone's cooldown and daily cap (429 over either). Fails closed:
   * without its counters a phone could be flooded with messages.
   */
  private async countRequest(phoneKey: string, at: Date): Promise<void> {
    const hit = await unavailableOnFailure(
      this.limiter.hit(
        [
          {
            key: `auth:otp-resend:${phoneKey}`,
            limit: 1,
            windowMs: this.config.OTP_RESEND_SECONDS * 1000,
          },
          { key: `auth:otp-daily:${phoneKey}`, limit: this.config.OTP_PHONE_DAILY_LIMIT, windowMs: DAY_MS },
        ],
        { at, timeoutMs: this.config.RATE_LIMIT_TIMEOUT_MS },
      ),
    );
    if (!hit.refused) return;
    const [cooldown, daily] = hit.windows;
    const dailyWait = daily?.waitMs ?? 0;
    const seconds = retryAfterSeconds(Math.max(dailyWait, cooldown?.waitMs ?? 0));
    const [code, message] =
      dailyWait > 0
        ? ['AUTH.OTP_DAILY_LIMIT', `At most ${this.config.OTP_PHONE_DAILY_LIMIT} codes a day for one phone.`]
        : ['AUTH.OTP_COOLDOWN', 'A code was just sent to this phone; wait before asking again.'];
    throw new AppError(code, message, {
      status: 429,
      title: 'Too Many Requests',
      retryAfterSeconds: seconds,
      errors: [{ field: 'phone', code: 'rate_limited', message: `retry after ${seconds} s` }],
    });
  }

  private mac(phoneKey: string, code: string): string {
    return this.cipher.hash(otpMacInput(phoneKey, code));
  }
}

/** Redis failing under a login is a 503 with a code, not an unexplained 500. */
async function unavailableOnFailure<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    throw new AppError('AUTH.OTP_UNAVAILABLE', 'One-time codes are unavailable; try again later.', {
      status: 503,
      title: 'Service Unavailable',
      cause,
    });
  }
}
