import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  definedColumns,
  sqlStatement,
  sqlStatementOf,
  transactionSql,
  type SqlStatement,
} from '@jsjb/platform';
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

/** Each column of a clock, by its field (the driver's statements select and write these). */
const CLOCK_COLUMNS = {
  id: 'id',
  naturalKey: 'natural_key',
  kind: 'kind',
  ticketId: 'ticket_id',
  whistleId: 'whistle_id',
  assignmentId: 'assignment_id',
  unitId: 'unit_id',
  cycle: 'cycle',
  policyVersion: 'policy_version',
  ruleId: 'rule_id',
  scheduleId: 'schedule_id',
  target: 'target',
  warnings: 'warnings',
  startedAt: 'started_at',
  dueAt: 'due_at',
  state: 'state',
  stoppedAt: 'stopped_at',
  stopReason: 'stop_reason',
  breached: 'breached',
  everBreached: 'ever_breached',
  elapsedWallMinutes: 'elapsed_wall_minutes',
  elapsedScheduleMinutes: 'elapsed_schedule_minutes',
  warned: 'warned',
  version: 'version',
  dueHandledAt: 'due_handled_at',
  escalationUnitId: 'escalation_unit_id',
  headUnitId: 'head_unit_id',
  districtCode: 'district_code',
} as const satisfies Record<keyof Clock, string>;

const TICKET_COLUMNS = {
  ticketId: 'ticket_id',
  number: 'number',
  urgency: 'urgency',
  categoryCode: 'category_code',
  requestType: 'request_type',
  districtCode: 'district_code',
  streetCode: 'street_code',
  receivedAt: 'received_at',
  cycle: 'cycle',
  mode: 'mode',
  policyVersion: 'policy_version',
  ruleId: 'rule_id',
  status: 'status',
} as const satisfies Record<keyof SlaTicketRow, string>;

function selectList(columns: Readonly<Record<string, string>>): string {
  return Object.entries(columns)
    .map(([field, column]) => (field === column ? column : `${column} AS "${field}"`))
    .join(', ');
}

const CLOCK_SELECT = selectList(CLOCK_COLUMNS);
const TICKET_SELECT = selectList(TICKET_COLUMNS);

/** The columns a started clock is inserted with (the rest take the table's defaults), and their types. */
const START_COLUMN_TYPES = {
  id: 'uuid',
  natural_key: 'varchar',
  kind: 'varchar',
  ticket_id: 'varchar',
  whistle_id: 'varchar',
  assignment_id: 'varchar',
  unit_id: 'varchar',
  cycle: 'int',
  policy_version: 'varchar',
  rule_id: 'varchar',
  schedule_id: 'varchar',
  target: 'jsonb',
  warnings: 'float8[]',
  started_at: 'timestamptz',
  due_at: 'timestamptz',
  state: 'varchar',
  escalation_unit_id: 'varchar',
  head_unit_id: 'varchar',
  district_code: 'varchar',
} as const satisfies Partial<Record<(typeof CLOCK_COLUMNS)[keyof Clock], string>>;

const START_COLUMNS = Object.keys(START_COLUMN_TYPES).join(', ');

/** A clock's fields that go into its start, with their columns. */
const START_FIELDS = (Object.entries(CLOCK_COLUMNS) as [keyof Clock, string][]).filter(
  ([, column]) => column in START_COLUMN_TYPES,
);

/**
 * The statements that run for every event go through the driver, on the consumer's transaction
 * (transactionSql): Prisma's query compiler and interpreter cost several times the driver's CPU per
 * statement. The rest of the repository stays on Prisma.
 */
const SQL = {
  ticket: sqlStatement('sla.ticket.find', `SELECT ${TICKET_SELECT} FROM sla_ticket WHERE ticket_id = $1`),
  saveTicket: sqlStatement(
    'sla.ticket.save',
    `INSERT INTO sla_ticket (${Object.values(TICKET_COLUMNS).join(', ')}, updated_at)
     VALUES (${Object.keys(TICKET_COLUMNS)
       .map((_, i) => `$${i + 1}`)
       .join(', ')}, now())
     ON CONFLICT (ticket_id) DO UPDATE SET ${Object.values(TICKET_COLUMNS)
       .filter((column) => column !== 'ticket_id')
       .map((column) => `${column} = EXCLUDED.${column}`)
       .join(', ')}, updated_at = now()`,
  ),
  startMany: sqlStatement(
    'sla.clock.start',
    `INSERT INTO sla_clock (${START_COLUMNS}, updated_at)
     SELECT ${START_COLUMNS}, now()
     FROM jsonb_to_recordset($1::jsonb) AS r(${Object.entries(START_COLUMN_TYPES)
       .map(([column, type]) => `${column} ${type}`)
       .join(', ')})
     ON CONFLICT (natural_key) DO NOTHING
     RETURNING natural_key AS "naturalKey"`,
  ),
  byNaturalKeys: sqlStatement(
    'sla.clock.by-natural-keys',
    `SELECT ${CLOCK_SELECT} FROM sla_clock WHERE natural_key = ANY($1::text[])`,
  ),
  lock: sqlStatement(
    'sla.clock.lock',
    `SELECT ${CLOCK_SELECT} FROM sla_clock WHERE id = $1::uuid FOR UPDATE`,
  ),
  // By the ticket's or the assignment's index only (a handful of clocks), filtered here: a generic plan
  // of optional filters in SQL (`$2 IS NULL OR …`) chose the (state, due_at) index without statistics.
  ofTicket: sqlStatement(
    'sla.clock.of-ticket',
    `SELECT ${CLOCK_SELECT} FROM sla_clock WHERE ticket_id = $1 ORDER BY created_at`,
  ),
  ofAssignment: sqlStatement(
    'sla.clock.of-assignment',
    `SELECT ${CLOCK_SELECT} FROM sla_clock WHERE assignment_id = $1 ORDER BY created_at`,
  ),
} satisfies Record<string, SqlStatement>;

/** `UPDATE … SET` these columns (one prepared statement per set of columns a caller changes). */
function updateStatement(
  table: string,
  key: string,
  columns: readonly string[],
  returning: string,
): SqlStatement {
  const sets = columns.map((column, i) => `${column} = $${i + 2}`).join(', ');
  return sqlStatementOf(
    `${table}.update`,
    `UPDATE ${table} SET ${sets}, updated_at = now() WHERE ${key} = $1${returning ? ` RETURNING ${returning}` : ''}`,
  );
}

export function toClock({ createdAt: _created, updatedAt: _updated, ...row }: ClockRow): Clock {
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

  async ticket(tx: Tx, ticketId: string): Promise<SlaTicketRow | null> {
    const [row] = await transactionSql(tx).query<SlaTicketRow>(SQL.ticket, [ticketId]);
    return row ?? null;
  }

  async saveTicket(tx: Tx, row: SlaTicketRow): Promise<void> {
    await transactionSql(tx).query(
      SQL.saveTicket,
      (Object.keys(TICKET_COLUMNS) as (keyof SlaTicketRow)[]).map((field) => row[field]),
    );
  }

  async updateTicket(
    tx: Tx,
    ticketId: string,
    data: Partial<Pick<SlaTicketRow, 'cycle' | 'status' | 'mode'>>,
  ): Promise<void> {
    const set = definedColumns(TICKET_COLUMNS, data);
    if (set.columns.length === 0) return;
    await transactionSql(tx).query(updateStatement('sla_ticket', 'ticket_id', set.columns, ''), [
      ticketId,
      ...set.values,
    ]);
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
    const sql = transactionSql(tx);
    const records = started.map((clock) =>
      Object.fromEntries(START_FIELDS.map(([field, column]) => [column, clock[field]])),
    );
    const inserted = await sql.query<{ naturalKey: string }>(SQL.startMany, [JSON.stringify(records)]);
    const created = new Set(inserted.map((row) => row.naturalKey));
    const existing = started.filter((clock) => !created.has(clock.naturalKey));
    const found =
      existing.length === 0
        ? new Map<string, Clock>()
        : new Map(
            (await sql.query<Clock>(SQL.byNaturalKeys, [existing.map((clock) => clock.naturalKey)])).map(
              (clock) => [clock.naturalKey, clock],
            ),
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
    const [clock] = await transactionSql(tx).query<Clock>(SQL.lock, [id]);
    return clock ?? null;
  }

  async find(id: string): Promise<Clock | null> {
    const row = await this.prisma.slaClock.findUnique({ where: { id } });
    return row ? toClock(row) : null;
  }

  async ofAssignment(tx: Tx, assignmentId: string, filter: ClockFilter = {}): Promise<Clock[]> {
    const clocks = await transactionSql(tx).query<Clock>(SQL.ofAssignment, [assignmentId]);
    return clocks.filter(matching(filter));
  }

  async ofTicket(tx: Tx, ticketId: string, filter: ClockFilter & { cycle?: number } = {}): Promise<Clock[]> {
    const clocks = await transactionSql(tx).query<Clock>(SQL.ofTicket, [ticketId]);
    return clocks.filter(matching(filter));
  }

  async ofWhistle(tx: Tx, whistleId: string, filter: ClockFilter = {}): Promise<Clock[]> {
    const rows = await tx.slaClock.findMany({ where: { whistleId } });
    return rows.map(toClock).filter(matching(filter));
  }

  async update(tx: Tx, id: string, data: Partial<Omit<Clock, 'id' | 'naturalKey'>>): Promise<Clock> {
    const set = definedColumns(CLOCK_COLUMNS, data);
    const sql = transactionSql(tx);
    const [clock] =
      set.columns.length === 0
        ? await sql.query<Clock>(SQL.lock, [id])
        : await sql.query<Clock>(updateStatement('sla_clock', 'id', set.columns, CLOCK_SELECT), [
            id,
            ...set.values,
          ]);
    if (!clock) throw new Error(`clock ${id} does not exist`);
    return clock;
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

function matching(filter: ClockFilter & { cycle?: number }): (clock: Clock) => boolean {
  return (clock) =>
    (filter.cycle === undefined || clock.cycle === filter.cycle) &&
    (filter.kinds === undefined || filter.kinds.includes(clock.kind)) &&
    (filter.states === undefined || filter.states.includes(clock.state));
}
