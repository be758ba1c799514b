/**
 * Schedules: the time a deadline runs on. Pure TypeScript (no Nest, no Prisma), so the deadline maths
 * is unit-tested without I/O.
 *
 * - `24x7`: wall-clock time. A minutes span is plain wall time; a working-days span is refused
 *   (`SpanNotOnSchedule`): a policy that counts working days names a working-day schedule, and no
 *   "N × 24 h" guess is made for it.
 * - `workdays:<calendarId>`: a working-day calendar (工作日) in the service's local time zone. A working
 *   day is a local date that is Monday–Friday and not a holiday, or a 调休 make-up working day (e.g.
 *   Saturdays 2026-02-14 and 2026-02-28). Only time inside working days counts.
 *   - `dueAt(start, N working days)` = the end (local 24:00) of the N-th working day after the local date
 *     of `start`; the receipt day does not count, whatever the hour.
 *   - `dueAt(start, m minutes)` = the first instant at which m minutes of working-day time have elapsed
 *     since `start` (time on non-working dates does not count).
 *   - `elapsedMinutes(from, to)` = minutes of [from, to) that lie inside working days (fractional).
 *   - `pointAt(start, span, f)` = the first instant t with elapsedMinutes(start, t) = f × elapsedMinutes(start,
 *     dueAt(start, span)), so a clock's "share elapsed" and its warning times agree. For a working-days
 *     span the rest of the receipt day counts when it is a working day.
 *
 * Fail closed: every local date a computation reads must lie in a year the calendar has loaded; the
 * first one that does not throws `CalendarYearNotLoaded`. Nothing ever falls back to Monday–Friday.
 */

/** A local calendar date, `YYYY-MM-DD`. */
export type LocalDate = string;

export type ScheduleSpan = { unit: 'minutes'; value: number } | { unit: 'working-days'; value: number };

export interface Schedule {
  /** `24x7` or `workdays:<calendarId>`, e.g. `workdays:cn`. */
  readonly id: string;
  /** The instant `span` after `start` on this schedule. */
  dueAt(start: Date, span: ScheduleSpan): Date;
  /** The instant at which `fraction` (0..1) of the span from `start` has elapsed in schedule time (warnings at 0.5/0.75). */
  pointAt(start: Date, span: ScheduleSpan, fraction: number): Date;
  /** Schedule time between two instants, in minutes (24x7: wall minutes; working days: minutes inside working days only). */
  elapsedMinutes(from: Date, to: Date): number;
}

/** How a calendar marks a date that departs from the Monday–Friday rule. */
export const DAY_KINDS = ['holiday', 'workday'] as const;
/** `holiday` — a public holiday (节假日; also published on weekends); `workday` — a 调休 make-up working day. */
export type DayKind = (typeof DAY_KINDS)[number];

export const ALL_DAY_SCHEDULE_ID = '24x7';
const WORKDAYS_PREFIX = 'workdays:';

export function workdaysScheduleId(calendarId: string): string {
  return `${WORKDAYS_PREFIX}${calendarId}`;
}

/** The calendar id of a `workdays:<id>` schedule id, or null. */
export function calendarIdOf(scheduleId: string): string | null {
  return scheduleId.startsWith(WORKDAYS_PREFIX) && scheduleId.length > WORKDAYS_PREFIX.length
    ? scheduleId.slice(WORKDAYS_PREFIX.length)
    : null;
}

// ---- errors ----

/** A computation read a date of a year that the calendar has not loaded. */
export class CalendarYearNotLoaded extends Error {
  constructor(
    readonly calendarId: string,
    readonly year: number,
  ) {
    super(
      `Calendar ${calendarId} has no data for ${year}: working-day deadlines touching ${year} cannot be computed.`,
    );
    this.name = 'CalendarYearNotLoaded';
  }
}

/** The span's unit does not exist on the schedule (working days on 24x7). */
export class SpanNotOnSchedule extends Error {
  constructor(
    readonly scheduleId: string,
    readonly unit: ScheduleSpan['unit'],
  ) {
    super(`Schedule ${scheduleId} does not count ${unit}.`);
    this.name = 'SpanNotOnSchedule';
  }
}

/** A span or fraction out of range: negative or non-finite minutes, working days not a whole number ≥ 1. */
export class InvalidSpan extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSpan';
  }
}

// ---- local dates ----

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real date written `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return new Date(ms).toISOString().slice(0, 10) === value;
}

function utcMidnight(date: LocalDate): number {
  const match = DATE_PATTERN.exec(date);
  if (!match) throw new RangeError(`not a date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date(utcMidnight(date) + days * DAY_MS).toISOString().slice(0, 10);
}

export function yearOf(date: LocalDate): number {
  return Number(date.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(utcMidnight(date)).getUTCDay();
}

/** Every date of `year`, in order. */
export function datesOfYear(year: number): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = `${String(year).padStart(4, '0')}-01-01`; yearOf(d) === year; d = addDays(d, 1)) out.push(d);
  return out;
}

// ---- day numbers: days since 1970-01-01, the internal form of a local date (cheap to step and compare) ----

/** The day number of a local date. */
export function dayNumber(date: LocalDate): number {
  return utcMidnight(date) / DAY_MS;
}

/** The local date of a day number. */
export function dateOfDay(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

// ---- time zone ----

/** Bound on cached day starts (a few decades of dates), so the cache cannot grow without limit. */
const DAY_START_CACHE_MAX = 20_000;

/**
 * Local dates and day boundaries in an IANA time zone, through Intl (no dependency). Day starts are
 * cached, and the local day of an instant is found from them, so Intl runs once per date.
 */
export class TimeZone {
  private readonly format: Intl.DateTimeFormat;
  private readonly dayStarts = new Map<number, number>();
  /** The zone's offset at construction: a first guess of an instant's local day. */
  private readonly guessOffsetMs: number;

  /** @throws RangeError for a time zone Intl does not know. */
  constructor(readonly name: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    this.guessOffsetMs = this.offsetMs(Date.now());
  }

  /** The local date of an instant. */
  localDate(instant: Date): LocalDate {
    return dateOfDay(this.dayOf(instant.getTime()));
  }

  /** The first instant of a local date (local 00:00, or the end of a DST gap that swallows it). */
  startOfDay(date: LocalDate): Date {
    return new Date(this.dayStart(dayNumber(date)));
  }

  /** The local day number of an instant (ms). */
  dayOf(utcMs: number): number {
    let day = Math.floor((utcMs + this.guessOffsetMs) / DAY_MS);
    while (this.dayStart(day) > utcMs) day--;
    while (this.dayStart(day + 1) <= utcMs) day++;
    return day;
  }

  /** The first instant (ms) of a local day number. */
  dayStart(day: number): number {
    let start = this.dayStarts.get(day);
    if (start === undefined) {
      start = this.computeDayStart(day);
      if (this.dayStarts.size >= DAY_START_CACHE_MAX) this.dayStarts.clear();
      this.dayStarts.set(day, start);
    }
    return start;
  }

  private computeDayStart(day: number): number {
    const wall = day * DAY_MS;
    // local = utc + offset: two rounds settle the offset in force at local midnight.
    let t = wall - this.offsetMs(wall);
    t = wall - this.offsetMs(t);
    // Fall-back transitions: an earlier instant may already be on this day.
    while (this.localDayIntl(t - 1) === day) t -= MINUTE_MS;
    // Spring-forward gaps at midnight: move to the first instant that is on this day.
    while (this.localDayIntl(t) < day) t += MINUTE_MS;
    return t;
  }

  private localDayIntl(utcMs: number): number {
    const p = this.parts(utcMs);
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / DAY_MS;
  }

  private offsetMs(utcMs: number): number {
    const p = this.parts(utcMs);
    const asUtc = Date.UTC(
      Number(p.year),
      Number(p.month) - 1,
      Number(p.day),
      Number(p.hour),
      Number(p.minute),
      Number(p.second),
    );
    return asUtc - (utcMs - (((utcMs % 1000) + 1000) % 1000));
  }

  private parts(utcMs: number): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', string> {
    const out = { year: '', month: '', day: '', hour: '', minute: '', second: '' };
    for (const part of this.format.formatToParts(new Date(utcMs))) {
      if (part.type in out) out[part.type as keyof typeof out] = part.value;
    }
    return out;
  }
}

// ---- working-day calendar ----

export interface WorkingDayCalendarData {
  id: string;
  /** Years whose dates were loaded; any other year fails closed. */
  loadedYears: Iterable<number>;
  /** Dates departing from Monday–Friday, local overrides already applied. */
  exceptions: ReadonlyMap<LocalDate, DayKind>;
}

/** Whether a date is a working day, given what the table and an override say about it. */
export function isWorkingDate(date: LocalDate, kind: DayKind | null): boolean {
  if (kind === null) {
    const weekday = weekdayOf(date);
    return weekday >= 1 && weekday <= 5;
  }
  switch (kind) {
    case 'holiday':
      return false;
    case 'workday':
      return true;
  }
}

/**
 * One working-day calendar as loaded: its years and the dates that depart from Monday–Friday,
 * compiled into one working/non-working flag per day of each loaded year.
 */
export class WorkingDayCalendar {
  readonly id: string;
  /** year → [day number of 1 January, 1 per working day]. */
  private readonly years = new Map<number, { first: number; working: Uint8Array }>();

  constructor(data: WorkingDayCalendarData) {
    this.id = data.id;
    for (const year of data.loadedYears) {
      const dates = datesOfYear(year);
      const working = new Uint8Array(dates.length);
      dates.forEach((date, i) => {
        working[i] = isWorkingDate(date, data.exceptions.get(date) ?? null) ? 1 : 0;
      });
      this.years.set(year, { first: dayNumber(dates[0] ?? `${year}-01-01`), working });
    }
  }

  loadedYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  /** @throws CalendarYearNotLoaded when the date's year is not loaded. */
  isWorkingDay(date: LocalDate): boolean {
    return this.isWorkingDayNumber(dayNumber(date));
  }

  /** @throws CalendarYearNotLoaded when the day's year is not loaded. */
  isWorkingDayNumber(day: number): boolean {
    const year = yearOfDay(day);
    const entry = this.years.get(year);
    if (entry === undefined) throw new CalendarYearNotLoaded(this.id, year);
    return entry.working[day - entry.first] === 1;
  }

  /** @throws CalendarYearNotLoaded */
  requireYear(year: number): void {
    if (!this.years.has(year)) throw new CalendarYearNotLoaded(this.id, year);
  }
}

// ---- schedules ----

function checkSpan(span: ScheduleSpan): void {
  switch (span.unit) {
    case 'minutes':
      if (!Number.isFinite(span.value) || span.value < 0) {
        throw new InvalidSpan(`a minutes span must be a finite number ≥ 0, not ${span.value}`);
      }
      return;
    case 'working-days':
      if (!Number.isInteger(span.value) || span.value < 1) {
        throw new InvalidSpan(`a working-days span must be a whole number ≥ 1, not ${span.value}`);
      }
      return;
  }
}

function checkFraction(fraction: number): void {
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) {
    throw new InvalidSpan(`a fraction must be between 0 and 1, not ${fraction}`);
  }
}

/** `24x7`: wall-clock time. */
export class AllDaySchedule implements Schedule {
  readonly id = ALL_DAY_SCHEDULE_ID;

  dueAt(start: Date, span: ScheduleSpan): Date {
    return new Date(start.getTime() + this.spanMs(span));
  }

  pointAt(start: Date, span: ScheduleSpan, fraction: number): Date {
    checkFraction(fraction);
    return new Date(start.getTime() + Math.round(this.spanMs(span) * fraction));
  }

  elapsedMinutes(from: Date, to: Date): number {
    return (to.getTime() - from.getTime()) / MINUTE_MS;
  }

  private spanMs(span: ScheduleSpan): number {
    checkSpan(span);
    switch (span.unit) {
      case 'minutes':
        return Math.round(span.value * MINUTE_MS);
      case 'working-days':
        throw new SpanNotOnSchedule(this.id, span.unit);
    }
  }
}

/** Longest stretch of dates a computation walks before giving up (a calendar of only holidays). */
const MAX_WALK_DAYS = 3_660;

/** `workdays:<calendarId>`: only time inside working days counts (see the file's comment). */
export class WorkingDaySchedule implements Schedule {
  readonly id: string;

  constructor(
    private readonly calendar: WorkingDayCalendar,
    private readonly zone: TimeZone,
  ) {
    this.id = workdaysScheduleId(calendar.id);
  }

  dueAt(start: Date, span: ScheduleSpan): Date {
    checkSpan(span);
    switch (span.unit) {
      case 'minutes':
        return this.advance(start, Math.round(span.value * MINUTE_MS));
      case 'working-days':
        return this.endOfNthWorkingDay(start, span.value);
    }
  }

  pointAt(start: Date, span: ScheduleSpan, fraction: number): Date {
    checkFraction(fraction);
    checkSpan(span);
    let total: number;
    switch (span.unit) {
      case 'minutes':
        total = Math.round(span.value * MINUTE_MS);
        break;
      case 'working-days':
        total = this.elapsedMs(start, this.endOfNthWorkingDay(start, span.value));
        break;
    }
    return this.advance(start, Math.round(total * fraction));
  }

  elapsedMinutes(from: Date, to: Date): number {
    return to.getTime() < from.getTime()
      ? -this.elapsedMs(to, from) / MINUTE_MS
      : this.elapsedMs(from, to) / MINUTE_MS;
  }

  /** The end (local 24:00) of the n-th working day after the local date of `start`. */
  private endOfNthWorkingDay(start: Date, n: number): Date {
    let day = this.zone.dayOf(start.getTime());
    this.calendar.requireYear(yearOfDay(day));
    let found = 0;
    for (let walked = 0; found < n; walked++) {
      if (walked > MAX_WALK_DAYS) throw new InvalidSpan(`no ${n} working days within ${MAX_WALK_DAYS} days`);
      day++;
      if (this.calendar.isWorkingDayNumber(day)) found++;
    }
    return new Date(this.zone.dayStart(day + 1));
  }

  /** The first instant at which `ms` of working-day time have elapsed since `start`. */
  private advance(start: Date, ms: number): Date {
    let day = this.zone.dayOf(start.getTime());
    let cursor = start.getTime();
    let remaining = ms;
    for (let walked = 0; ; walked++) {
      if (walked > MAX_WALK_DAYS) throw new InvalidSpan(`span longer than ${MAX_WALK_DAYS} days`);
      const working = this.calendar.isWorkingDayNumber(day);
      if (remaining === 0) return new Date(cursor);
      const end = this.zone.dayStart(day + 1);
      if (working) {
        if (remaining <= end - cursor) return new Date(cursor + remaining);
        remaining -= end - cursor;
      }
      cursor = end;
      day++;
    }
  }

  /** Working-day time in [from, to), from ≤ to; reads every date the interval touches. */
  private elapsedMs(from: Date, to: Date): number {
    const end = to.getTime();
    let cursor = from.getTime();
    let day = this.zone.dayOf(cursor);
    let total = 0;
    do {
      const dayEnd = this.zone.dayStart(day + 1);
      if (this.calendar.isWorkingDayNumber(day)) total += Math.min(dayEnd, end) - cursor;
      cursor = dayEnd;
      day++;
    } while (cursor < end);
    return total;
  }
}
