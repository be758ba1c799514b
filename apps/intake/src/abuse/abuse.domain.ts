import { createHash } from 'node:crypto';
import { ipSubject, retryAfterSeconds } from '@jsjb/platform';
import { normaliseText } from '../duplicates/similarity.domain';

/**
 * Why a caller is flagged for review (Arts. 9, 37: malicious repeated calls, occupying the line):
 * too many requests from one phone or one client address in the window, or the same content again
 * and again.
 */
export const FLAG_REASONS = ['rate-phone', 'rate-ip', 'repeated-content'] as const;
export type FlagReason = (typeof FLAG_REASONS)[number];

/** A flag is open until a reviewer clears it (a genuine caller) or confirms it (abuse). */
export const CALLER_FLAG_STATUSES = ['open', 'cleared', 'confirmed'] as const;
export type CallerFlagStatus = (typeof CALLER_FLAG_STATUSES)[number];

export type SubjectKind = 'phone' | 'ip';

/** A flag keeps the ids of this many of the caller's latest tickets; `hits` counts them all. */
export const MAX_FLAG_TICKETS = 100;

export interface AbuseLimits {
  windowMs: number;
  phoneLimit: number;
  ipLimit: number;
  repeatCount: number;
  repeatWindowMs: number;
}

/** Who a request is counted against. */
export interface ScreenSubjects {
  /** The caller's phone as its keyed hash (the abuse service never counts the number itself). */
  phone: string | null;
  ip: string | null;
  /** Repeated content is counted per caller: the phone when given, else the address. */
  content: { kind: SubjectKind; subject: string; hash: string } | null;
  /** Whether the request may be refused (429) when over a limit. */
  throttles: boolean;
}

/**
 * The subjects of a request. A hotline call is never throttled (an operator is on the line) and is
 * counted by the caller's phone only: its address is the operator's workstation.
 */
export function screenSubjects(input: {
  channel: string;
  phone: string | null;
  ip: string | null;
  content: string;
}): ScreenSubjects {
  const hotline = input.channel === 'hotline';
  const phone = input.phone === null || input.phone === '' ? null : input.phone;
  const ip = hotline || input.ip === null ? null : ipSubject(input.ip);
  const caller: { kind: SubjectKind; subject: string } | null =
    phone !== null ? { kind: 'phone', subject: phone } : ip !== null ? { kind: 'ip', subject: ip } : null;
  return {
    phone,
    ip,
    content: caller === null ? null : { ...caller, hash: contentHash(input.content) },
    throttles: !hotline,
  };
}

/** The subject of a flag for a stored request: the same choice `screenSubjects` made. */
export function flagSubject(
  reason: FlagReason,
  phone: string | null,
  ip: string | null,
): { kind: SubjectKind; subject: string } | null {
  switch (reason) {
    case 'rate-phone':
      return phone === null ? null : { kind: 'phone', subject: phone };
    case 'rate-ip':
      return ip === null ? null : { kind: 'ip', subject: ipSubject(ip) ?? ip };
    case 'repeated-content':
      if (phone !== null) return { kind: 'phone', subject: phone };
      return ip === null ? null : { kind: 'ip', subject: ipSubject(ip) ?? ip };
  }
}

/**
 * Identical after normalisation — punctuation, digits, spacing and formulas aside: a short hash of
 * the normalised letters.
 */
export function contentHash(content: string): string {
  return createHash('sha256').update(normaliseText(content).replaceAll(' ', '')).digest('hex').slice(0, 20);
}

/** What the counters said about one request (one Redis round trip). */
export interface CounterReading {
  /** Requests in the window before this one; null when not counted (no such subject). */
  phoneCount: number | null;
  ipCount: number | null;
  /** Milliseconds until the phone's/address's window has room again; 0 when it has room. */
  phoneWaitMs: number;
  ipWaitMs: number;
  /** Times this content came from the caller in the repeat window, this one included; null when not counted. */
  contentCount: number | null;
  /** The request was refused: nothing was added to the counters. */
  throttled: boolean;
  /** This refusal is the first of the window for the phone / the address: the one that records the flag. */
  firstThrottlePhone: boolean;
  firstThrottleIp: boolean;
}

export interface ScreeningDecision {
  throttled: { retryAfterSeconds: number; limit: SubjectKind } | null;
  flags: FlagReason[];
  /** Flags to record now, without a ticket: a throttled request stores none, so its flag is written at once. */
  recordNow: FlagReason[];
}

/**
 * Reads the counters: over a limit is throttled for online channels (the longer wait wins, since both
 * limits must have room) and flagged for every channel; a content seen `repeatCount` times is flagged.
 */
export function decideScreening(reading: CounterReading, limits: AbuseLimits): ScreeningDecision {
  if (reading.throttled) {
    const phoneOver = reading.phoneWaitMs > 0;
    const ipOver = reading.ipWaitMs > 0;
    const limit: SubjectKind = phoneOver && reading.phoneWaitMs >= reading.ipWaitMs ? 'phone' : 'ip';
    const flags: FlagReason[] = [];
    if (phoneOver) flags.push('rate-phone');
    if (ipOver) flags.push('rate-ip');
    return {
      throttled: {
        retryAfterSeconds: retryAfterSeconds(Math.max(reading.phoneWaitMs, reading.ipWaitMs)),
        limit,
      },
      flags,
      recordNow: flags.filter((f) =>
        f === 'rate-phone' ? reading.firstThrottlePhone : reading.firstThrottleIp,
      ),
    };
  }
  const flags: FlagReason[] = [];
  // The counts are before this request: it makes count + 1.
  if (reading.phoneCount !== null && reading.phoneCount + 1 > limits.phoneLimit) flags.push('rate-phone');
  if (reading.ipCount !== null && reading.ipCount + 1 > limits.ipLimit) flags.push('rate-ip');
  if (reading.contentCount !== null && reading.contentCount >= limits.repeatCount)
    flags.push('repeated-content');
  return { throttled: null, flags, recordNow: [] };
}
