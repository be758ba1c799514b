import { Injectable } from '@nestjs/common';
import { assertDatabaseReachable } from '@jsjb/platform';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { CalendarDateEntry, CalendarYearData } from './calendar-data.domain';
import { DAY_KINDS, type DayKind, type LocalDate } from './calendar.domain';

export type Tx = Prisma.TransactionClient;

const TRANSACTION_TIMEOUT_MS = 60_000;
/** Serialises the boot seed of instances starting together (pg_advisory_xact_lock key). */
const SEED_LOCK = 'jsjb.sla.calendar.seed';

export interface YearRow {
  calendarId: string;
  year: number;
  source: string;
  version: string;
  checksum: string;
  loadedBy: string;
  loadedAt: Date;
}

export interface OverrideRow {
  calendarId: string;
  date: LocalDate;
  kind: DayKind;
  reason: string;
  createdBy: string;
  createdAt: Date;
}

export interface DateRow {
  calendarId: string;
  date: LocalDate;
  kind: DayKind;
  name: string;
  nameEn: string | null;
}

export interface NewChange {
  calendarId: string;
  action: 'seed' | 'import' | 'override.set' | 'override.remove';
  year: number;
  date: LocalDate | null;
  changedDates: LocalDate[];
  detail: Record<string, unknown>;
  actor: string;
  at: Date;
}

export interface PendingChange {
  id: bigint;
  calendarId: string;
  changedDates: LocalDate[];
}

export function toDbDate(date: LocalDate): Date {
  return new Date(`${date}T00:00:00.000Z`);
}

export function fromDbDate(date: Date): LocalDate {
  return date.toISOString().slice(0, 10);
}

function dayKind(value: string): DayKind {
  const kind = DAY_KINDS.find((k) => k === value);
  if (!kind) throw new Error(`calendar: unknown day kind ${value}`);
  return kind;
}

function yearRange(year: number): { gte: Date; lt: Date } {
  const y = String(year).padStart(4, '0');
  const next = String(year + 1).padStart(4, '0');
  return { gte: toDbDate(`${y}-01-01`), lt: toDbDate(`${next}-01-01`) };
}

function stringList(value: Prisma.JsonValue): LocalDate[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Calendars: loaded years, their dates, overrides and the change log. */
@Injectable()
export class CalendarRepository {
  constructor(private readonly prisma: PrismaService) {}

  assertReachable(): Promise<void> {
    return assertDatabaseReachable(this.prisma, this.prisma.databaseUrl);
  }

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, {
      timeout: TRANSACTION_TIMEOUT_MS,
      maxWait: TRANSACTION_TIMEOUT_MS,
    });
  }

  /** Holds the seed lock until the transaction ends: instances booting together seed one after another. */
  async lockSeed(tx: Tx): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${SEED_LOCK}))`;
  }

  /** Locks a calendar's year for a change (import, override), so concurrent changes compute their diffs in turn. */
  async lockYear(tx: Tx, calendarId: string, year: number): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`jsjb.sla.calendar:${calendarId}`}), ${year})`;
  }

  async years(calendarId?: string, tx?: Tx): Promise<YearRow[]> {
    return (tx ?? this.prisma).calendarYear.findMany({
      ...(calendarId === undefined ? {} : { where: { calendarId } }),
      orderBy: [{ calendarId: 'asc' }, { year: 'asc' }],
    });
  }

  async year(calendarId: string, year: number, tx?: Tx): Promise<YearRow | null> {
    return (tx ?? this.prisma).calendarYear.findUnique({ where: { calendarId_year: { calendarId, year } } });
  }

  /** Every loaded date of every calendar (a few dozen per year). */
  async allDates(): Promise<DateRow[]> {
    const rows = await this.prisma.calendarDate.findMany({
      select: { calendarId: true, date: true, kind: true, name: true, nameEn: true },
    });
    return rows.map((r) => ({ ...r, date: fromDbDate(r.date), kind: dayKind(r.kind) }));
  }

  async yearDates(calendarId: string, year: number, tx?: Tx): Promise<DateRow[]> {
    const rows = await (tx ?? this.prisma).calendarDate.findMany({
      where: { calendarId, date: yearRange(year) },
      select: { calendarId: true, date: true, kind: true, name: true, nameEn: true },
      orderBy: { date: 'asc' },
    });
    return rows.map((r) => ({ ...r, date: fromDbDate(r.date), kind: dayKind(r.kind) }));
  }

  async overrides(calendarId?: string, year?: number, tx?: Tx): Promise<OverrideRow[]> {
    const rows = await (tx ?? this.prisma).calendarOverride.findMany({
      where: {
        ...(calendarId === undefined ? {} : { calendarId }),
        ...(year === undefined ? {} : { date: yearRange(year) }),
      },
      orderBy: [{ calendarId: 'asc' }, { date: 'asc' }],
    });
    return rows.map((r) => ({ ...r, date: fromDbDate(r.date), kind: dayKind(r.kind) }));
  }

  async override(tx: Tx, calendarId: string, date: LocalDate): Promise<OverrideRow | null> {
    const row = await tx.calendarOverride.findUnique({
      where: { calendarId_date: { calendarId, date: toDbDate(date) } },
    });
    return row ? { ...row, date: fromDbDate(row.date), kind: dayKind(row.kind) } : null;
  }

  async tableKind(tx: Tx, calendarId: string, date: LocalDate): Promise<DayKind | null> {
    const row = await tx.calendarDate.findUnique({
      where: { calendarId_date: { calendarId, date: toDbDate(date) } },
      select: { kind: true },
    });
    return row ? dayKind(row.kind) : null;
  }

  async upsertOverride(tx: Tx, row: OverrideRow): Promise<void> {
    const data = { kind: row.kind, reason: row.reason, createdBy: row.createdBy, createdAt: row.createdAt };
    await tx.calendarOverride.upsert({
      where: { calendarId_date: { calendarId: row.calendarId, date: toDbDate(row.date) } },
      create: { calendarId: row.calendarId, date: toDbDate(row.date), ...data },
      update: data,
    });
  }

  async deleteOverride(tx: Tx, calendarId: string, date: LocalDate): Promise<void> {
    await tx.calendarOverride.delete({ where: { calendarId_date: { calendarId, date: toDbDate(date) } } });
  }

  /** Stores a year's dates and its calendar_year row, replacing what the year held. */
  async replaceYear(tx: Tx, data: CalendarYearData, loadedBy: string, at: Date): Promise<void> {
    const { calendarId, year, source, version, checksum } = data;
    await tx.calendarDate.deleteMany({ where: { calendarId, date: yearRange(year) } });
    await tx.calendarDate.createMany({
      data: data.dates.map((d: CalendarDateEntry) => ({
        calendarId,
        date: toDbDate(d.date),
        kind: d.kind,
        name: d.name,
        nameEn: d.nameEn,
        source,
        version,
      })),
    });
    const row = { source, version, checksum, loadedBy, loadedAt: at };
    await tx.calendarYear.upsert({
      where: { calendarId_year: { calendarId, year } },
      create: { calendarId, year, ...row },
      update: row,
    });
  }

  async recordChange(tx: Tx, change: NewChange): Promise<bigint> {
    const row = await tx.calendarChange.create({
      data: {
        calendarId: change.calendarId,
        action: change.action,
        year: change.year,
        date: change.date === null ? null : toDbDate(change.date),
        changedDates: change.changedDates,
        detail: change.detail as Prisma.InputJsonObject,
        actor: change.actor,
        at: change.at,
      },
      select: { id: true },
    });
    return row.id;
  }

  /** The latest change id: instances reload when it moves. */
  async revision(): Promise<bigint> {
    const row = await this.prisma.calendarChange.aggregate({ _max: { id: true } });
    return row._max.id ?? 0n;
  }

  /** Changes whose listeners have not run, oldest first. */
  async pending(limit: number): Promise<bigint[]> {
    const rows = await this.prisma.calendarChange.findMany({
      where: { notifiedAt: null },
      orderBy: { id: 'asc' },
      take: limit,
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Claims an unnotified change for `leaseMs` (another instance skips it meanwhile); null when it
   * is notified or claimed by someone else.
   */
  async claim(id: bigint, now: Date, leaseMs: number): Promise<PendingChange | null> {
    const until = new Date(now.getTime() + leaseMs);
    const claimed = await this.prisma.calendarChange.updateMany({
      where: { id, notifiedAt: null, OR: [{ claimedUntil: null }, { claimedUntil: { lt: now } }] },
      data: { claimedUntil: until },
    });
    if (claimed.count === 0) return null;
    const row = await this.prisma.calendarChange.findUniqueOrThrow({
      where: { id },
      select: { id: true, calendarId: true, changedDates: true },
    });
    return { id: row.id, calendarId: row.calendarId, changedDates: stringList(row.changedDates) };
  }

  async markNotified(id: bigint, at: Date): Promise<void> {
    await this.prisma.calendarChange.update({ where: { id }, data: { notifiedAt: at, claimedUntil: null } });
  }

  /** Gives a claim back after a failed listener, for the next refresh to retry. */
  async release(id: bigint): Promise<void> {
    await this.prisma.calendarChange.update({ where: { id }, data: { claimedUntil: null } });
  }

  async changes(calendarId: string, limit: number) {
    return this.prisma.calendarChange.findMany({
      where: { calendarId },
      orderBy: { id: 'desc' },
      take: limit,
    });
  }
}
