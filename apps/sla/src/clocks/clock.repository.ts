import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ScheduleSpan } from '../calendar/calendar.domain';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { ClockKind, HandlingMode } from '../policy/policy.domain';
import type { Clock, ClockState } from './clock.domain';

type Tx = Prisma.TransactionClient;
type ClockRow = Awaited<ReturnType<PrismaService['slaClock']['findFirstOrThrow']>>;

export interface SlaTicketRow {
  ticketId: string;
  number: string | null;
  urgency: string;
  categoryCode: string | null;
  requestType: string | null;
  districtCode: string | null;
  streetCode: string | null;
  receivedAt: Date | null;
  cycle: number;
  mode: string;
  policyVersion: string;
  ruleId: string;
  status: string;
}

export type NewClock = Omit<
  Clock,
  | 'id'
  | 'stoppedAt'
  | 'stopReason'
  | 'breached'
  | 'everBreached'
  | 'elapsedWallMinutes'
  | 'elapsedScheduleMinutes'
  | 'warned'
  | 'version'
  | 'dueHandledAt'
>;

/** A started clock's columns that the insert leaves to the table's defaults. */
const NEW_CLOCK_DEFAULTS = {
  stoppedAt: null,
  stopReason: null,
  breached: false,
  everBreached: false,
  elapsedWallMinutes: null,
  elapsedScheduleMinutes: null,
  version: 1,
  dueHandledAt: null,
} as const satisfies Omit<Clock, keyof NewClock | 'id' | 'warned'>;

export interface ClockFilter {
  kinds?: readonly ClockKind[];
  states?: readonly ClockState[];
}

export interface ClockListQuery {
  view: 'overdue' | 'at-risk';
  now: Date;
  kind?: ClockKind | undefined;
  unitId?: string | undefined;
  districtCode?: string | undefined;
  limit: number;
  offset: number;
}

export function toClock(row: ClockRow): Clock {
  return {
    ...row,
    kind: row.kind as ClockKind,
    target: row.target as ScheduleSpan,
    state: row.state as ClockState,
    warnings: row.warnings,
    warned: row.warned,
  };
}

/** sla's tickets and clocks. Writes go through the caller's transaction (the consumer's, or a timer's). */
@Injectable()
export class ClockRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work, { maxWait: 10_000, timeout: 30_000 });
  }

  ticket(tx: Tx, ticketId: string): Promise<SlaTicketRow | null> {
    return tx.slaTicket.findUnique({ where: { ticketId } });
  }

  async saveTicket(tx: Tx, row: SlaTicketRow): Promise<void> {
    await tx.slaTicket.upsert({ where: { ticketId: row.ticketId }, create: row, update: row });
  }

  async updateTicket(
    tx: Tx,
    ticketId: string,
    data: Partial<Pick<SlaTicketRow, 'cycle' | 'status' | 'mode'>>,
  ): Promise<void> {
    await tx.slaTicket.updateMany({ where: { ticketId }, data });
  }

  /**
   * Starts each clock unless one with its natural key exists, with one insert (and one read for those
   * that existed, as on a redelivery); the clocks as stored, in the order given. A new clock is not
   * read back: it is what was inserted, with the table's defaults (a test holds them equal).
   */
  async startMany(tx: Tx, clocks: readonly NewClock[]): Promise<{ clock: Clock; created: boolean }[]> {
    if (clocks.length === 0) return [];
    const started: Clock[] = clocks.map((clock) => ({
      ...clock,
      id: randomUUID(),
      ...NEW_CLOCK_DEFAULTS,
      warned: [],
    }));
    const inserted = await tx.slaClock.createManyAndReturn({
      data: started,
      skipDuplicates: true,
      select: { naturalKey: true },
    });
    const created = new Set(inserted.map((row) => row.naturalKey));
    const existing = started.filter((clock) => !created.has(clock.naturalKey));
    const found =
      existing.length === 0
        ? new Map<string, Clock>()
        : new Map(
            (
              await tx.slaClock.findMany({
                where: { naturalKey: { in: existing.map((clock) => clock.naturalKey) } },
              })
            ).map((row) => [row.naturalKey, toClock(row)]),
          );
    return started.map((clock) => {
      if (created.has(clock.naturalKey)) return { clock, created: true };
      const stored = found.get(clock.naturalKey);
      if (!stored) throw new Error(`clock ${clock.naturalKey} neither started nor found`);
      return { clock: stored, created: false };
    });
  }

  /** The clock, locked for this transaction (a timer and an event never act on it at once). */
  async lock(tx: Tx, id: string): Promise<Clock | null> {
    await tx.$queryRaw`SELECT id FROM sla_clock WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await tx.slaClock.findUnique({ where: { id } });
    return row ? toClock(row) : null;
  }

  async find(id: string): Promise<Clock | null> {
    const row = await this.prisma.slaClock.findUnique({ where: { id } });
    return row ? toClock(row) : null;
  }

  async ofAssignment(tx: Tx, assignmentId: string, filter: ClockFilter = {}): Promise<Clock[]> {
    const rows = await tx.slaClock.findMany({
      where: { assignmentId, ...where(filter) },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toClock);
  }

  async ofTicket(tx: Tx, ticketId: string, filter: ClockFilter & { cycle?: number } = {}): Promise<Clock[]> {
    const rows = await tx.slaClock.findMany({
      where: { ticketId, ...(filter.cycle === undefined ? {} : { cycle: filter.cycle }), ...where(filter) },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toClock);
  }

  async ofWhistle(tx: Tx, whistleId: string, filter: ClockFilter = {}): Promise<Clock[]> {
    const rows = await tx.slaClock.findMany({ where: { whistleId, ...where(filter) } });
    return rows.map(toClock);
  }

  async update(tx: Tx, id: string, data: Partial<Omit<Clock, 'id' | 'naturalKey'>>): Promise<Clock> {
    const row = await tx.slaClock.update({ where: { id }, data });
    return toClock(row);
  }

  async recordChange(
    tx: Tx,
    change: {
      clockId: string;
      previousDueAt: Date;
      dueAt: Date;
      reason: 'extension' | 'calendar-correction';
      detail: Prisma.InputJsonObject;
      changedBy: string;
      at: Date;
    },
  ): Promise<void> {
    await tx.slaClockChange.create({ data: { id: randomUUID(), ...change } });
  }

  /** Clocks whose timers may still fire, by id, a page after `afterId` (boot re-arming). */
  async armable(afterId: string | null, limit: number): Promise<Clock[]> {
    const rows = await this.prisma.slaClock.findMany({
      where: {
        dueHandledAt: null,
        OR: [{ state: 'running' }, { state: 'met', kind: 'reply' }],
        ...(afterId ? { id: { gt: afterId } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit,
    });
    return rows.map(toClock);
  }

  /** Every clock whose timer may still fire, in pages of `pageSize` (by id). */
  async *armablePages(pageSize: number): AsyncGenerator<Clock[]> {
    for (let after: string | null = null; ;) {
      const page = await this.armable(after, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      after = page[page.length - 1]?.id ?? null;
    }
  }

  /** Clocks due before `before` whose due time was not handled: a timer was lost. */
  async missed(before: Date, limit: number): Promise<Clock[]> {
    const rows = await this.prisma.slaClock.findMany({
      where: {
        dueHandledAt: null,
        dueAt: { lt: before },
        OR: [{ state: 'running' }, { state: 'met', kind: 'reply' }],
      },
      orderBy: { dueAt: 'asc' },
      take: limit,
    });
    return rows.map(toClock);
  }

  /** Running clocks of working-day schedules that were open during the given dates. */
  async onScheduleAround(scheduleId: string, from: Date): Promise<Clock[]> {
    const rows = await this.prisma.slaClock.findMany({
      where: {
        scheduleId,
        OR: [
          { state: 'no-calendar' },
          { dueAt: { gte: from }, state: 'running' },
          { dueAt: { gte: from }, state: 'met', kind: 'reply', dueHandledAt: null },
        ],
      },
    });
    return rows.map(toClock);
  }

  async list(query: ClockListQuery): Promise<{ items: Clock[]; total: number }> {
    const filter: Prisma.SlaClockWhereInput = {
      state: 'running',
      ...(query.kind ? { kind: query.kind } : {}),
      ...(query.unitId ? { unitId: query.unitId } : {}),
      ...(query.districtCode ? { districtCode: query.districtCode } : {}),
      ...(query.view === 'overdue'
        ? { dueAt: { lte: query.now } }
        : { dueAt: { gt: query.now }, NOT: { warned: { isEmpty: true } } }),
    };
    const [rows, total] = await Promise.all([
      this.prisma.slaClock.findMany({
        where: filter,
        orderBy: { dueAt: 'asc' },
        take: query.limit,
        skip: query.offset,
      }),
      this.prisma.slaClock.count({ where: filter }),
    ]);
    return { items: rows.map(toClock), total };
  }

  async clocksOf(ticketId: string): Promise<(Clock & { changes: unknown[] })[]> {
    const rows = await this.prisma.slaClock.findMany({
      where: { ticketId },
      include: { changes: { orderBy: { at: 'asc' } } },
      orderBy: [{ cycle: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map((r) => ({ ...toClock(r), changes: r.changes }));
  }

  async tracked(districtCode: string | undefined, limit: number, offset: number) {
    const where: Prisma.SlaTicketWhereInput = {
      mode: 'tracked' satisfies HandlingMode,
      status: { not: 'closed' },
      ...(districtCode ? { districtCode } : {}),
    };
    const [tickets, total] = await Promise.all([
      this.prisma.slaTicket.findMany({ where, orderBy: { receivedAt: 'asc' }, take: limit, skip: offset }),
      this.prisma.slaTicket.count({ where }),
    ]);
    const clocks = await this.prisma.slaClock.findMany({
      where: { ticketId: { in: tickets.map((t) => t.ticketId) }, kind: 'progress-report', state: 'running' },
    });
    return { tickets, clocks: clocks.map(toClock), total };
  }
}

function where(filter: ClockFilter): Prisma.SlaClockWhereInput {
  return {
    ...(filter.kinds ? { kind: { in: [...filter.kinds] } } : {}),
    ...(filter.states ? { state: { in: [...filter.states] } } : {}),
  };
}
