import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  DEFAULT_TIME_LIMITS,
  type TicketDispatchedV1,
  type TicketReceivedV1,
  URGENCY_CLASSES,
} from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { RoutingConfig } from '../config';
import { nominalDueAt } from '../workflow/assignment.domain';
import { ReferenceStore } from '../reference/reference-data';
import {
  decideDispatch,
  type DispatchLocation,
  type DispatchOutcome,
  type UnitAssignment,
} from './dispatch.domain';
import { DispatchRepository, type Tx } from './dispatch.repository';
import { DutyService } from './duty.service';
import { locateTicket } from './ticket-location.domain';

export type DispatchResult =
  | { kind: 'dispatched'; event: TicketDispatchedV1 }
  | { kind: 'manual'; reason: string }
  | { kind: 'already-known' };

export type DispatchedAssignment = TicketDispatchedV1['assignments'][number];

/** What a set of new assignments is written for: one ticket, one cycle, one rule. */
export interface AssignmentSpec {
  ticketId: string;
  urgency: string;
  cycle: number;
  /** Lead first. */
  units: readonly UnitAssignment[];
  rule: string;
  catalogueVersion: string;
  /** 改派: the assignment the first unit (the new lead, or a co-handler's replacement) takes over from. */
  replacesId?: string | null;
}

/** 派单 — the automatic dispatch of a received ticket, and the writing of any dispatch's assignments. */
@Injectable()
export class DispatchService {
  constructor(
    private readonly reference: ReferenceStore,
    private readonly repository: DispatchRepository,
    private readonly duty: DutyService,
    private readonly outbox: Outbox,
    @Inject(PLATFORM_CONFIG) private readonly config: RoutingConfig,
  ) {}

  /**
   * Locates the ticket, applies its catalogue item's rule and writes the outcome in `tx`: the ticket,
   * its assignments and `ticket.dispatched.v1`, or the ticket and its place in the manual queue.
   * A ticket id routing already knows is skipped (a second `ticket.received` never dispatches twice).
   */
  async dispatchReceived(tx: Tx, event: TicketReceivedV1, now: Date): Promise<DispatchResult> {
    const { outcome, resolved } = this.decide(event.categoryCode, event.location);
    const ticket = {
      ticketId: event.ticketId,
      number: event.number,
      requestType: event.requestType,
      categoryCode: event.categoryCode,
      content: event.content,
      confidential: event.confidential,
      urgency: event.urgency,
      location: { received: event.location, resolved },
      receivedAt: new Date(event.receivedAt),
    };

    switch (outcome.kind) {
      case 'manual': {
        const manual = { reason: outcome.reason, detail: outcome.detail };
        if (!(await this.repository.saveManual(tx, ticket, manual, now))) return { kind: 'already-known' };
        return { kind: 'manual', reason: outcome.reason };
      }
      case 'dispatch': {
        if (!(await this.repository.createDispatchedTicket(tx, ticket, now)))
          return { kind: 'already-known' };
        const spec: AssignmentSpec = {
          ticketId: event.ticketId,
          urgency: event.urgency,
          cycle: 1,
          units: [outcome.lead, ...outcome.coHandlers, ...outcome.copies],
          rule: outcome.rule,
          catalogueVersion: outcome.catalogueVersion,
        };
        const assignments = await this.writeAssignments(tx, spec, now);
        return { kind: 'dispatched', event: await this.emitDispatched(tx, spec, assignments, now) };
      }
    }
  }

  /** The automatic rules on a category and a location as received (or as a dispatcher corrected them). */
  decide(
    categoryCode: string | null,
    location: TicketReceivedV1['location'],
  ): { outcome: DispatchOutcome; resolved: DispatchLocation } {
    const { index, directory, items, catalogue } = this.reference.current();
    const resolved = locateTicket(index, location);
    const item = categoryCode === null ? undefined : items.get(categoryCode);
    const outcome = decideDispatch({
      item,
      location: resolved,
      directory,
      catalogueVersion: catalogue.version,
    });
    return { outcome, resolved };
  }

  /**
   * Writes the assignments of one dispatch in `tx`: deadlines from `now` by the ticket's urgency,
   * 紧急工单 flags and on-duty persons outside office hours. Returns them as events carry them.
   */
  async writeAssignments(tx: Tx, spec: AssignmentSpec, now: Date): Promise<DispatchedAssignment[]> {
    const urgency = URGENCY_CLASSES.find((u) => u === spec.urgency) ?? 'general';
    const limits = {
      replyMinutes: DEFAULT_TIME_LIMITS[urgency].reply,
      coReportShare: this.config.CO_REPORT_SHARE,
    };
    const flag = await this.duty.flags(tx, spec.urgency, spec.units, now);
    const assignments = spec.units.map((unit) => ({
      assignmentId: randomUUID(),
      unitId: unit.unitId,
      role: unit.role,
      ...flag(unit),
    }));
    await this.repository.createAssignments(
      tx,
      spec.ticketId,
      spec.cycle,
      assignments.map((a, i) => ({
        id: a.assignmentId,
        unitId: a.unitId,
        role: a.role,
        rule: spec.rule,
        catalogueVersion: spec.catalogueVersion,
        dueAt: nominalDueAt(a.role, now, limits),
        emergency: a.emergency,
        onDutyStaffId: a.onDutyStaffId,
        replacesId: i === 0 ? (spec.replacesId ?? null) : null,
      })),
      now,
    );
    return assignments;
  }

  /** `ticket.dispatched.v1` for assignments just written, in the same transaction. */
  async emitDispatched(
    tx: Tx,
    spec: AssignmentSpec,
    assignments: DispatchedAssignment[],
    now: Date,
  ): Promise<TicketDispatchedV1> {
    const dispatched: TicketDispatchedV1 = {
      ticketId: spec.ticketId,
      assignments,
      rule: spec.rule,
      catalogVersion: spec.catalogueVersion,
      cycle: spec.cycle,
      dispatchedAt: now.toISOString(),
    };
    await this.outbox.add(tx, {
      type: 'ticket.dispatched.v1',
      subject: spec.ticketId,
      data: dispatched,
      time: now,
    });
    return dispatched;
  }
}
