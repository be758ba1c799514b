/**
 * 值班 — office hours and the 紧急工单 rule: an urgent (紧急) or 水电气热 order dispatched outside office
 * hours is put in front of the unit's on-duty person and flagged until signed. Office hours are local
 * time in the city's zone (Intl, no offsets hard-coded). Pure: the caller supplies the instant.
 */

/** Urgency classes that need someone at once, day or night. */
export const ROUND_THE_CLOCK_URGENCIES: ReadonlySet<string> = new Set(['urgent', 'utilities']);

export interface OfficeSchedule {
  readonly timeZone: string;
  /** Minutes after local midnight the office opens. */
  readonly opensAt: number;
  /** Minutes after local midnight it closes (exclusive); below `opensAt` for an overnight shift. */
  readonly closesAt: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which the office opens; an overnight shift belongs to the day it opens. */
  readonly days: ReadonlySet<number>;
}

/**
 * Parses `OFFICE_HOURS` (`HH:MM-HH:MM`, end up to 24:00), `OFFICE_DAYS` (`1,2,3,4,5`) and the zone.
 * An end before the start is an overnight shift (e.g. `22:00-06:00`); equal ends are refused (is that
 * never or always?). Throws on a bad value: call once at boot.
 */
export function parseOfficeSchedule(hours: string, days: string, timeZone: string): OfficeSchedule {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(hours);
  if (!match) throw new RangeError(`office hours "${hours}" are not HH:MM-HH:MM`);
  const [opensAt, closesAt] = [
    minutes(Number(match[1]), Number(match[2])),
    minutes(Number(match[3]), Number(match[4])),
  ];
  if (opensAt > 23 * 60 + 59 || closesAt > 24 * 60)
    throw new RangeError(`office hours "${hours}" are out of range`);
  if (opensAt === closesAt) throw new RangeError(`office hours "${hours}" open and close at the same time`);
  const weekdays = days.split(',').map((d) => Number(d.trim()));
  if (weekdays.length === 0 || weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new RangeError(`office days "${days}" are not ISO weekdays 1-7`);
  }
  localTime(new Date(0), timeZone); // an unknown zone throws here, not at the first night-time order
  return { timeZone, opensAt, closesAt, days: new Set(weekdays) };
}

function minutes(hours: number, mins: number): number {
  return hours * 60 + mins;
}

export interface LocalTime {
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly isoWeekday: number;
  /** Minutes after local midnight. */
  readonly minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Readonly<Record<string, number>> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The local weekday and time of day of `at` in `timeZone`. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const isoWeekday = WEEKDAYS[part('weekday')];
  if (isoWeekday === undefined) throw new RangeError(`no weekday for ${at.toISOString()} in ${timeZone}`);
  return { isoWeekday, minuteOfDay: minutes(Number(part('hour')), Number(part('minute'))) };
}

/** Whether the office is open at `at`. The part of an overnight shift after midnight belongs to the previous day. */
export function isOfficeHours(at: Date, schedule: OfficeSchedule): boolean {
  const { isoWeekday, minuteOfDay } = localTime(at, schedule.timeZone);
  const { opensAt, closesAt, days } = schedule;
  if (opensAt < closesAt) return days.has(isoWeekday) && minuteOfDay >= opensAt && minuteOfDay < closesAt;
  if (minuteOfDay >= opensAt) return days.has(isoWeekday);
  if (minuteOfDay < closesAt) return days.has(isoWeekday === 1 ? 7 : isoWeekday - 1);
  return false;
}

/** 紧急工单 — whether an order of this urgency dispatched at `at` goes to the on-duty person. */
export function needsOnDuty(urgency: string, at: Date, schedule: OfficeSchedule): boolean {
  return ROUND_THE_CLOCK_URGENCIES.has(urgency) && !isOfficeHours(at, schedule);
}
