import { Injectable } from '@nestjs/common';
import { SATISFACTION_LEVELS } from '@jsjb/contracts';
import { CommitBuffer } from '@jsjb/messaging';
import { sqlStatement, transactionSql, type SqlStatement } from '@jsjb/platform';
import { PrismaService } from '../database/prisma.service';
import { Prisma } from '../generated/prisma/client';
import { UNIT_CLASSES } from '../units/units.domain';
import {
  type Counters,
  EXCLUSION_REASONS,
  type OrderState,
  type Period,
  sumCounters,
  type TicketExclusionReason,
  type WeightSet,
} from './assessment.domain';

export type Tx = Prisma.TransactionClient;

/** An order fact as stored. */
export interface OrderRow {
  readonly assignmentId: string;
  readonly ticketId: string;
  readonly cycle: number;
  readonly unitId: string;
  /** YYYY-MM-DD. */
  readonly day: string;
  readonly state: OrderState;
  readonly callbackAt: Date | null;
}

export interface NewOrder {
  readonly assignmentId: string;
  readonly ticketId: string;
  readonly cycle: number;
  readonly unitId: string;
  readonly dispatchedAt: Date;
}

export interface TicketExclusion {
  readonly ticketId: string;
  readonly reason: TicketExclusionReason;
  readonly note: string;
  readonly decidedBy: string | null;
  readonly decidedAt: Date;
}

export interface ReceivedTicket {
  readonly ticketId: string;
  readonly receivedAt: Date;
  readonly categoryCode: string | null;
  readonly districtCode: string | null;
  readonly streetCode: string | null;
  readonly outcome: 'received' | 'closed-directly' | 'diverted' | 'merged';
}

export interface HotspotRow {
  readonly categoryCode: string;
  readonly districtCode: string;
  readonly streetCode: string;
  readonly current: number;
  readonly previous: number;
}

export interface SummonedFigures {
  readonly unitId: string;
  readonly summoned: number;
  readonly onTime: number;
  readonly late: number;
  readonly absent: number;
}

export interface StreetFigures {
  readonly unitId: string;
  readonly blown: number;
  readonly closed: number;
  readonly resolved: number;
  readonly summoned: number;
  readonly checkedInOnTime: number;
}

export interface RecomputeCounts {
  readonly orders: number;
  readonly unitDays: number;
  readonly tickets: number;
  readonly hotspotDays: number;
}

/** The key columns of a hot-spot row, dropped from its JSON to leave the counter. */
const HOTSPOT_KEY = Prisma.sql`ARRAY['day', 'category_code', 'district_code', 'street_code']`;

/** A stored daily counter row that differs from the recount of its facts (missing rows count as 0). */
export interface CounterMismatch {
  readonly table: 'assessment_unit_day' | 'assessment_hotspot_day';
  /** The row's key: day and unit, or day, category, district and street. */
  readonly key: string;
  readonly stored: Record<string, number>;
  readonly recount: Record<string, number>;
}

/** `verify`'s answer: rows compared, facts whose derived fields are stale, and the differences. */
export interface CounterVerification {
  readonly orders: number;
  readonly unitDays: number;
  readonly tickets: number;
  readonly hotspotDays: number;
  /** Orders whose day is not their dispatch's local day, or of an excluded ticket but not excluded. */
  readonly staleFacts: number;
  readonly mismatches: readonly CounterMismatch[];
}

interface RawOrder {
  assignmentId: string;
  ticketId: string;
  cycle: number;
  unitId: string;
  day: string;
  excludedReason: string | null;
  responseLate: boolean;
  callbackContacted: boolean | null;
  callbackResolved: boolean | null;
  callbackSatisfaction: string | null;
  callbackAt: Date | null;
}

const ORDER_SELECT = `assignment_id AS "assignmentId", ticket_id AS "ticketId", cycle, unit_id AS "unitId",
  day::text AS day, excluded_reason AS "excludedReason", response_late AS "responseLate",
  callback_contacted AS "callbackContacted", callback_resolved AS "callbackResolved",
  callback_satisfaction AS "callbackSatisfaction", callback_at AS "callbackAt"`;
const ORDER_COLUMNS = Prisma.raw(ORDER_SELECT);

/**
 * The statements that run for every ticket go through the driver, in the consumer's transaction
 * (transactionSql): Prisma's query layer costs several times the driver's CPU per statement.
 */
const SQL = {
  lockTicket: sqlStatement('sla.assessment.lock-ticket', 'SELECT pg_advisory_xact_lock(hashtext($1))'),
  insertOrder: sqlStatement(
    'sla.assessment.insert-order',
    `INSERT INTO assessment_order (assignment_id, ticket_id, cycle, unit_id, dispatched_at, day, excluded_reason)
     VALUES ($1, $2::varchar, $3, $4, $5::timestamptz, ($5::timestamptz AT TIME ZONE $6)::date,
       (SELECT reason FROM assessment_ticket_exclusion WHERE ticket_id = $2::varchar))
     ON CONFLICT (assignment_id) DO NOTHING
     RETURNING ${ORDER_SELECT}`,
  ),
  recordTicket: sqlStatement(
    'sla.assessment.record-ticket',
    `INSERT INTO assessment_ticket (ticket_id, received_at, day, category_code, district_code, street_code, outcome)
     VALUES ($1, $2::timestamptz, ($2::timestamptz AT TIME ZONE $3)::date, $4, $5, $6, $7)
     ON CONFLICT (ticket_id) DO NOTHING
     RETURNING day::text AS day`,
  ),
} satisfies Record<string, SqlStatement>;

/** Sums of assessment_unit_day's counters, as `Counters` fields. */
const COUNTER_SUMS = Prisma.sql`sum(orders)::int AS orders, sum(excluded)::int AS excluded,
  sum(assessable)::int AS assessable, sum(on_time)::int AS "onTime", sum(callbacks)::int AS callbacks,
  sum(uncontacted)::int AS uncontacted, sum(resolved)::int AS resolved, sum(satisfied)::int AS satisfied,
  sum(basically_satisfied)::int AS "basicallySatisfied", sum(unsatisfied)::int AS unsatisfied`;

/**
 * assessment_order's contribution to assessment_unit_day, in SQL: the same rule as
 * `contribution` in assessment.domain.ts (a test checks that a recompute gives the maintained counters).
 */
const FACT_COUNTS = Prisma.sql`count(*)::int,
  count(*) FILTER (WHERE excluded_reason IS NOT NULL)::int,
  count(*) FILTER (WHERE excluded_reason IS NULL)::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND NOT response_late)::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND callback_contacted)::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND NOT callback_contacted)::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND callback_contacted AND callback_resolved)::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND callback_contacted AND callback_satisfaction = 'satisfied')::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND callback_contacted AND callback_satisfaction = 'basically-satisfied')::int,
  count(*) FILTER (WHERE excluded_reason IS NULL AND callback_contacted AND callback_satisfaction = 'unsatisfied')::int`;

const UNIT_DAY_COLUMNS = Prisma.sql`day, unit_id, orders, excluded, assessable, on_time, callbacks, uncontacted,
  resolved, satisfied, basically_satisfied, unsatisfied`;

interface UnitDayIncrement {
  day: string;
  unitId: string;
  counters: Counters;
}

interface HotspotIncrement {
  day: string;
  categoryCode: string;
  districtCode: string;
  streetCode: string;
  tickets: number;
}

/**
 * Increments of one counter table in a consumer batch's transaction (a `CommitBuffer`): added up per
 * row and written once at the batch's end, sorted by key, so that concurrent batches lock counter
 * rows in one order and never deadlock. Outside a batch (an HTTP request) a row is written at once.
 */
function deferredCounters<T>(
  table: string,
  keyOf: (row: T) => readonly string[],
  merge: (a: T, b: T) => T,
  write: (tx: Tx, rows: readonly T[]) => Promise<void>,
): CommitBuffer<Tx, T> {
  return new CommitBuffer<Tx, T>(table, (tx, rows) => {
    const summed = new Map<string, T>();
    for (const row of rows) {
      // Joined with NUL, the smallest character: the strings sort as the key tuples do.
      const key = keyOf(row).join('\u0000');
      const before = summed.get(key);
      summed.set(key, before === undefined ? row : merge(before, row));
    }
    return write(
      tx,
      [...summed].sort(byKey).map(([, r]) => r),
    );
  });
}

function byKey<T>([a]: readonly [string, T], [b]: readonly [string, T]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The local date of a timestamp in the city's time zone (the driver's statements above say it so too). */
function localDay(at: Prisma.Sql, timeZone: string): Prisma.Sql {
  return Prisma.sql`(${at} AT TIME ZONE ${timeZone})::date`;
}

/**
 * 考评's tables: order facts (assessment_order), ticket exclusions, daily unit counters, weight sets,
 * tickets and hot-spot counters, whistles and summons. Writes go through the caller's transaction.
 */
@Injectable()
export class AssessmentRepository {
  private readonly unitDays = deferredCounters<UnitDayIncrement>(
    'assessment_unit_day',
    (r) => [r.day, r.unitId],
    (a, b) => ({ ...a, counters: sumCounters([a.counters, b.counters]) }),
    (tx, rows) => this.upsertUnitDays(tx, rows),
  );
  private readonly hotspotDays = deferredCounters<HotspotIncrement>(
    'assessment_hotspot_day',
    (r) => [r.day, r.categoryCode, r.districtCode, r.streetCode],
    (a, b) => ({ ...a, tickets: a.tickets + b.tickets }),
    (tx, rows) => this.upsertHotspotDays(tx, rows),
  );

  constructor(private readonly prisma: PrismaService) {}

  // ---- order facts and counters ----

  /**
   * Serialises the writers of one ticket's orders until the transaction ends: its events come in order
   * on one partition, but a manager's ruling arrives over HTTP.
   */
  async lockTicket(tx: Tx, ticketId: string): Promise<void> {
    await transactionSql(tx).query(SQL.lockTicket, [`jsjb.sla.assessment.${ticketId}`]);
  }

  /** Inserts an order unless its assignment is known; excluded at once when its ticket is. Null when known. */
  async insertOrder(tx: Tx, order: NewOrder, timeZone: string): Promise<OrderRow | null> {
    const [row] = await transactionSql(tx).query<RawOrder>(SQL.insertOrder, [
      order.assignmentId,
      order.ticketId,
      order.cycle,
      order.unitId,
      order.dispatchedAt,
      timeZone,
    ]);
    return row ? toOrderRow(row) : null;
  }

  /** The orders of these assignments, locked until the transaction ends. */
  async lockOrders(tx: Tx, assignmentIds: readonly string[]): Promise<OrderRow[]> {
    if (assignmentIds.length === 0) return [];
    const rows = await tx.$queryRaw<RawOrder[]>`
      SELECT ${ORDER_COLUMNS} FROM assessment_order
      WHERE assignment_id IN (${Prisma.join(assignmentIds)}) ORDER BY assignment_id FOR UPDATE`;
    return rows.map(toOrderRow);
  }

  /** Every order of a ticket, locked. */
  async lockTicketOrders(tx: Tx, ticketId: string): Promise<OrderRow[]> {
    const rows = await tx.$queryRaw<RawOrder[]>`
      SELECT ${ORDER_COLUMNS} FROM assessment_order WHERE ticket_id = ${ticketId} ORDER BY assignment_id FOR UPDATE`;
    return rows.map(toOrderRow);
  }

  /** The orders of a ticket cycle, latest dispatch first, locked. */
  async lockCycleOrders(tx: Tx, ticketId: string, cycle: number): Promise<OrderRow[]> {
    const rows = await tx.$queryRaw<RawOrder[]>`
      SELECT ${ORDER_COLUMNS} FROM assessment_order WHERE ticket_id = ${ticketId} AND cycle = ${cycle}
      ORDER BY dispatched_at DESC, assignment_id DESC FOR UPDATE`;
    return rows.map(toOrderRow);
  }

  async saveOrder(tx: Tx, assignmentId: string, state: OrderState, callbackAt: Date | null): Promise<void> {
    const cb = state.callback;
    await tx.$executeRaw`
      UPDATE assessment_order SET excluded_reason = ${state.excludedReason}, response_late = ${state.responseLate},
        callback_contacted = ${cb?.contacted ?? null}, callback_resolved = ${cb?.resolved ?? null},
        callback_satisfaction = ${cb?.satisfaction ?? null}, callback_at = ${callbackAt}::timestamptz
      WHERE assignment_id = ${assignmentId}`;
  }

  /**
   * Adds a difference to a unit's counters of a day (row-locked: concurrent additions add up). In a
   * consumer batch it is added up with the batch's others and written at the batch's end.
   */
  async addToUnitDay(tx: Tx, unitId: string, day: string, d: Counters): Promise<void> {
    await this.unitDays.add(tx, { day, unitId, counters: d });
  }

  /** One upsert of many unit-days, in the order given. */
  private async upsertUnitDays(tx: Tx, rows: readonly UnitDayIncrement[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map(
      ({ day, unitId, counters: d }) =>
        Prisma.sql`(${day}::date, ${unitId}, ${d.orders}::int, ${d.excluded}::int, ${d.assessable}::int, ${d.onTime}::int,
          ${d.callbacks}::int, ${d.uncontacted}::int, ${d.resolved}::int, ${d.satisfied}::int,
          ${d.basicallySatisfied}::int, ${d.unsatisfied}::int)`,
    );
    await tx.$executeRaw`
      INSERT INTO assessment_unit_day (${UNIT_DAY_COLUMNS})
      VALUES ${Prisma.join(values)}
      ON CONFLICT (day, unit_id) DO UPDATE SET
        orders = assessment_unit_day.orders + EXCLUDED.orders,
        excluded = assessment_unit_day.excluded + EXCLUDED.excluded,
        assessable = assessment_unit_day.assessable + EXCLUDED.assessable,
        on_time = assessment_unit_day.on_time + EXCLUDED.on_time,
        callbacks = assessment_unit_day.callbacks + EXCLUDED.callbacks,
        uncontacted = assessment_unit_day.uncontacted + EXCLUDED.uncontacted,
        resolved = assessment_unit_day.resolved + EXCLUDED.resolved,
        satisfied = assessment_unit_day.satisfied + EXCLUDED.satisfied,
        basically_satisfied = assessment_unit_day.basically_satisfied + EXCLUDED.basically_satisfied,
        unsatisfied = assessment_unit_day.unsatisfied + EXCLUDED.unsatisfied`;
  }

  async ticketExclusion(tx: Tx, ticketId: string): Promise<TicketExclusion | null> {
    const row = await tx.assessmentTicketExclusion.findUnique({ where: { ticketId } });
    return row
      ? { ...row, reason: oneOf(['merged', 'malicious', 'unreasonable'] as const, row.reason) }
      : null;
  }

  /** Records a ticket's exclusion unless one is recorded; returns the one in force. */
  async addTicketExclusion(tx: Tx, exclusion: TicketExclusion): Promise<TicketExclusion> {
    await tx.assessmentTicketExclusion.createMany({ data: [exclusion], skipDuplicates: true });
    const stored = await this.ticketExclusion(tx, exclusion.ticketId);
    if (!stored) throw new Error(`the exclusion of ticket ${exclusion.ticketId} was not stored`);
    return stored;
  }

  // ---- hot spots ----

  /** Records a ticket once (its first outcome at intake) and counts it in its category × area × day. */
  async recordTicket(tx: Tx, t: ReceivedTicket, timeZone: string): Promise<boolean> {
    const inserted = await transactionSql(tx).query<{ day: string }>(SQL.recordTicket, [
      t.ticketId,
      t.receivedAt,
      timeZone,
      t.categoryCode,
      t.districtCode,
      t.streetCode,
      t.outcome,
    ]);
    const day = inserted[0]?.day;
    if (day === undefined) return false;
    await this.hotspotDays.add(tx, {
      day,
      categoryCode: t.categoryCode ?? '',
      districtCode: t.districtCode ?? '',
      streetCode: t.streetCode ?? '',
      tickets: 1,
    });
    return true;
  }

  /** One upsert of many hot-spot days, in the order given. */
  private async upsertHotspotDays(tx: Tx, rows: readonly HotspotIncrement[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map(
      (r) =>
        Prisma.sql`(${r.day}::date, ${r.categoryCode}, ${r.districtCode}, ${r.streetCode}, ${r.tickets}::int)`,
    );
    await tx.$executeRaw`
      INSERT INTO assessment_hotspot_day (day, category_code, district_code, street_code, tickets)
      VALUES ${Prisma.join(values)}
      ON CONFLICT (day, category_code, district_code, street_code)
      DO UPDATE SET tickets = assessment_hotspot_day.tickets + EXCLUDED.tickets`;
  }

  // ---- 吹哨报到 ----

  async recordWhistle(
    tx: Tx,
    w: { whistleId: string; streetUnitId: string; ticketId: string | null; blownAt: Date },
    summoned: readonly { unitId: string; dueAt: Date }[],
    timeZone: string,
  ): Promise<void> {
    const at = Prisma.sql`${w.blownAt}::timestamptz`;
    await tx.$executeRaw`
      INSERT INTO assessment_whistle (whistle_id, street_unit_id, ticket_id, blown_at, day)
      VALUES (${w.whistleId}, ${w.streetUnitId}, ${w.ticketId}, ${at}, ${localDay(at, timeZone)})
      ON CONFLICT (whistle_id) DO NOTHING`;
    for (const s of summoned) {
      await tx.$executeRaw`
        INSERT INTO assessment_whistle_summons (whistle_id, unit_id, due_at) VALUES (${w.whistleId}, ${s.unitId}, ${s.dueAt}::timestamptz)
        ON CONFLICT (whistle_id, unit_id) DO UPDATE SET due_at = EXCLUDED.due_at`;
    }
  }

  /** The first check-in of a summoned unit counts. */
  async recordCheckIn(
    tx: Tx,
    c: { whistleId: string; unitId: string; dueAt: Date; checkedInAt: Date; late: boolean },
  ): Promise<void> {
    await tx.$executeRaw`
      INSERT INTO assessment_whistle_summons (whistle_id, unit_id, due_at, checked_in_at, late)
      VALUES (${c.whistleId}, ${c.unitId}, ${c.dueAt}::timestamptz, ${c.checkedInAt}::timestamptz, ${c.late})
      ON CONFLICT (whistle_id, unit_id) DO UPDATE SET checked_in_at = EXCLUDED.checked_in_at, late = EXCLUDED.late
      WHERE assessment_whistle_summons.checked_in_at IS NULL`;
  }

  async recordWhistleClosed(
    tx: Tx,
    c: { whistleId: string; resolved: boolean; closedAt: Date; absentUnitIds: readonly string[] },
  ): Promise<void> {
    await tx.$executeRaw`
      UPDATE assessment_whistle SET closed_at = ${c.closedAt}::timestamptz, resolved = ${c.resolved}
      WHERE whistle_id = ${c.whistleId}`;
    for (const unitId of c.absentUnitIds) {
      await tx.$executeRaw`
        INSERT INTO assessment_whistle_summons (whistle_id, unit_id, absent) VALUES (${c.whistleId}, ${unitId}, true)
        ON CONFLICT (whistle_id, unit_id) DO UPDATE SET absent = true
        WHERE assessment_whistle_summons.checked_in_at IS NULL`;
    }
  }

  // ---- weight sets ----

  async weightSets(): Promise<WeightSet[]> {
    const rows = await this.prisma.assessmentWeightSet.findMany({
      orderBy: [{ version: 'asc' }, { unitClass: 'asc' }],
    });
    return rows.map((r) => ({
      version: r.version,
      unitClass: oneOf(UNIT_CLASSES, r.unitClass),
      effectiveFrom: r.effectiveFrom.toISOString().slice(0, 10),
      response: r.response.toNumber(),
      resolution: r.resolution.toNumber(),
      satisfaction: r.satisfaction.toNumber(),
      basicSatisfiedWeight: r.basicSatisfiedWeight.toNumber(),
    }));
  }

  /** Adds a version (the next number) of the given classes' weights; returns its number. */
  async addWeightSets(
    sets: readonly Omit<WeightSet, 'version'>[],
    note: string,
    createdBy: string,
    now: Date,
  ): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtext('jsjb.sla.assessment.weights'))`);
      const latest = await tx.assessmentWeightSet.aggregate({ _max: { version: true } });
      const version = (latest._max.version ?? 0) + 1;
      await tx.assessmentWeightSet.createMany({
        data: sets.map((s) => ({
          version,
          unitClass: s.unitClass,
          effectiveFrom: new Date(`${s.effectiveFrom}T00:00:00Z`),
          response: s.response,
          resolution: s.resolution,
          satisfaction: s.satisfaction,
          basicSatisfiedWeight: s.basicSatisfiedWeight,
          note,
          createdBy,
          createdAt: now,
        })),
      });
      return version;
    });
  }

  // ---- figures ----

  /** Each unit's counters summed over a period (units with no counter row are absent). */
  async unitTotals(period: Period): Promise<{ unitId: string; counters: Counters }[]> {
    const rows = await this.prisma.$queryRaw<({ unitId: string } & Counters)[]>`
      SELECT unit_id AS "unitId", ${COUNTER_SUMS} FROM assessment_unit_day
      WHERE day BETWEEN ${period.from}::date AND ${period.to}::date GROUP BY unit_id`;
    return rows.map(({ unitId, ...counters }) => ({ unitId, counters }));
  }

  /** The counters of some units summed per month or per day of a period. */
  async series(
    unitIds: readonly string[],
    period: Period,
    granularity: 'month' | 'day',
  ): Promise<{ bucket: string; counters: Counters }[]> {
    if (unitIds.length === 0) return [];
    const bucket =
      granularity === 'month' ? Prisma.sql`to_char(day, 'YYYY-MM')` : Prisma.sql`to_char(day, 'YYYY-MM-DD')`;
    const rows = await this.prisma.$queryRaw<({ bucket: string } & Counters)[]>`
      SELECT ${bucket} AS bucket, ${COUNTER_SUMS} FROM assessment_unit_day
      WHERE unit_id IN (${Prisma.join(unitIds)}) AND day BETWEEN ${period.from}::date AND ${period.to}::date
      GROUP BY 1 ORDER BY 1`;
    return rows.map(({ bucket: b, ...counters }) => ({ bucket: b, counters }));
  }

  /**
   * Tickets per category × area in a period and the period before, the largest first. `level`
   * street groups by street (within its district), district by district.
   */
  async hotspots(
    current: Period,
    previous: Period,
    level: 'district' | 'street',
    districtCode: string | null,
    limit: number,
  ): Promise<HotspotRow[]> {
    const street = level === 'street' ? Prisma.sql`street_code` : Prisma.sql`''`;
    const scope = districtCode === null ? Prisma.empty : Prisma.sql`AND district_code = ${districtCode}`;
    const from = previous.from < current.from ? previous.from : current.from;
    return this.prisma.$queryRaw<HotspotRow[]>`
      SELECT category_code AS "categoryCode", district_code AS "districtCode", ${street} AS "streetCode",
        (sum(tickets) FILTER (WHERE day BETWEEN ${current.from}::date AND ${current.to}::date))::int AS current,
        coalesce(sum(tickets) FILTER (WHERE day BETWEEN ${previous.from}::date AND ${previous.to}::date), 0)::int AS previous
      FROM assessment_hotspot_day
      WHERE day BETWEEN ${from}::date AND ${current.to}::date ${scope}
      GROUP BY 1, 2, 3
      HAVING sum(tickets) FILTER (WHERE day BETWEEN ${current.from}::date AND ${current.to}::date) > 0
      ORDER BY current DESC, 1, 2, 3
      LIMIT ${limit}`;
  }

  /** 双考核 of summoned units: whistles blown in the period. */
  async summonedFigures(period: Period): Promise<SummonedFigures[]> {
    return this.prisma.$queryRaw<SummonedFigures[]>`
      SELECT s.unit_id AS "unitId", count(*)::int AS summoned,
        count(*) FILTER (WHERE s.checked_in_at IS NOT NULL AND NOT s.late)::int AS "onTime",
        count(*) FILTER (WHERE s.checked_in_at IS NOT NULL AND s.late)::int AS late,
        count(*) FILTER (WHERE s.checked_in_at IS NULL AND s.absent)::int AS absent
      FROM assessment_whistle_summons s JOIN assessment_whistle w USING (whistle_id)
      WHERE w.day BETWEEN ${period.from}::date AND ${period.to}::date
      GROUP BY s.unit_id ORDER BY s.unit_id`;
  }

  /** 双考核 of streets: whistles they blew in the period, and how they ended. */
  async streetFigures(period: Period): Promise<StreetFigures[]> {
    return this.prisma.$queryRaw<StreetFigures[]>`
      SELECT w.street_unit_id AS "unitId", count(*)::int AS blown,
        count(*) FILTER (WHERE w.closed_at IS NOT NULL)::int AS closed,
        count(*) FILTER (WHERE w.resolved)::int AS resolved,
        coalesce(sum(s.summoned), 0)::int AS summoned, coalesce(sum(s.on_time), 0)::int AS "checkedInOnTime"
      FROM assessment_whistle w
      LEFT JOIN (
        SELECT whistle_id, count(*) AS summoned,
          count(*) FILTER (WHERE checked_in_at IS NOT NULL AND NOT late) AS on_time
        FROM assessment_whistle_summons GROUP BY whistle_id
      ) s USING (whistle_id)
      WHERE w.day BETWEEN ${period.from}::date AND ${period.to}::date
      GROUP BY w.street_unit_id ORDER BY w.street_unit_id`;
  }

  // ---- recompute ----

  /**
   * Rebuilds the daily counters (units and hot spots) from the facts, from `fromDay` on (everything
   * when null), with the time zone in force: facts' days are recomputed, ticket exclusions re-applied.
   * Writers of facts wait meanwhile (SHARE locks), so the counters match the facts when it commits.
   */
  /**
   * Compares the maintained daily counters with a recount from the facts, writing nothing: what
   * `recompute` would change. Reads one snapshot (REPEATABLE READ), so writers may keep running.
   */
  async verify(timeZone: string): Promise<CounterVerification> {
    const counterNames = [
      'orders',
      'excluded',
      'assessable',
      'on_time',
      'callbacks',
      'uncontacted',
      'resolved',
      'satisfied',
      'basically_satisfied',
      'unsatisfied',
    ] as const;
    type Row = { key: string; stored: Record<string, number> | null; recount: Record<string, number> | null };
    const compare = (table: CounterMismatch['table'], rows: Row[], names: readonly string[]) =>
      rows.flatMap((row): CounterMismatch[] => {
        const zeros = Object.fromEntries(names.map((n) => [n, 0]));
        const stored = { ...zeros, ...(row.stored ?? {}) };
        const recount = { ...zeros, ...(row.recount ?? {}) };
        return names.every((n) => stored[n] === recount[n]) ? [] : [{ table, key: row.key, stored, recount }];
      });
    return this.prisma.$transaction(
      async (tx) => {
        const unitRows = await tx.$queryRaw<Row[]>`
          WITH recount (day, unit_id, ${Prisma.raw(counterNames.join(', '))}) AS (
            SELECT day, unit_id, ${FACT_COUNTS} FROM assessment_order GROUP BY day, unit_id)
          SELECT coalesce(s.day, r.day)::text || ' ' || coalesce(s.unit_id, r.unit_id) AS key,
            to_jsonb(s) - 'day' - 'unit_id' AS stored, to_jsonb(r) - 'day' - 'unit_id' AS recount
          FROM assessment_unit_day s FULL JOIN recount r ON s.day = r.day AND s.unit_id = r.unit_id
          ORDER BY 1`;
        const hotspotRows = await tx.$queryRaw<Row[]>`
          WITH recount AS (
            SELECT day, coalesce(category_code, '') AS category_code, coalesce(district_code, '') AS district_code,
              coalesce(street_code, '') AS street_code, count(*)::int AS tickets
            FROM assessment_ticket GROUP BY 1, 2, 3, 4)
          SELECT concat_ws(' ', coalesce(s.day, r.day)::text, coalesce(s.category_code, r.category_code),
              coalesce(s.district_code, r.district_code), coalesce(s.street_code, r.street_code)) AS key,
            to_jsonb(s) - ${HOTSPOT_KEY} AS stored, to_jsonb(r) - ${HOTSPOT_KEY} AS recount
          FROM assessment_hotspot_day s FULL JOIN recount r
            ON s.day = r.day AND s.category_code = r.category_code AND s.district_code = r.district_code
              AND s.street_code = r.street_code
          ORDER BY 1`;
        const [facts] = await tx.$queryRaw<{ orders: number; tickets: number; stale: number }[]>`
          SELECT (SELECT count(*)::int FROM assessment_order) AS orders,
            (SELECT count(*)::int FROM assessment_ticket) AS tickets,
            (SELECT count(*)::int FROM assessment_order o
              WHERE o.day <> ${localDay(Prisma.sql`o.dispatched_at`, timeZone)}
                OR (o.excluded_reason IS NULL
                  AND EXISTS (SELECT 1 FROM assessment_ticket_exclusion e WHERE e.ticket_id = o.ticket_id)))
            + (SELECT count(*)::int FROM assessment_ticket t
              WHERE t.day <> ${localDay(Prisma.sql`t.received_at`, timeZone)}) AS stale`;
        return {
          orders: facts?.orders ?? 0,
          unitDays: unitRows.length,
          tickets: facts?.tickets ?? 0,
          hotspotDays: hotspotRows.length,
          staleFacts: facts?.stale ?? 0,
          mismatches: [
            ...compare('assessment_unit_day', unitRows, counterNames),
            ...compare('assessment_hotspot_day', hotspotRows, ['tickets']),
          ],
        };
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 600_000 },
    );
  }

  async recompute(fromDay: string | null, timeZone: string): Promise<RecomputeCounts> {
    const from = fromDay ?? '0001-01-01';
    const start = Prisma.sql`(${from}::timestamp AT TIME ZONE ${timeZone})`;
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(
          'LOCK TABLE assessment_order, assessment_ticket_exclusion, assessment_ticket, assessment_whistle IN SHARE MODE',
        );
        await tx.$executeRaw`
          UPDATE assessment_order SET day = ${localDay(Prisma.sql`dispatched_at`, timeZone)}
          WHERE dispatched_at >= ${start} AND day <> ${localDay(Prisma.sql`dispatched_at`, timeZone)}`;
        await tx.$executeRaw`
          UPDATE assessment_order o SET excluded_reason = e.reason FROM assessment_ticket_exclusion e
          WHERE o.ticket_id = e.ticket_id AND o.excluded_reason IS NULL AND o.day >= ${from}::date`;
        await tx.$executeRaw`DELETE FROM assessment_unit_day WHERE day >= ${from}::date`;
        const unitDays = await tx.$executeRaw`
          INSERT INTO assessment_unit_day (${UNIT_DAY_COLUMNS})
          SELECT day, unit_id, ${FACT_COUNTS} FROM assessment_order WHERE day >= ${from}::date GROUP BY day, unit_id`;
        const [orders] = await tx.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM assessment_order WHERE day >= ${from}::date`;

        await tx.$executeRaw`
          UPDATE assessment_ticket SET day = ${localDay(Prisma.sql`received_at`, timeZone)}
          WHERE received_at >= ${start} AND day <> ${localDay(Prisma.sql`received_at`, timeZone)}`;
        await tx.$executeRaw`
          UPDATE assessment_whistle SET day = ${localDay(Prisma.sql`blown_at`, timeZone)}
          WHERE blown_at >= ${start} AND day <> ${localDay(Prisma.sql`blown_at`, timeZone)}`;
        await tx.$executeRaw`DELETE FROM assessment_hotspot_day WHERE day >= ${from}::date`;
        const hotspotDays = await tx.$executeRaw`
          INSERT INTO assessment_hotspot_day (day, category_code, district_code, street_code, tickets)
          SELECT day, coalesce(category_code, ''), coalesce(district_code, ''), coalesce(street_code, ''), count(*)
          FROM assessment_ticket WHERE day >= ${from}::date GROUP BY 1, 2, 3, 4`;
        const [tickets] = await tx.$queryRaw<{ n: number }[]>`
          SELECT count(*)::int AS n FROM assessment_ticket WHERE day >= ${from}::date`;
        return { orders: orders?.n ?? 0, unitDays, tickets: tickets?.n ?? 0, hotspotDays };
      },
      { timeout: 3_600_000, maxWait: 60_000 },
    );
  }
}

function toOrderRow(r: RawOrder): OrderRow {
  const callback =
    r.callbackContacted === null
      ? null
      : {
          contacted: r.callbackContacted,
          resolved: r.callbackResolved,
          satisfaction:
            r.callbackSatisfaction === null ? null : oneOf(SATISFACTION_LEVELS, r.callbackSatisfaction),
        };
  return {
    assignmentId: r.assignmentId,
    ticketId: r.ticketId,
    cycle: r.cycle,
    unitId: r.unitId,
    day: r.day,
    state: {
      excludedReason: r.excludedReason === null ? null : oneOf(EXCLUSION_REASONS, r.excludedReason),
      responseLate: r.responseLate,
      callback,
    },
    callbackAt: r.callbackAt,
  };
}

/** Stored values were written from validated input: anything else is a bug or tampering. */
function oneOf<T extends string>(values: readonly T[], value: string): T {
  if ((values as readonly string[]).includes(value)) return value as T;
  throw new Error(`a stored assessment value (${value}) is not one of ${values.join(', ')}`);
}
