import { Inject, Injectable, Logger } from '@nestjs/common';
import { MetricsRegistry, PLATFORM_CONFIG } from '@jsjb/platform';
import { Counter } from 'prom-client';
import type { Prisma } from '../generated/prisma/client';
import { CallerData } from '../privacy/caller-data.service';
import { AbuseCounterRepository } from './abuse-counter.repository';
import type { AbuseConfig } from './abuse.config';
import {
  type AbuseLimits,
  type CounterReading,
  decideScreening,
  type FlagReason,
  flagSubject,
  type ScreenSubjects,
  screenSubjects,
} from './abuse.domain';
import { AbuseRepository, type FlagHit } from './abuse.repository';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What abuse control says about one request, before it is stored. */
export interface Screening {
  /** Set when a per-phone or per-IP rate limit is exceeded (online channels only). */
  throttled: { retryAfterSeconds: number; limit: 'phone' | 'ip' } | null;
  /** Reasons to flag the caller for review: 'rate-phone', 'rate-ip', 'repeated-content'. */
  flags: FlagReason[];
}

const UNSCREENED: Screening = { throttled: null, flags: [] };

/**
 * 恶意重复来电 control (Arts. 9, 37): counts requests per phone and per client address, refuses
 * online requests over a limit (the caller gets a 429 with Retry-After), flags callers for review,
 * and never drops a genuine request silently: a hotline call is only flagged, and when the counters
 * cannot be read the request goes through unscreened.
 */
@Injectable()
export class AbuseService {
  private readonly logger = new Logger(AbuseService.name);
  private readonly limits: AbuseLimits;
  private readonly timeoutMs: number;
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    private readonly counters: AbuseCounterRepository,
    private readonly flags: AbuseRepository,
    private readonly callers: CallerData,
    metrics: MetricsRegistry,
    @Inject(PLATFORM_CONFIG) config: AbuseConfig,
  ) {
    this.outcomes = new Counter({
      name: 'intake_abuse_screenings_total',
      help: 'Requests screened for abuse, by outcome: passed, flagged, throttled, unscreened (counters unavailable)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.limits = {
      windowMs: config.ABUSE_WINDOW_MINUTES * MINUTE,
      phoneLimit: config.ABUSE_PHONE_LIMIT,
      ipLimit: config.ABUSE_IP_LIMIT,
      repeatCount: config.ABUSE_REPEAT_COUNT,
      repeatWindowMs: config.ABUSE_REPEAT_WINDOW_HOURS * HOUR,
    };
    this.timeoutMs = config.ABUSE_SCREEN_TIMEOUT_MS;
  }

  /**
   * Before the ticket is stored: counts the request (one Redis round trip) and says whether to
   * throttle and what to flag. A throttled request stores no ticket, so its flag is recorded here
   * (once per window and subject); `record` is for stored tickets. A phone is counted and flagged by
   * its keyed hash: neither the Redis keys nor caller_flag.subject hold the number.
   */
  async screen(input: {
    channel: string;
    phone: string | null;
    ip: string | null;
    content: string;
    at: Date;
  }): Promise<Screening> {
    const subjects = screenSubjects({ ...input, phone: this.phoneHash(input.phone) });
    if (subjects.phone === null && subjects.ip === null) return UNSCREENED;
    const reading = await this.read(subjects, input.at);
    if (reading === null) {
      this.outcomes.inc({ outcome: 'unscreened' });
      return UNSCREENED;
    }
    const decision = decideScreening(reading, this.limits);
    this.outcomes.inc({
      outcome: decision.throttled ? 'throttled' : decision.flags.length > 0 ? 'flagged' : 'passed',
    });
    if (decision.recordNow.length > 0) {
      await this.flags.transaction(async (tx) => {
        for (const reason of decision.recordNow) {
          const hit = this.hit(reason, input.phone, subjects.ip, null, input.at);
          if (hit) await this.flags.hit(tx, hit);
        }
      });
    }
    return { throttled: decision.throttled, flags: decision.flags };
  }

  /** In the ticket's transaction: upserts the open CallerFlag rows (hits, ticketIds, lastAt) for the flags. */
  async record(
    tx: Prisma.TransactionClient,
    screening: Screening,
    input: { phone: string | null; ip: string | null; ticketId: string; at: Date },
  ): Promise<void> {
    // A throttled request's flags were recorded by `screen`.
    if (screening.throttled !== null) return;
    for (const reason of screening.flags) {
      const hit = this.hit(reason, input.phone, input.ip, input.ticketId, input.at);
      if (hit) await this.flags.hit(tx, hit);
    }
  }

  /** A flag hit on the reason's subject: a phone by its hash, the number sealed beside it. */
  private hit(
    reason: FlagReason,
    phone: string | null,
    ip: string | null,
    ticketId: string | null,
    at: Date,
  ): FlagHit | null {
    const subject = flagSubject(reason, this.phoneHash(phone), ip);
    if (subject === null) return null;
    const sealed = subject.kind === 'phone' && phone !== null ? this.callers.sealValue(phone) : null;
    return { ...subject, sealed, reason, ticketId, at };
  }

  private phoneHash(phone: string | null): string | null {
    return phone === null || phone === '' ? null : this.callers.hashPhone(phone);
  }

  /** The counters, or null (logged) when Redis fails or is slower than the timeout: fail open. */
  private async read(subjects: ScreenSubjects, at: Date): Promise<CounterReading | null> {
    try {
      return await this.counters.screen(subjects, this.limits, at, this.timeoutMs);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`abuse counters failed (${reason}): request not screened`);
      return null;
    }
  }
}
