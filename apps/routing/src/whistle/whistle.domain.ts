/**
 * 街道吹哨·部门报到 — the rules of a whistle: a street (街乡) summons units it cannot do without,
 * each summoned unit must check in (报到) on site within a limit set by the whistle's urgency, and
 * both sides are assessed (双考核, 条例 Art. 33). Plain TypeScript: no I/O.
 */
import type { WHISTLE_URGENCIES } from '@jsjb/contracts';
import type { UnitKind } from '../dispatch/units.domain';

export type WhistleUrgency = (typeof WHISTLE_URGENCIES)[number];

export const WHISTLE_STATUSES = ['open', 'closed'] as const;
export type WhistleStatus = (typeof WHISTLE_STATUSES)[number];

/** Where a summoned unit stands: checked in within its limit, after it, never (closed), or not yet. */
export const SUMMONS_STATES = ['on-time', 'late', 'absent', 'pending'] as const;
export type SummonsState = (typeof SUMMONS_STATES)[number];

/** Most units one whistle may summon. */
export const MAX_SUMMONED = 20;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The check-in limits [config]: 30 min for an urgent whistle, 24 h for a normal one by default. */
export interface CheckInLimits {
  urgentMinutes: number;
  normalHours: number;
}

/** How long a summoned unit has to check in on a whistle of this urgency. */
export function checkInLimitMs(urgency: WhistleUrgency, limits: CheckInLimits): number {
  switch (urgency) {
    case 'urgent':
      return limits.urgentMinutes * MINUTE;
    case 'normal':
      return limits.normalHours * HOUR;
  }
}

/** A summoned unit's check-in deadline: the moment the whistle was blown plus the limit. */
export function summonsDueAt(blownAt: Date, urgency: WhistleUrgency, limits: CheckInLimits): Date {
  return new Date(blownAt.getTime() + checkInLimitMs(urgency, limits));
}

/** Only a 街道/乡镇 blows the whistle. */
export function mayBlow(kind: UnitKind | undefined): boolean {
  return kind === 'street';
}

/**
 * Why a unit cannot be summoned, or undefined when it can: departments, utilities and district
 * governments answer a whistle; an unknown unit or a street (including the whistling one) cannot.
 */
export function summonIssue(kind: UnitKind | undefined): 'unknown_unit' | 'street_unit' | undefined {
  if (kind === undefined) return 'unknown_unit';
  switch (kind) {
    case 'street':
      return 'street_unit';
    case 'department':
    case 'district-government':
    case 'utility':
      return undefined;
  }
}

/** A check-in past the limit is accepted but recorded as late; exactly at the limit is on time. */
export function isLate(checkedInAt: Date, dueAt: Date): boolean {
  return checkedInAt.getTime() > dueAt.getTime();
}

export interface SummonsFacts {
  dueAt: Date;
  checkedInAt: Date | null;
}

/** A summons' standing for 双考核. A unit that has not checked in is absent only once the whistle closed. */
export function summonsState(summons: SummonsFacts, whistleStatus: WhistleStatus): SummonsState {
  if (summons.checkedInAt !== null) return isLate(summons.checkedInAt, summons.dueAt) ? 'late' : 'on-time';
  return whistleStatus === 'closed' ? 'absent' : 'pending';
}

/** A pending summons past its limit (for the views: who is overdue right now). */
export function isOverdue(summons: SummonsFacts, whistleStatus: WhistleStatus, now: Date): boolean {
  return summonsState(summons, whistleStatus) === 'pending' && now.getTime() > summons.dueAt.getTime();
}

export type CheckInRefusal = 'WHISTLE.NOT_SUMMONED' | 'WHISTLE.ALREADY_CHECKED_IN' | 'WHISTLE.CLOSED';

/**
 * 报到 — may this unit check in now? A unit not summoned is refused first; a repeated check-in is
 * reported as such even on a closed whistle (it is the more precise answer to a retry); otherwise a
 * closed whistle takes no more check-ins. A late check-in is allowed (and recorded as late).
 */
export function checkInRefusal(
  whistleStatus: WhistleStatus,
  summons: SummonsFacts | undefined,
): CheckInRefusal | undefined {
  if (summons === undefined) return 'WHISTLE.NOT_SUMMONED';
  if (summons.checkedInAt !== null) return 'WHISTLE.ALREADY_CHECKED_IN';
  if (whistleStatus === 'closed') return 'WHISTLE.CLOSED';
  return undefined;
}

export type CloseRefusal = 'WHISTLE.NOT_YOURS' | 'WHISTLE.CLOSED';

/** Only the street that blew the whistle closes it, and only once. */
export function closeRefusal(
  whistle: { streetUnitId: string; status: WhistleStatus },
  unitId: string | null,
): CloseRefusal | undefined {
  if (unitId !== whistle.streetUnitId) return 'WHISTLE.NOT_YOURS';
  if (whistle.status === 'closed') return 'WHISTLE.CLOSED';
  return undefined;
}

/** The units that never checked in: recorded as absent when the whistle closes. */
export function absentUnitIds(summons: readonly (SummonsFacts & { unitId: string })[]): string[] {
  return summons.filter((s) => s.checkedInAt === null).map((s) => s.unitId);
}

// ── 双考核 dual assessment ────────────────────────────────────────────────────

export interface AssessedWhistle {
  streetUnitId: string;
  status: WhistleStatus;
  resolved: boolean | null;
  summons: readonly (SummonsFacts & { unitId: string })[];
}

/** 报到 record of a summoned unit over a period. */
export interface SummonedUnitRecord {
  unitId: string;
  summoned: number;
  onTime: number;
  late: number;
  absent: number;
  pending: number;
  /** on time ÷ decided (on time + late + absent); null while nothing is decided. */
  onTimeRate: number | null;
}

/** 吹哨 record of a street over a period. */
export interface StreetRecord {
  unitId: string;
  blown: number;
  closed: number;
  resolved: number;
  /** resolved ÷ closed; null while none is closed. */
  resolvedRate: number | null;
}

export interface Assessment {
  summonedUnits: SummonedUnitRecord[];
  streets: StreetRecord[];
}

/** Both sides of 双考核 over a set of whistles: each summoned unit's check-ins, each street's whistles. Sorted by unit id. */
export function assess(whistles: Iterable<AssessedWhistle>): Assessment {
  const units = new Map<string, Omit<SummonedUnitRecord, 'onTimeRate'>>();
  const streets = new Map<string, Omit<StreetRecord, 'resolvedRate'>>();
  for (const whistle of whistles) {
    const street = streets.get(whistle.streetUnitId) ?? {
      unitId: whistle.streetUnitId,
      blown: 0,
      closed: 0,
      resolved: 0,
    };
    street.blown += 1;
    if (whistle.status === 'closed') {
      street.closed += 1;
      if (whistle.resolved === true) street.resolved += 1;
    }
    streets.set(street.unitId, street);
    for (const summons of whistle.summons) {
      const unit = units.get(summons.unitId) ?? {
        unitId: summons.unitId,
        summoned: 0,
        onTime: 0,
        late: 0,
        absent: 0,
        pending: 0,
      };
      unit.summoned += 1;
      const state = summonsState(summons, whistle.status);
      switch (state) {
        case 'on-time':
          unit.onTime += 1;
          break;
        case 'late':
          unit.late += 1;
          break;
        case 'absent':
          unit.absent += 1;
          break;
        case 'pending':
          unit.pending += 1;
          break;
      }
      units.set(unit.unitId, unit);
    }
  }
  const byId = (a: { unitId: string }, b: { unitId: string }) =>
    a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0;
  return {
    summonedUnits: [...units.values()].sort(byId).map((u) => {
      const decided = u.onTime + u.late + u.absent;
      return { ...u, onTimeRate: decided === 0 ? null : u.onTime / decided };
    }),
    streets: [...streets.values()]
      .sort(byId)
      .map((s) => ({ ...s, resolvedRate: s.closed === 0 ? null : s.resolved / s.closed })),
  };
}
