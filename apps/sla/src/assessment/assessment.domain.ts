import type { SATISFACTION_LEVELS } from '@jsjb/contracts';
import type { UnitClass } from '../units/units.domain';

/**
 * 考评 — assessment of the handling units (DOMAIN.md "Assessment"). Each lead assignment of a ticket
 * cycle is an order of that unit (a fact: excluded or not, responded late or not, the callback's
 * answers); daily counters per unit are the sums of the facts' contributions, kept up to date by
 * adding the difference a change makes. Rates, the composite and rankings are computed from the
 * counters of a period with the weight set in force. No I/O here.
 */

export type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

/**
 * Why an order does not count: 退单 approved (dispute-approved), moved by the center's own correction
 * (reassigned), 并单 (merged), ruled malicious or unreasonable by a manager.
 */
export const EXCLUSION_REASONS = [
  'dispute-approved',
  'reassigned',
  'merged',
  'malicious',
  'unreasonable',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];
/** What a manager may rule on a ticket. */
export const RULING_REASONS = ['malicious', 'unreasonable'] as const;
export type RulingReason = (typeof RULING_REASONS)[number];
/** What excludes every order of a ticket (not one unit's). */
export type TicketExclusionReason = 'merged' | RulingReason;

/** 回访 answers: contacted = false is not a valid callback. */
export interface CallbackAnswers {
  readonly contacted: boolean;
  readonly resolved: boolean | null;
  readonly satisfaction: Satisfaction | null;
}

/** What of an order the counters depend on. */
export interface OrderState {
  readonly excludedReason: ExclusionReason | null;
  /** 响应 — the response clock of this unit breached (督办): not on time. */
  readonly responseLate: boolean;
  readonly callback: CallbackAnswers | null;
}

/** One unit's counts (of a day, or summed over a period). */
export interface Counters {
  /** Lead orders dispatched to the unit, excluded ones included. */
  readonly orders: number;
  readonly excluded: number;
  /** Orders that count: not excluded. */
  readonly assessable: number;
  /** Assessable orders whose response clock did not breach. */
  readonly onTime: number;
  /** Valid callbacks (resident reached) on assessable orders. */
  readonly callbacks: number;
  /** Callbacks that did not reach the resident (not valid). */
  readonly uncontacted: number;
  readonly resolved: number;
  readonly satisfied: number;
  readonly basicallySatisfied: number;
  readonly unsatisfied: number;
}

export const COUNTER_NAMES = [
  'orders',
  'excluded',
  'assessable',
  'onTime',
  'callbacks',
  'uncontacted',
  'resolved',
  'satisfied',
  'basicallySatisfied',
  'unsatisfied',
] as const satisfies readonly (keyof Counters)[];

export const ZERO: Counters = {
  orders: 0,
  excluded: 0,
  assessable: 0,
  onTime: 0,
  callbacks: 0,
  uncontacted: 0,
  resolved: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  unsatisfied: 0,
};

/** What one order adds to its unit's counters on its dispatch day. */
export function contribution(order: OrderState): Counters {
  const excluded = order.excludedReason !== null;
  const cb = excluded ? null : order.callback;
  const valid = cb?.contacted === true;
  return {
    orders: 1,
    excluded: excluded ? 1 : 0,
    assessable: excluded ? 0 : 1,
    onTime: excluded || order.responseLate ? 0 : 1,
    callbacks: valid ? 1 : 0,
    uncontacted: cb !== null && !valid ? 1 : 0,
    resolved: valid && cb.resolved === true ? 1 : 0,
    satisfied: valid && cb.satisfaction === 'satisfied' ? 1 : 0,
    basicallySatisfied: valid && cb.satisfaction === 'basically-satisfied' ? 1 : 0,
    unsatisfied: valid && cb.satisfaction === 'unsatisfied' ? 1 : 0,
  };
}

/** The change to the counters when an order goes from `before` (null: new) to `after`. */
export function difference(before: OrderState | null, after: OrderState): Counters {
  const a = contribution(after);
  const b = before === null ? ZERO : contribution(before);
  return mapCounters((name) => a[name] - b[name]);
}

export function isZero(counters: Counters): boolean {
  return COUNTER_NAMES.every((name) => counters[name] === 0);
}

export function sumCounters(list: readonly Counters[]): Counters {
  return mapCounters((name) => list.reduce((sum, c) => sum + c[name], 0));
}

function mapCounters(value: (name: keyof Counters) => number): Counters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, value(name)])) as unknown as Counters;
}

/** An excluded order stays excluded for its first reason. */
export function exclude(order: OrderState, reason: ExclusionReason): OrderState {
  return order.excludedReason === null ? { ...order, excludedReason: reason } : order;
}

export function sameState(a: OrderState, b: OrderState): boolean {
  return (
    a.excludedReason === b.excludedReason &&
    a.responseLate === b.responseLate &&
    a.callback?.contacted === b.callback?.contacted &&
    a.callback?.resolved === b.callback?.resolved &&
    a.callback?.satisfaction === b.callback?.satisfaction
  );
}

/** Weights of one unit class from a month on (a version may change some classes only). */
export interface WeightSet {
  readonly version: number;
  readonly unitClass: UnitClass;
  /** First day of the month it applies from, YYYY-MM-DD. */
  readonly effectiveFrom: string;
  /** Percentages of the composite; they add up to 100. */
  readonly response: number;
  readonly resolution: number;
  readonly satisfaction: number;
  /** 满意率: what a 基本满意 counts for (满意 counts 1). */
  readonly basicSatisfiedWeight: number;
}

/** The weights of `unitClass` in force on `day`: the latest start on or before it, then the latest version. */
export function weightsInForce(
  sets: readonly WeightSet[],
  unitClass: UnitClass,
  day: string,
): WeightSet | null {
  let best: WeightSet | null = null;
  for (const set of sets) {
    if (set.unitClass !== unitClass || set.effectiveFrom > day) continue;
    if (
      best === null ||
      set.effectiveFrom > best.effectiveFrom ||
      (set.effectiveFrom === best.effectiveFrom && set.version > best.version)
    ) {
      best = set;
    }
  }
  return best;
}

/** 三率 and the composite, as fractions 0–1 (null when there is nothing to divide by). */
export interface Rates {
  /** 响应率 = on time ÷ assessable orders. */
  readonly responseRate: number | null;
  /** 解决率 = resolved ÷ valid callbacks. */
  readonly resolutionRate: number | null;
  /** 满意率 = (满意 + w × 基本满意) ÷ valid callbacks. */
  readonly satisfactionRate: number | null;
  /**
   * Σ weightᵢ × rateᵢ over the rates there are, divided by the weights used (a unit with orders but no
   * callback yet is scored on its response rate alone); null when no rate exists.
   */
  readonly composite: number | null;
}

const DIGITS = 6;

function round(value: number, digits = DIGITS): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export function computeRates(c: Counters, weights: WeightSet): Rates {
  const response = ratio(c.onTime, c.assessable);
  const resolution = ratio(c.resolved, c.callbacks);
  const satisfaction = ratio(c.satisfied + weights.basicSatisfiedWeight * c.basicallySatisfied, c.callbacks);
  let weighted = 0;
  let used = 0;
  for (const [rate, weight] of [
    [response, weights.response],
    [resolution, weights.resolution],
    [satisfaction, weights.satisfaction],
  ] as const) {
    if (rate === null) continue;
    weighted += rate * weight;
    used += weight;
  }
  return {
    responseRate: response === null ? null : round(response),
    resolutionRate: resolution === null ? null : round(resolution),
    satisfactionRate: satisfaction === null ? null : round(satisfaction),
    composite: used === 0 ? null : round(weighted / used),
  };
}

const byName = new Intl.Collator('zh-CN');

/**
 * Competition ranking by composite, highest first: equal composites share a rank and the next rank
 * skips (1, 2, 2, 4). Units with no composite (no orders) come last, unranked, by name.
 */
export function rankByComposite<T extends { readonly composite: number | null; readonly name: string }>(
  rows: readonly T[],
): (T & { rank: number | null })[] {
  const ranked = rows
    .filter((r) => r.composite !== null)
    .sort((a, b) => (b.composite ?? 0) - (a.composite ?? 0) || byName.compare(a.name, b.name));
  const unranked = rows.filter((r) => r.composite === null).sort((a, b) => byName.compare(a.name, b.name));
  const out: (T & { rank: number | null })[] = [];
  ranked.forEach((row, i) => {
    const previous = out[i - 1];
    const rank = previous && previous.composite === row.composite ? previous.rank : i + 1;
    out.push({ ...row, rank });
  });
  return [...out, ...unranked.map((row) => ({ ...row, rank: null }))];
}

/** A period of whole local days, both ends included (YYYY-MM-DD). */
export interface Period {
  readonly from: string;
  readonly to: string;
  /** Set when the period is one calendar month (YYYY-MM). */
  readonly month: string | null;
}

const DAY_MS = 86_400_000;

function toDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function isValidDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(dayMs(day)) && toDay(dayMs(day)) === day;
}

export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const from = toDay(Date.UTC(y, m - 1, 1));
  const to = toDay(Date.UTC(y, m, 1) - DAY_MS);
  return { from, to, month };
}

export function daysIn(period: Period): number {
  return Math.round((dayMs(period.to) - dayMs(period.from)) / DAY_MS) + 1;
}

/** The period just before: the previous month, or as many days right before a range. */
export function previousPeriod(period: Period): Period {
  if (period.month !== null) {
    const [y, m] = period.month.split('-').map(Number) as [number, number];
    const prev = toDay(Date.UTC(y, m - 2, 1)).slice(0, 7);
    return monthPeriod(prev);
  }
  const n = daysIn(period);
  return {
    from: toDay(dayMs(period.from) - n * DAY_MS),
    to: toDay(dayMs(period.from) - DAY_MS),
    month: null,
  };
}

/** Months (YYYY-MM) or days (YYYY-MM-DD) from `period.from` to `period.to`, for a series without gaps. */
export function buckets(period: Period, granularity: 'month' | 'day'): string[] {
  const out: string[] = [];
  if (granularity === 'day') {
    for (let t = dayMs(period.from); t <= dayMs(period.to); t += DAY_MS) out.push(toDay(t));
    return out;
  }
  let [y, m] = period.from.split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (;;) {
    const month = toDay(Date.UTC(y, m - 1, 1)).slice(0, 7);
    if (month > last) return out;
    out.push(month);
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

/** Growth from the previous period as a fraction (0.25 = +25 %); null when the previous count was 0. */
export function growth(current: number, previous: number): number | null {
  return previous === 0 ? null : round((current - previous) / previous, 4);
}
