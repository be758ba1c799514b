import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  AppError,
  auditNote,
  Clock,
  MetricsRegistry,
  NotFoundError,
  PLATFORM_CONFIG,
  UnprocessableError,
} from '@jsjb/platform';
import { Counter, Gauge } from 'prom-client';
import packagedSeed from '../generated/cn-calendar.json';
import {
  type CalendarSeed,
  type CalendarYearData,
  changedDates,
  checkYearDates,
  overrideChanges,
  parseSeed,
  yearData,
} from './calendar-data.domain';
import type { CalendarConfig } from './calendar.config';
import {
  ALL_DAY_SCHEDULE_ID,
  AllDaySchedule,
  calendarIdOf,
  CalendarYearNotLoaded,
  datesOfYear,
  type DayKind,
  InvalidSpan,
  type LocalDate,
  type Schedule,
  SpanNotOnSchedule,
  TimeZone,
  WorkingDayCalendar,
  WorkingDaySchedule,
  workdaysScheduleId,
  yearOf,
} from './calendar.domain';
import type { ImportYearBody } from './calendar.dto';
import { CalendarRepository, type OverrideRow, type Tx, type YearRow } from './calendar.repository';

/** What the listeners of `onCorrection` get: the calendar and the local dates whose status changed. */
export interface CalendarCorrection {
  calendarId: string;
  dates: LocalDate[];
}

export type CorrectionListener = (change: CalendarCorrection) => Promise<void>;

/**
 * A working-day computation touched a year its calendar has not loaded: 503, because the request is
 * fine and the service lacks reference data that an administrator must import (POST
 * /calendars/{id}/years/{year}/import). Not retriable by itself; the import notifies the
 * `onCorrection` listeners with every date of the year.
 */
export class CalendarYearNotLoadedError extends AppError {
  constructor(
    readonly calendarId: string,
    readonly year: number,
    cause: unknown,
  ) {
    super(
      'SLA.CALENDAR_YEAR_NOT_LOADED',
      `The working-day calendar ${calendarId} has no data for ${year}; deadlines on it cannot be computed until the year is imported.`,
      { status: 503, title: 'Service Unavailable', cause },
    );
  }
}

/** A claimed correction is someone else's for this long; then another instance may run its listeners. */
const CLAIM_LEASE_MS = 5 * 60_000;
/** A fail-closed computation is logged at most once a minute per calendar and year (the counter counts each). */
const LOG_EVERY_MS = 60_000;
/** From this local date (MM-DD) on, a missing next year is warned about at boot. */
const COVERAGE_WARNING_FROM = '12-01';
const PENDING_BATCH = 100;

export interface Coverage {
  calendarId: string;
  timeZone: string;
  today: LocalDate;
  currentYear: number;
  currentYearLoaded: boolean;
  nextYear: number;
  nextYearLoaded: boolean;
  loadedYears: number[];
  /** Set when the next year is missing from December on, or the current year is missing. */
  warning: string | null;
}

/**
 * Working-day calendars: loaded from the database at boot (the build-time seed fills in the years a
 * database lacks), served from memory to the clocks through `schedule(id)`, kept in step with other
 * instances, and corrected by administrators, after which the `onCorrection` listeners recompute the
 * affected deadlines.
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CalendarService.name);
  readonly zone: TimeZone;
  readonly defaultCalendarId: string;
  private readonly allDay: Schedule;
  private calendars = new Map<string, { calendar: WorkingDayCalendar; schedule: WorkingDaySchedule }>();
  private revision = -1n;
  private readonly listeners: CorrectionListener[] = [];
  private readonly notLoaded: Counter<'calendar' | 'year'>;
  private readonly nextYearLoaded: Gauge<'calendar'>;
  private readonly lastLogged = new Map<string, number>();
  private serial: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private packaged: CalendarSeed | undefined;

  constructor(
    private readonly repository: CalendarRepository,
    private readonly clock: Clock,
    metrics: MetricsRegistry,
    @Inject(PLATFORM_CONFIG) private readonly config: CalendarConfig,
  ) {
    this.zone = new TimeZone(config.SLA_TIME_ZONE);
    this.defaultCalendarId = config.SLA_DEFAULT_CALENDAR;
    this.notLoaded = new Counter({
      name: 'sla_calendar_year_not_loaded_total',
      help: 'Working-day computations refused because their calendar has not loaded a year they touch (fail closed): alert on any increase',
      labelNames: ['calendar', 'year'],
      registers: [metrics.registry],
    });
    this.nextYearLoaded = new Gauge({
      name: 'sla_calendar_next_year_loaded',
      help: '1 when the calendar has loaded next year (local time zone), else 0',
      labelNames: ['calendar'],
      registers: [metrics.registry],
    });
    this.allDay = this.guard(new AllDaySchedule());
  }

  // ---- what the clocks use ----

  /**
   * The schedule `24x7` or `workdays:<calendarId>`, synchronously from memory. A working-day
   * schedule always reads the calendar as last loaded, so it may be kept.
   * @throws AppError SLA.UNKNOWN_SCHEDULE (422) for any other id.
   */
  schedule(id: string): Schedule {
    if (id === ALL_DAY_SCHEDULE_ID) return this.allDay;
    const calendarId = calendarIdOf(id);
    if (calendarId === null || !this.calendars.has(calendarId)) {
      throw new UnprocessableError(
        'SLA.UNKNOWN_SCHEDULE',
        `There is no schedule ${id}: use 24x7 or workdays:<calendar>.`,
        [{ field: 'schedule', code: 'unknown_schedule', message: `known: ${this.scheduleIds().join(', ')}` }],
      );
    }
    return this.guard({
      id,
      dueAt: (start, span) => this.current(calendarId).dueAt(start, span),
      pointAt: (start, span, fraction) => this.current(calendarId).pointAt(start, span, fraction),
      elapsedMinutes: (from, to) => this.current(calendarId).elapsedMinutes(from, to),
    });
  }

  scheduleIds(): string[] {
    return [ALL_DAY_SCHEDULE_ID, ...[...this.calendars.keys()].sort().map(workdaysScheduleId)];
  }

  /**
   * Called after a correction, override or year import has committed, with the dates whose
   * working/non-working status changed; a year newly loaded lists every date of the year. Each change
   * is handed over once, on one instance: normally the one that made it, else (it stopped, or another
   * instance's refresh claimed it first) another, after reloading the calendars. Listeners run one
   * after another; a failure leaves the change pending and it is retried on the next refresh.
   */
  onCorrection(listener: CorrectionListener): void {
    this.listeners.push(listener);
  }

  // ---- lifecycle ----

  /** Boot: loads the packaged years the database lacks, then the calendars into memory. */
  async start(): Promise<this> {
    await this.repository.assertReachable();
    await this.seedFrom(this.packagedSeed());
    await this.reload();
    this.warnCoverageAtBoot();
    return this;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.deliverPending().catch((error: unknown) =>
      this.logger.error(`calendar corrections: ${describe(error)}`),
    );
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        this.logger.warn(`calendar refresh failed: ${describe(error)}`),
      );
    }, this.config.SLA_CALENDAR_REFRESH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.serial.catch(() => undefined);
  }

  /** The seed compiled into this build (src/generated/cn-calendar.json, from `chinese-days`). */
  packagedSeed(): CalendarSeed {
    this.packaged ??= parseSeed(packagedSeed);
    return this.packaged;
  }

  /**
   * Loads the seed's years that the database lacks (one transaction under an advisory lock, so
   * instances booting together load each year once). A loaded year is never overwritten: when the
   * seed's data for it differ, a warning names the explicit import that applies them.
   */
  async seedFrom(seed: CalendarSeed): Promise<{ loaded: number[]; differing: number[] }> {
    const at = this.clock.now();
    const result = await this.repository.transaction(async (tx) => {
      await this.repository.lockSeed(tx);
      const existing = new Map((await this.repository.years(seed.calendarId, tx)).map((y) => [y.year, y]));
      const loaded: number[] = [];
      const differing: { year: number; row: YearRow; data: CalendarYearData }[] = [];
      for (const data of seed.years.values()) {
        const row = existing.get(data.year);
        if (row === undefined) {
          await this.repository.replaceYear(tx, data, 'seed', at);
          await this.repository.recordChange(tx, {
            calendarId: data.calendarId,
            action: 'seed',
            year: data.year,
            date: null,
            changedDates: datesOfYear(data.year),
            detail: { source: data.source, version: data.version, checksum: data.checksum, previous: null },
            actor: 'seed',
            at,
          });
          loaded.push(data.year);
        } else if (row.checksum !== data.checksum) {
          differing.push({ year: data.year, row, data });
        }
      }
      return { loaded, differing };
    });
    if (result.loaded.length > 0) {
      this.logger.log(`calendar ${seed.calendarId}: loaded ${result.loaded.join(', ')} from ${seed.source}`);
    }
    for (const { year, row, data } of result.differing) {
      this.logger.warn(
        `calendar ${seed.calendarId} ${year}: the packaged ${data.source} differs from the loaded data ` +
          `(${row.source}, checksum ${row.checksum.slice(0, 12)}); kept as loaded — an administrator applies it with ` +
          `POST /calendars/${seed.calendarId}/years/${year}/import {"from":"package"}`,
      );
    }
    return { loaded: result.loaded, differing: result.differing.map((d) => d.year) };
  }

  /** Picks up changes made by another instance (one indexed query when nothing changed) and runs pending corrections. */
  async refresh(): Promise<void> {
    if ((await this.repository.revision()) !== this.revision) await this.reload();
    else this.updateGauge();
    await this.deliverPending();
  }

  /** Reads every calendar from the database into memory. */
  reload(): Promise<void> {
    return this.exclusive(async () => {
      const revision = await this.repository.revision();
      const [years, dates, overrides] = await Promise.all([
        this.repository.years(),
        this.repository.allDates(),
        this.repository.overrides(),
      ]);
      const ids = new Set(years.map((y) => y.calendarId));
      const next = new Map<string, { calendar: WorkingDayCalendar; schedule: WorkingDaySchedule }>();
      for (const id of ids) {
        const exceptions = new Map<LocalDate, DayKind>();
        for (const d of dates) if (d.calendarId === id) exceptions.set(d.date, d.kind);
        for (const o of overrides) if (o.calendarId === id) exceptions.set(o.date, o.kind);
        const calendar = new WorkingDayCalendar({
          id,
          loadedYears: years.filter((y) => y.calendarId === id).map((y) => y.year),
          exceptions,
        });
        next.set(id, { calendar, schedule: new WorkingDaySchedule(calendar, this.zone) });
      }
      this.calendars = next;
      this.revision = revision;
      this.updateGauge();
    });
  }

  // ---- administration ----

  async list() {
    const years = await this.repository.years();
    const overrides = await this.repository.overrides();
    const ids = [...new Set(years.map((y) => y.calendarId))].sort();
    return ids.map((id) => ({
      id,
      schedule: workdaysScheduleId(id),
      timeZone: this.zone.name,
      default: id === this.defaultCalendarId,
      years: years.filter((y) => y.calendarId === id).map(yearInfo),
      overrides: overrides.filter((o) => o.calendarId === id).length,
    }));
  }

  async year(calendarId: string, year: number) {
    await this.requireCalendar(calendarId);
    const stored = await this.repository.year(calendarId, year);
    if (stored === null) {
      throw new NotFoundError(
        'SLA.CALENDAR_YEAR_NOT_FOUND',
        `Calendar ${calendarId} has not loaded ${year}.`,
      );
    }
    const [dates, overrides] = await Promise.all([
      this.repository.yearDates(calendarId, year),
      this.repository.overrides(calendarId, year),
    ]);
    const calendar = this.calendars.get(calendarId)?.calendar;
    const workingDays = calendar?.hasYear(year)
      ? datesOfYear(year).filter((d) => calendar.isWorkingDay(d)).length
      : null;
    return {
      calendarId,
      ...yearInfo(stored),
      workingDays,
      dates: dates.map(({ date, kind, name, nameEn }) => ({ date, kind, name, nameEn })),
      overrides: overrides.map(overrideInfo),
    };
  }

  async coverage(calendarId: string): Promise<Coverage> {
    await this.requireCalendar(calendarId);
    const years = (await this.repository.years(calendarId)).map((y) => y.year);
    return this.coverageOf(calendarId, years);
  }

  async changes(calendarId: string, limit: number) {
    await this.requireCalendar(calendarId);
    const rows = await this.repository.changes(calendarId, limit);
    return rows.map((r) => ({
      id: r.id.toString(),
      action: r.action,
      year: r.year,
      date: r.date ? r.date.toISOString().slice(0, 10) : null,
      changedDates: r.changedDates,
      detail: r.detail,
      actor: r.actor,
      at: r.at.toISOString(),
      notifiedAt: r.notifiedAt?.toISOString() ?? null,
    }));
  }

  /** 本地调整: marks a date holiday or working day (replacing an override of the date). */
  async setOverride(
    calendarId: string,
    date: LocalDate,
    input: { kind: DayKind; reason: string },
    actor: string,
  ) {
    await this.requireCalendar(calendarId);
    const at = this.clock.now();
    const year = yearOf(date);
    const { changeId, changed } = await this.repository.transaction(async (tx) => {
      await this.repository.lockYear(tx, calendarId, year);
      const loaded = await this.yearLoaded(tx, calendarId, year);
      const table = await this.repository.tableKind(tx, calendarId, date);
      const previous = await this.repository.override(tx, calendarId, date);
      auditNote({ before: { overrideKind: previous?.kind ?? null }, after: { overrideKind: input.kind } });
      const changed =
        loaded && overrideChanges(date, table, previous?.kind ?? null, input.kind) ? [date] : [];
      await this.repository.upsertOverride(tx, {
        calendarId,
        date,
        kind: input.kind,
        reason: input.reason,
        createdBy: actor,
        createdAt: at,
      });
      const changeId = await this.repository.recordChange(tx, {
        calendarId,
        action: 'override.set',
        year,
        date,
        changedDates: changed,
        detail: {
          kind: input.kind,
          reason: input.reason,
          table,
          previous: previous ? overrideInfo(previous) : null,
        },
        actor,
        at,
      });
      return { changeId, changed };
    });
    const recomputed = await this.afterChange(changeId);
    return {
      calendarId,
      date,
      kind: input.kind,
      reason: input.reason,
      createdBy: actor,
      createdAt: at.toISOString(),
      changedDates: changed,
      recomputed,
    };
  }

  async removeOverride(calendarId: string, date: LocalDate, reason: string, actor: string) {
    await this.requireCalendar(calendarId);
    const at = this.clock.now();
    const year = yearOf(date);
    const { changeId, changed, removed } = await this.repository.transaction(async (tx) => {
      await this.repository.lockYear(tx, calendarId, year);
      const previous = await this.repository.override(tx, calendarId, date);
      if (previous === null) {
        throw new NotFoundError(
          'SLA.OVERRIDE_NOT_FOUND',
          `Calendar ${calendarId} has no override on ${date}.`,
        );
      }
      auditNote({ before: { overrideKind: previous.kind }, after: { overrideKind: null } });
      const loaded = await this.yearLoaded(tx, calendarId, year);
      const table = await this.repository.tableKind(tx, calendarId, date);
      const changed = loaded && overrideChanges(date, table, previous.kind, null) ? [date] : [];
      await this.repository.deleteOverride(tx, calendarId, date);
      const changeId = await this.repository.recordChange(tx, {
        calendarId,
        action: 'override.remove',
        year,
        date,
        changedDates: changed,
        detail: { reason, table, previous: overrideInfo(previous) },
        actor,
        at,
      });
      return { changeId, changed, removed: previous };
    });
    const recomputed = await this.afterChange(changeId);
    return { calendarId, date, removed: overrideInfo(removed), changedDates: changed, recomputed };
  }

  /**
   * Imports a year, or replaces a loaded one: from the data packaged at build time, or entered by
   * hand. The same data again changes nothing (`unchanged`).
   */
  async importYear(calendarId: string, year: number, input: ImportYearBody, actor: string) {
    const data = this.importData(calendarId, year, input);
    const at = this.clock.now();
    const outcome = await this.repository.transaction(async (tx) => {
      await this.repository.lockYear(tx, calendarId, year);
      const previous = await this.repository.year(calendarId, year, tx);
      if (previous?.checksum === data.checksum) return null;
      const before = previous
        ? new Map((await this.repository.yearDates(calendarId, year, tx)).map((d) => [d.date, d.kind]))
        : null;
      const overrides = new Map(
        (await this.repository.overrides(calendarId, year, tx)).map((o) => [o.date, o.kind]),
      );
      await this.repository.replaceYear(tx, data, actor, at);
      const after = new Map(data.dates.map((d) => [d.date, d.kind]));
      const changed = changedDates(year, before, after, overrides);
      const changeId = await this.repository.recordChange(tx, {
        calendarId,
        action: 'import',
        year,
        date: null,
        changedDates: changed,
        detail: {
          source: data.source,
          version: data.version,
          checksum: data.checksum,
          previous: previous
            ? { source: previous.source, version: previous.version, checksum: previous.checksum }
            : null,
        },
        actor,
        at,
      });
      return { changeId, changed, replaced: previous !== null };
    });
    const summary = { calendarId, year, source: data.source, version: data.version, checksum: data.checksum };
    if (outcome === null)
      return { ...summary, status: 'unchanged' as const, changedDates: [], recomputed: true };
    const recomputed = await this.afterChange(outcome.changeId);
    return {
      ...summary,
      status: outcome.replaced ? ('replaced' as const) : ('loaded' as const),
      changedDates: outcome.changed,
      recomputed,
    };
  }

  // ---- internals ----

  private importData(calendarId: string, year: number, input: ImportYearBody): CalendarYearData {
    switch (input.from) {
      case 'package': {
        const seed = this.packagedSeed();
        const data = seed.calendarId === calendarId ? seed.years.get(year) : undefined;
        if (!data) {
          throw new UnprocessableError(
            'SLA.CALENDAR_YEAR_NOT_PACKAGED',
            `This build's ${seed.source} has no ${year} for calendar ${calendarId} (it has ${seed.calendarId} ${[...seed.years.keys()].join(', ')}); import it by hand ({"from":"manual"}).`,
          );
        }
        return data;
      }
      case 'manual': {
        const dates = input.dates.map((d) => ({
          date: d.date,
          kind: d.kind,
          name: d.name,
          nameEn: d.nameEn,
        }));
        const problems = checkYearDates(year, dates);
        if (problems.length > 0) {
          throw new UnprocessableError(
            'SLA.CALENDAR_DATES_INVALID',
            `The dates are not a valid ${year}.`,
            problems.map((message) => ({ field: 'dates', code: 'invalid_date', message })),
          );
        }
        return yearData({ calendarId, year, source: input.source, version: input.version, dates });
      }
    }
  }

  /** After a change committed: this instance reloads, then runs the listeners (a failure leaves it pending). */
  private async afterChange(changeId: bigint): Promise<boolean> {
    await this.reload();
    return this.deliver(changeId);
  }

  private async deliverPending(): Promise<void> {
    for (const id of await this.repository.pending(PENDING_BATCH)) await this.deliver(id);
  }

  /** Runs the listeners for one change unless another instance has it; true when they all succeeded. */
  private async deliver(id: bigint): Promise<boolean> {
    const change = await this.repository.claim(id, this.clock.now(), CLAIM_LEASE_MS);
    if (change === null) return false;
    if (!this.calendars.has(change.calendarId) || this.revision < id) await this.reload();
    try {
      if (change.changedDates.length > 0) {
        for (const listener of this.listeners) {
          await listener({ calendarId: change.calendarId, dates: [...change.changedDates] });
        }
      }
      await this.repository.markNotified(id, this.clock.now());
      return true;
    } catch (error) {
      this.logger.error(
        `calendar ${change.calendarId} correction ${id}: a listener failed (${describe(error)}); retried on the next refresh`,
      );
      await this.repository.release(id);
      return false;
    }
  }

  private current(calendarId: string): WorkingDaySchedule {
    const entry = this.calendars.get(calendarId);
    if (!entry)
      throw new UnprocessableError(
        'SLA.UNKNOWN_SCHEDULE',
        `There is no schedule ${workdaysScheduleId(calendarId)}.`,
      );
    return entry.schedule;
  }

  /** Maps the domain's errors to AppErrors; a year not loaded is also logged and counted (the alert). */
  private guard(schedule: Schedule): Schedule {
    const run = <T>(work: () => T): T => {
      try {
        return work();
      } catch (error) {
        throw this.translate(error);
      }
    };
    return {
      id: schedule.id,
      dueAt: (start, span) => run(() => schedule.dueAt(start, span)),
      pointAt: (start, span, fraction) => run(() => schedule.pointAt(start, span, fraction)),
      elapsedMinutes: (from, to) => run(() => schedule.elapsedMinutes(from, to)),
    };
  }

  private translate(error: unknown): unknown {
    if (error instanceof CalendarYearNotLoaded) {
      this.notLoaded.inc({ calendar: error.calendarId, year: String(error.year) });
      const key = `${error.calendarId}:${error.year}`;
      const now = Date.now();
      if ((this.lastLogged.get(key) ?? 0) + LOG_EVERY_MS <= now) {
        this.lastLogged.set(key, now);
        this.logger.error(
          `FAIL CLOSED: ${error.message} Import it: POST /calendars/${error.calendarId}/years/${error.year}/import`,
        );
      }
      return new CalendarYearNotLoadedError(error.calendarId, error.year, error);
    }
    if (error instanceof SpanNotOnSchedule) {
      return new UnprocessableError('SLA.SPAN_NOT_ON_SCHEDULE', error.message, [
        { field: 'span.unit', code: 'not_on_schedule', message: error.message },
      ]);
    }
    if (error instanceof InvalidSpan) {
      return new UnprocessableError('SLA.SPAN_INVALID', error.message, [
        { field: 'span', code: 'invalid_span', message: error.message },
      ]);
    }
    return error;
  }

  private updateGauge(): void {
    const nextYear = yearOf(this.zone.localDate(this.clock.now())) + 1;
    for (const [id, { calendar }] of this.calendars) {
      this.nextYearLoaded.set({ calendar: id }, calendar.hasYear(nextYear) ? 1 : 0);
    }
  }

  private coverageOf(calendarId: string, years: number[]): Coverage {
    const today = this.zone.localDate(this.clock.now());
    const currentYear = yearOf(today);
    const nextYear = currentYear + 1;
    const currentYearLoaded = years.includes(currentYear);
    const nextYearLoaded = years.includes(nextYear);
    let warning: string | null = null;
    if (!currentYearLoaded) {
      warning = `${currentYear} is not loaded: working-day deadlines fail until it is imported`;
    } else if (!nextYearLoaded && today.slice(5) >= COVERAGE_WARNING_FROM) {
      warning = `${nextYear} is not loaded: working-day deadlines reaching into ${nextYear} will fail from ${today.slice(0, 4)}'s last weeks on`;
    }
    this.nextYearLoaded.set({ calendar: calendarId }, nextYearLoaded ? 1 : 0);
    return {
      calendarId,
      timeZone: this.zone.name,
      today,
      currentYear,
      currentYearLoaded,
      nextYear,
      nextYearLoaded,
      loadedYears: [...years].sort((a, b) => a - b),
      warning,
    };
  }

  private warnCoverageAtBoot(): void {
    const entry = this.calendars.get(this.defaultCalendarId);
    if (!entry) {
      this.logger.error(
        `the default calendar ${this.defaultCalendarId} (SLA_DEFAULT_CALENDAR) has no loaded year: its schedule fails closed`,
      );
      return;
    }
    const coverage = this.coverageOf(this.defaultCalendarId, entry.calendar.loadedYears());
    if (coverage.warning) this.logger.warn(`calendar ${this.defaultCalendarId}: ${coverage.warning}`);
  }

  private async requireCalendar(calendarId: string): Promise<void> {
    if (this.calendars.has(calendarId)) return;
    if ((await this.repository.years(calendarId)).length > 0) return;
    throw new NotFoundError('SLA.CALENDAR_NOT_FOUND', `There is no calendar ${calendarId}.`);
  }

  private async yearLoaded(tx: Tx, calendarId: string, year: number): Promise<boolean> {
    return (await this.repository.year(calendarId, year, tx)) !== null;
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }
}

function yearInfo(row: YearRow) {
  return {
    year: row.year,
    source: row.source,
    version: row.version,
    checksum: row.checksum,
    loadedBy: row.loadedBy,
    loadedAt: row.loadedAt.toISOString(),
  };
}

function overrideInfo(row: OverrideRow) {
  return {
    date: row.date,
    kind: row.kind,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
