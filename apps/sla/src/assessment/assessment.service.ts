import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  DisputeDecidedV1,
  SlaBreachedV1,
  TicketDispatchedV1,
  TicketMergedV1,
  TicketRatedV1,
  TicketRedispatchedV1,
  WhistleBlownV1,
  WhistleCheckedInV1,
  WhistleClosedV1,
} from '@jsjb/contracts';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { SlaConfig } from '../config';
import {
  difference,
  exclude,
  type ExclusionReason,
  isZero,
  type OrderState,
  sameState,
} from './assessment.domain';
import {
  AssessmentRepository,
  type OrderRow,
  type ReceivedTicket,
  type TicketExclusion,
  type Tx,
} from './assessment.repository';

/**
 * Keeps the order facts and the daily counters from the events, in the consumer's transaction. Each
 * change to a fact adds the difference it makes to its unit's day, so replaying an event that changes
 * nothing adds nothing (and the inbox skips redeliveries anyway).
 */
@Injectable()
export class AssessmentRecorder {
  private readonly logger = new Logger(AssessmentRecorder.name);
  private readonly timeZone: string;

  constructor(
    private readonly repository: AssessmentRepository,
    @Inject(PLATFORM_CONFIG) config: SlaConfig,
  ) {
    this.timeZone = config.SLA_TIME_ZONE;
  }

  /** 派单/改派: each lead assignment is an assessable order of its unit for the ticket's cycle. */
  async dispatched(
    tx: Tx,
    e: Pick<TicketDispatchedV1, 'ticketId' | 'assignments' | 'cycle'>,
    at: string,
  ): Promise<void> {
    await this.repository.lockTicket(tx, e.ticketId);
    for (const a of e.assignments) {
      if (a.role !== 'lead') continue;
      const order = { assignmentId: a.assignmentId, ticketId: e.ticketId, cycle: e.cycle, unitId: a.unitId };
      const row = await this.repository.insertOrder(
        tx,
        { ...order, dispatchedAt: new Date(at) },
        this.timeZone,
      );
      if (row) await this.count(tx, row, null, row.state);
    }
  }

  async redispatched(tx: Tx, e: TicketRedispatchedV1): Promise<void> {
    // The replaced unit's order does not count: its dispute was approved, or the center corrected itself.
    const reason: ExclusionReason = e.reason === 'dispute-approved' ? 'dispute-approved' : 'reassigned';
    const rows = await this.repository.lockOrders(
      tx,
      e.replaced.map((r) => r.assignmentId),
    );
    for (const row of rows) await this.change(tx, row, exclude(row.state, reason));
    await this.dispatched(tx, e, e.redispatchedAt);
  }

  async disputeDecided(tx: Tx, e: DisputeDecidedV1): Promise<void> {
    if (e.decision !== 'approved') return;
    for (const row of await this.repository.lockOrders(tx, [e.assignmentId])) {
      await this.change(tx, row, exclude(row.state, 'dispute-approved'));
    }
  }

  /** 督办 of a unit's response clock: that order was not responded to on time. */
  async breached(tx: Tx, e: SlaBreachedV1): Promise<void> {
    if (e.kind !== 'response' || e.escalation.unitId === null || e.ticketId === null) return;
    const unitId = e.escalation.unitId;
    const rows =
      e.assignmentId !== null
        ? await this.repository.lockOrders(tx, [e.assignmentId])
        : (await this.repository.lockCycleOrders(tx, e.ticketId, e.cycle)).filter((r) => r.unitId === unitId);
    if (rows.length === 0) {
      this.logger.debug(
        `response breach of ${unitId} on ${e.ticketId}: no lead order (a co-handler's clock)`,
      );
    }
    for (const row of rows) await this.change(tx, row, { ...row.state, responseLate: true });
  }

  /** 回访: the answers go to the cycle's current lead order; a later callback replaces an earlier one. */
  async rated(tx: Tx, e: TicketRatedV1): Promise<void> {
    const [lead] = await this.repository.lockCycleOrders(tx, e.ticketId, e.cycle);
    if (!lead) {
      this.logger.warn(`callback of ${e.ticketId} cycle ${e.cycle}: no dispatched order known, not counted`);
      return;
    }
    const ratedAt = new Date(e.ratedAt);
    if (lead.callbackAt !== null && lead.callbackAt > ratedAt) return;
    const callback = { contacted: e.contacted, resolved: e.resolved, satisfaction: e.satisfaction };
    await this.change(tx, lead, { ...lead.state, callback }, ratedAt);
  }

  /** Excludes every order of a ticket (并单, or a manager's ruling); returns the exclusion in force. */
  async excludeTicket(
    tx: Tx,
    exclusion: TicketExclusion,
  ): Promise<{ exclusion: TicketExclusion; orders: number }> {
    await this.repository.lockTicket(tx, exclusion.ticketId);
    const stored = await this.repository.addTicketExclusion(tx, exclusion);
    const rows = await this.repository.lockTicketOrders(tx, exclusion.ticketId);
    for (const row of rows) await this.change(tx, row, exclude(row.state, stored.reason));
    return { exclusion: stored, orders: rows.length };
  }

  async merged(tx: Tx, e: TicketMergedV1): Promise<void> {
    await this.excludeTicket(tx, {
      ticketId: e.ticketId,
      reason: 'merged',
      note: `并入 ${e.masterNumber}`,
      decidedBy: null,
      decidedAt: new Date(e.mergedAt),
    });
    await this.ticket(tx, { ...e, streetCode: null, outcome: 'merged' });
  }

  /** A ticket's outcome at intake, counted once in hot spots. */
  async ticket(tx: Tx, t: Omit<ReceivedTicket, 'receivedAt'> & { receivedAt: string }): Promise<void> {
    await this.repository.recordTicket(tx, { ...t, receivedAt: new Date(t.receivedAt) }, this.timeZone);
  }

  async whistleBlown(tx: Tx, e: WhistleBlownV1): Promise<void> {
    await this.repository.recordWhistle(
      tx,
      {
        whistleId: e.whistleId,
        streetUnitId: e.streetUnitId,
        ticketId: e.ticketId,
        blownAt: new Date(e.blownAt),
      },
      e.summoned.map((s) => ({ unitId: s.unitId, dueAt: new Date(s.dueAt) })),
      this.timeZone,
    );
  }

  async whistleCheckedIn(tx: Tx, e: WhistleCheckedInV1): Promise<void> {
    await this.repository.recordCheckIn(tx, {
      whistleId: e.whistleId,
      unitId: e.unitId,
      dueAt: new Date(e.dueAt),
      checkedInAt: new Date(e.checkedInAt),
      late: e.late,
    });
  }

  async whistleClosed(tx: Tx, e: WhistleClosedV1): Promise<void> {
    await this.repository.recordWhistleClosed(tx, {
      whistleId: e.whistleId,
      resolved: e.resolved,
      closedAt: new Date(e.closedAt),
      absentUnitIds: e.absentUnitIds,
    });
  }

  private async change(tx: Tx, row: OrderRow, next: OrderState, callbackAt = row.callbackAt): Promise<void> {
    if (sameState(row.state, next) && callbackAt?.getTime() === row.callbackAt?.getTime()) return;
    await this.repository.saveOrder(tx, row.assignmentId, next, callbackAt);
    await this.count(tx, row, row.state, next);
  }

  private async count(tx: Tx, row: OrderRow, before: OrderState | null, after: OrderState): Promise<void> {
    const d = difference(before, after);
    if (!isZero(d)) await this.repository.addToUnitDay(tx, row.unitId, row.day, d);
  }
}
