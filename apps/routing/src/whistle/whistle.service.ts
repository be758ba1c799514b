import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EventType } from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import {
  Clock,
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  PLATFORM_CONFIG,
  type Principal,
  UnprocessableError,
  ValidationError,
} from '@jsjb/platform';
import type { RoutingConfig } from '../config';
import { ReferenceStore } from '../reference/reference-data';
import {
  absentUnitIds,
  assess,
  type CheckInLimits,
  checkInRefusal,
  closeRefusal,
  isLate,
  isOverdue,
  mayBlow,
  summonIssue,
  summonsDueAt,
  summonsState,
} from './whistle.domain';
import type { AssessmentQuery, BlowBody, CheckInBody, CloseBody, ListQuery } from './whistle.dto';
import { type Tx, type WhistleRow, WhistleRepository } from './whistle.repository';

const DAY = 86_400_000;
/** An assignment 改派'd away no longer makes its unit a holder of the ticket. */
const GONE_STATUSES: ReadonlySet<string> = new Set(['reassigned']);

/**
 * 街道吹哨·部门报到: a street blows the whistle, the summoned units check in on site within their
 * limit, the street closes it; every step is written with its event in one transaction, and the
 * records feed 双考核 (both the street and the summoned units are assessed).
 */
@Injectable()
export class WhistleService {
  private readonly limits: CheckInLimits;

  constructor(
    private readonly repository: WhistleRepository,
    private readonly reference: ReferenceStore,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) config: RoutingConfig,
  ) {
    this.limits = {
      urgentMinutes: config.WHISTLE_URGENT_CHECK_IN_MINUTES,
      normalHours: config.WHISTLE_NORMAL_CHECK_IN_HOURS,
    };
  }

  /** 吹哨 */
  async blow(principal: Principal, body: BlowBody) {
    const { directory } = this.reference.current();
    const street = principal.unitId === null ? undefined : directory.unit(principal.unitId);
    if (street?.kind !== 'street' || !mayBlow(street.kind)) {
      throw new ForbiddenError('WHISTLE.STREET_ONLY', 'Only a street (街道/乡镇) blows the whistle.');
    }
    const issues: FieldError[] = [];
    body.summon.forEach((unitId, i) => {
      const issue = summonIssue(directory.unit(unitId)?.kind);
      if (issue) {
        issues.push({
          field: `summon.${i}`,
          code: issue,
          message:
            issue === 'unknown_unit'
              ? `no unit ${unitId}`
              : `${unitId} is a street: streets are not summoned`,
        });
      }
    });
    if (issues.length > 0) {
      throw new UnprocessableError(
        'WHISTLE.SUMMON_INVALID',
        'Some summoned units cannot be summoned.',
        issues,
      );
    }
    const now = this.clock.now();
    const ticketId = body.ticketId ?? null;
    const location = {
      districtCode: body.location?.districtCode ?? street.districtCode,
      streetCode: body.location?.streetCode ?? street.streetCode,
      communityCode: body.location?.communityCode ?? null,
      address: body.location?.address ?? null,
      lng: body.location?.lng ?? null,
      lat: body.location?.lat ?? null,
    };
    const summons = body.summon.map((unitId) => ({
      unitId,
      dueAt: summonsDueAt(now, body.urgency, this.limits),
    }));
    const id = randomUUID();
    return this.repository.transaction(async (tx) => {
      if (ticketId !== null) await this.requireHolder(tx, ticketId, street.id);
      await this.repository.create(tx, {
        id,
        streetUnitId: street.id,
        ticketId,
        urgency: body.urgency,
        description: body.description,
        location,
        blownBy: principal.subject,
        blownAt: now,
        summons,
      });
      await this.emit(tx, 'whistle.blown.v1', id, now, {
        whistleId: id,
        streetUnitId: street.id,
        ticketId,
        urgency: body.urgency,
        description: body.description,
        location,
        summoned: summons.map((s) => ({ unitId: s.unitId, dueAt: s.dueAt.toISOString() })),
        staffId: principal.subject,
        blownAt: now.toISOString(),
      });
      const created = await this.repository.find(id, tx);
      if (!created) throw new Error(`whistle ${id} vanished inside its own transaction`);
      return this.view(created, now);
    });
  }

  /** 报到 — a summoned unit checks in on site; late is recorded, not refused. */
  async checkIn(principal: Principal, whistleId: string, body: CheckInBody) {
    return this.repository.transaction(async (tx) => {
      const whistle = this.visible(principal, await this.repository.lock(tx, whistleId), whistleId);
      const summons = whistle.summons.find((s) => s.unitId === principal.unitId);
      const refusal = checkInRefusal(whistle.status, summons);
      if (refusal === 'WHISTLE.NOT_SUMMONED' || !summons) {
        throw new ForbiddenError(
          'WHISTLE.NOT_SUMMONED',
          `Your unit was not summoned to whistle ${whistleId}.`,
        );
      }
      if (refusal === 'WHISTLE.ALREADY_CHECKED_IN') {
        throw new ConflictError(refusal, `${summons.unitId} already checked in to whistle ${whistleId}.`);
      }
      if (refusal === 'WHISTLE.CLOSED') {
        throw new ConflictError(refusal, `Whistle ${whistleId} is closed.`);
      }
      const now = this.clock.now();
      const late = isLate(now, summons.dueAt);
      await this.repository.checkIn(tx, whistle.id, summons.unitId, {
        checkedInAt: now,
        checkedInBy: principal.subject,
        place: body.place,
      });
      await this.emit(tx, 'whistle.checked-in.v1', whistle.id, now, {
        whistleId: whistle.id,
        ticketId: whistle.ticketId,
        unitId: summons.unitId,
        dueAt: summons.dueAt.toISOString(),
        checkedInAt: now.toISOString(),
        late,
        place: body.place,
        staffId: principal.subject,
      });
      return this.summonsView(
        whistle,
        { ...summons, checkedInAt: now, checkedInBy: principal.subject, place: body.place },
        now,
      );
    });
  }

  /** The street closes its whistle with the outcome; units that never checked in are absent. */
  async close(principal: Principal, whistleId: string, body: CloseBody) {
    return this.repository.transaction(async (tx) => {
      const whistle = this.visible(principal, await this.repository.lock(tx, whistleId), whistleId);
      const refusal = closeRefusal(whistle, principal.unitId);
      if (refusal === 'WHISTLE.NOT_YOURS') {
        throw new ForbiddenError(
          refusal,
          `Only ${whistle.streetUnitId}, which blew it, closes this whistle.`,
        );
      }
      if (refusal === 'WHISTLE.CLOSED') throw new ConflictError(refusal, `Whistle ${whistleId} is closed.`);
      const now = this.clock.now();
      const absent = absentUnitIds(whistle.summons);
      await this.repository.close(tx, whistle.id, {
        resolved: body.resolved,
        summary: body.summary,
        closedBy: principal.subject,
        closedAt: now,
      });
      await this.emit(tx, 'whistle.closed.v1', whistle.id, now, {
        whistleId: whistle.id,
        ticketId: whistle.ticketId,
        streetUnitId: whistle.streetUnitId,
        resolved: body.resolved,
        summary: body.summary,
        absentUnitIds: absent,
        staffId: principal.subject,
        closedAt: now.toISOString(),
      });
      return this.view(
        {
          ...whistle,
          status: 'closed',
          resolved: body.resolved,
          summary: body.summary,
          closedBy: principal.subject,
          closedAt: now,
        },
        now,
      );
    });
  }

  // ── reads ──────────────────────────────────────────────────────────────────

  /** A street sees the whistles it blew, a summoned unit those it is summoned to; the center sees all. */
  async list(principal: Principal, query: ListQuery) {
    if (principal.role === 'unit_staff' && query.unitId !== undefined && query.unitId !== principal.unitId) {
      throw new ForbiddenError('UNIT.NOT_YOURS', `You do not act for unit ${query.unitId}.`);
    }
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    requireOrdered(from, to);
    const { total, rows } = await this.repository.list({
      status: query.status,
      from,
      to,
      unitId: principal.role === 'unit_staff' ? (principal.unitId ?? '') : query.unitId,
      ticketId: query.ticketId,
      skip: (query.page - 1) * query.pageSize,
      take: query.pageSize,
    });
    const now = this.clock.now();
    return { page: query.page, pageSize: query.pageSize, total, items: rows.map((w) => this.view(w, now)) };
  }

  async detail(principal: Principal, whistleId: string) {
    const whistle = this.visible(principal, await this.repository.find(whistleId), whistleId);
    return this.view(whistle, this.clock.now());
  }

  /** 双考核 over the whistles blown in [from, to): each summoned unit's check-ins, each street's whistles. */
  async assessment(query: AssessmentQuery) {
    const to = query.to ? new Date(query.to) : this.clock.now();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY);
    requireOrdered(from, to);
    const { summonedUnits, streets } = assess(await this.repository.forAssessment(from, to));
    const { directory } = this.reference.current();
    const named = <T extends { unitId: string }>(record: T) => {
      const unit = directory.unit(record.unitId);
      return { ...record, name: unit?.name ?? null, kind: unit?.kind ?? null };
    };
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      summonedUnits: summonedUnits.map(named),
      streets: streets.map(named),
    };
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  /** With a ticket, the street must hold it: a lead (主办) or co-handling (协办) assignment not 改派'd away. */
  private async requireHolder(tx: Tx, ticketId: string, streetUnitId: string): Promise<void> {
    if (!(await this.repository.ticketExists(tx, ticketId))) {
      throw new NotFoundError('TICKET.NOT_FOUND', `No ticket ${ticketId}.`);
    }
    const held = (await this.repository.unitAssignments(tx, ticketId, streetUnitId)).some(
      (a) => (a.role === 'lead' || a.role === 'co') && !GONE_STATUSES.has(a.status),
    );
    if (!held) {
      throw new ForbiddenError(
        'WHISTLE.TICKET_NOT_HELD',
        `${streetUnitId} holds no lead or co-handling assignment on ticket ${ticketId}.`,
      );
    }
  }

  /** Unit staff see the whistles their unit blew or is summoned to; others are reported as missing. */
  private visible(principal: Principal, whistle: WhistleRow | undefined, whistleId: string): WhistleRow {
    const mine =
      principal.role !== 'unit_staff' ||
      (whistle !== undefined &&
        (whistle.streetUnitId === principal.unitId ||
          whistle.summons.some((s) => s.unitId === principal.unitId)));
    if (!whistle || !mine) throw new NotFoundError('WHISTLE.NOT_FOUND', `No whistle ${whistleId}.`);
    return whistle;
  }

  private view(whistle: WhistleRow, now: Date) {
    const { directory } = this.reference.current();
    return {
      id: whistle.id,
      streetUnitId: whistle.streetUnitId,
      streetName: directory.unit(whistle.streetUnitId)?.name ?? null,
      ticketId: whistle.ticketId,
      urgency: whistle.urgency,
      description: whistle.description,
      location: whistle.location,
      status: whistle.status,
      blownBy: whistle.blownBy,
      blownAt: whistle.blownAt,
      resolved: whistle.resolved,
      summary: whistle.summary,
      closedBy: whistle.closedBy,
      closedAt: whistle.closedAt,
      summons: whistle.summons.map((s) => this.summonsView(whistle, s, now)),
    };
  }

  private summonsView(whistle: WhistleRow, summons: WhistleRow['summons'][number], now: Date) {
    return {
      whistleId: whistle.id,
      unitId: summons.unitId,
      unitName: this.reference.current().directory.unit(summons.unitId)?.name ?? null,
      dueAt: summons.dueAt,
      checkedInAt: summons.checkedInAt,
      checkedInBy: summons.checkedInBy,
      place: summons.place,
      /** null until checked in. */
      late: summons.checkedInAt === null ? null : isLate(summons.checkedInAt, summons.dueAt),
      state: summonsState(summons, whistle.status),
      overdue: isOverdue(summons, whistle.status, now),
    };
  }

  private async emit(tx: Tx, type: EventType, whistleId: string, time: Date, data: unknown): Promise<void> {
    await this.outbox.add(tx, { type, subject: whistleId, data, time });
  }
}

function requireOrdered(from: Date | undefined, to: Date | undefined): void {
  if (from && to && to.getTime() <= from.getTime()) {
    throw new ValidationError([{ field: 'to', code: 'too_small', message: 'must be after from' }]);
  }
}
