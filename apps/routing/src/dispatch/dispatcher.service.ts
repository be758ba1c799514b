import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  type DisputeDecidedV1,
  type EventType,
  type ExtensionDecidedV1,
  locationSchema,
  type TicketRedispatchedV1,
  type TicketReopenedV1,
} from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import {
  auditNote,
  Clock,
  ConflictError,
  NotFoundError,
  type Principal,
  UnprocessableError,
} from '@jsjb/platform';
import { ReferenceStore } from '../reference/reference-data';
import { OPEN_STATUSES } from '../workflow/assignment.domain';
import type { UnitAssignment } from './dispatch.domain';
import {
  type CycleAssignment,
  DispatchRepository,
  type LockedTicket,
  type TicketLocation,
  type Tx,
} from './dispatch.repository';
import { type AssignmentSpec, type DispatchedAssignment, DispatchService } from './dispatch.service';
import type { ManualCorrectionBody, ManualDispatchBody, RedispatchBody } from './dispatcher.dto';
import { dispatchRule } from './dispatch-rule.domain';
import { chooseUnits, type DispatcherChoice } from './manual-dispatch.domain';

/** Who the work log names for steps no person took (a 重办 opened by sla's callback). */
const SYSTEM_ACTOR = 'system';

export type ReopenResult = { kind: 'reopened'; cycle: number } | { kind: 'stale' };

/**
 * The dispatch center's work (派单员): the manual-dispatch queue (dispatch, or correct and re-run the
 * rules), 改派 of a dispatched ticket, and 重办 when sla reopens a ticket. Each writes its state,
 * work-log entries and events in one transaction, with the ticket locked.
 */
@Injectable()
export class DispatcherService {
  private readonly log = new Logger(DispatcherService.name);

  constructor(
    private readonly reference: ReferenceStore,
    private readonly repository: DispatchRepository,
    private readonly dispatch: DispatchService,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  // ── 人工派单 ───────────────────────────────────────────────────────────────

  async manualQueue(page: number, pageSize: number) {
    const { total, rows } = await this.repository.manualQueue((page - 1) * pageSize, pageSize);
    return {
      page,
      pageSize,
      total,
      items: rows.map((row) => {
        const location = row.ticket.location as TicketLocation;
        return {
          ticketId: row.ticketId,
          number: row.ticket.number,
          requestType: row.ticket.requestType,
          categoryCode: row.ticket.categoryCode,
          urgency: row.ticket.urgency,
          content: row.ticket.content,
          confidential: row.ticket.confidential,
          receivedAt: row.ticket.receivedAt,
          location: {
            received: location.received,
            corrected: location.corrected ?? null,
            resolved: location.resolved,
          },
          reason: row.reason,
          detail: row.detail,
          queuedAt: row.createdAt,
        };
      }),
    };
  }

  /** A dispatcher's choice of units for a queued ticket; rule `manual:<dispatcher>`. */
  async dispatchManual(principal: Principal, ticketId: string, body: ManualDispatchBody) {
    const units = this.chosen(body);
    return this.repository.transaction(async (tx) => {
      const ticket = await this.queued(tx, ticketId);
      const now = this.clock.now();
      const spec: AssignmentSpec = {
        ticketId,
        urgency: ticket.urgency,
        cycle: ticket.cycle,
        units,
        rule: dispatchRule('manual', principal.subject),
        catalogueVersion: this.reference.current().catalogue.version,
      };
      const assignments = await this.dispatchQueued(tx, ticket, spec, principal, now);
      if (body.note !== '') {
        await this.note(tx, ticketId, assignments, 'dispatcher-note', principal.subject, now, {
          note: body.note,
        });
      }
      return { ticketId, status: 'dispatched' as const, cycle: spec.cycle, rule: spec.rule, assignments };
    });
  }

  /**
   * Corrects a queued ticket's category and/or location and re-runs the automatic rules. The
   * correction is kept either way: dispatched like an automatic dispatch (200, status 'dispatched'),
   * or still in the queue with the rules' new reason (200, status 'manual').
   */
  async correct(principal: Principal, ticketId: string, body: ManualCorrectionBody) {
    if (body.categoryCode !== undefined && !this.reference.current().items.has(body.categoryCode)) {
      throw new UnprocessableError(
        'CATEGORY.NOT_FOUND',
        `No category ${body.categoryCode} in the catalogue.`,
        [
          {
            field: 'categoryCode',
            code: 'unknown_category',
            message: 'not in the dispatch catalogue in force',
          },
        ],
      );
    }
    return this.repository.transaction(async (tx) => {
      const ticket = await this.queued(tx, ticketId);
      const now = this.clock.now();
      const categoryCode = body.categoryCode ?? ticket.categoryCode;
      const corrected = body.location ?? ticket.location.corrected;
      const location = locationSchema.parse(corrected ?? ticket.location.received);
      const { outcome, resolved } = this.dispatch.decide(categoryCode, location);
      await this.repository.updateTicket(tx, ticketId, {
        categoryCode,
        location: {
          received: ticket.location.received,
          ...(corrected === undefined ? {} : { corrected }),
          resolved,
        },
      });
      if (outcome.kind === 'manual') {
        await this.repository.requeueManual(tx, ticketId, { reason: outcome.reason, detail: outcome.detail });
        return { ticketId, status: 'manual' as const, reason: outcome.reason, detail: outcome.detail };
      }
      const spec: AssignmentSpec = {
        ticketId,
        urgency: ticket.urgency,
        cycle: ticket.cycle,
        units: [outcome.lead, ...outcome.coHandlers, ...outcome.copies],
        rule: outcome.rule,
        catalogueVersion: outcome.catalogueVersion,
      };
      const assignments = await this.dispatchQueued(tx, ticket, spec, principal, now);
      return { ticketId, status: 'dispatched' as const, cycle: spec.cycle, rule: spec.rule, assignments };
    });
  }

  // ── 改派 by the center ─────────────────────────────────────────────────────

  /**
   * 改派 — the center corrects a dispatched ticket before its reply: every open assignment of the
   * current cycle is reassigned (their pending 退单 approved — the unit got what it asked for —
   * pending 延期 refused, open 下派 withdrawn) and the chosen units take over.
   */
  async redispatch(principal: Principal, ticketId: string, body: RedispatchBody) {
    const units = this.chosen(body);
    return this.repository.transaction(async (tx) => {
      const ticket = await this.repository.lockTicket(tx, ticketId);
      if (!ticket) throw ticketNotFound(ticketId);
      if (ticket.status === 'manual') {
        throw new ConflictError(
          'TICKET.NOT_DISPATCHED',
          'The ticket waits in the manual-dispatch queue: dispatch it there.',
        );
      }
      const cycle = await this.repository.cycleAssignments(tx, ticketId, ticket.cycle);
      if (ticket.status === 'replied' || cycle.some((a) => a.role === 'lead' && a.status === 'replied')) {
        throw new ConflictError(
          'TICKET.ALREADY_REPLIED',
          `The lead unit already replied in cycle ${ticket.cycle}; it can no longer be redispatched.`,
        );
      }
      const open = cycle.filter((a) => OPEN_STATUSES.includes(a.status));
      if (open.length === 0) {
        throw new ConflictError('TICKET.NOTHING_OPEN', 'No assignment of the current cycle is open.');
      }
      const openLead = open.find((a) => a.role === 'lead');
      auditNote({ before: { status: ticket.status, leadUnitId: openLead?.unitId ?? null } });
      if (openLead?.unitId === body.leadUnitId) {
        throw new UnprocessableError('REDISPATCH.SAME_LEAD', 'The ticket is already with this lead unit.', [
          { field: 'leadUnitId', code: 'same_lead', message: `${body.leadUnitId} already leads the ticket` },
        ]);
      }

      const now = this.clock.now();
      await this.close(tx, open, principal, body.leadUnitId, body.note, now);
      // A district government already copied in this cycle is not copied twice.
      const copied = new Set(cycle.filter((a) => a.status === 'copied').map((a) => a.unitId));
      const spec: AssignmentSpec = {
        ticketId,
        urgency: ticket.urgency,
        cycle: ticket.cycle,
        units: units.filter((u) => !(u.role === 'copy' && copied.has(u.unitId))),
        rule: dispatchRule('correction', principal.subject),
        catalogueVersion: this.reference.current().catalogue.version,
        replacesId: openLead?.id ?? null,
      };
      const assignments = await this.dispatch.writeAssignments(tx, spec, now);
      await this.repository.updateTicket(tx, ticketId, {}); // a new version: its units changed
      await this.note(tx, ticketId, assignments, 'redispatched', principal.subject, now, {
        note: body.note,
        replaced: open.map((a) => a.id),
      });
      const replaced = open.map((a) => ({ assignmentId: a.id, unitId: a.unitId }));
      const event: TicketRedispatchedV1 = {
        ticketId,
        reason: 'dispatcher-correction',
        replaced,
        assignments,
        rule: spec.rule,
        catalogVersion: spec.catalogueVersion,
        cycle: spec.cycle,
        redispatchedAt: now.toISOString(),
      };
      await this.emit(tx, 'ticket.redispatched.v1', ticketId, now, event);
      return { ticketId, cycle: spec.cycle, rule: spec.rule, replaced, assignments };
    });
  }

  // ── 重办 ───────────────────────────────────────────────────────────────────

  /**
   * 重办 — sla reopened the ticket after its callback: cycle n opens for the previous cycle's lead
   * unit, with a new deadline from now. An event for a cycle already open is a no-op; an unknown or
   * never-dispatched ticket cannot be reopened (a non-transient error: the message goes to the DLQ).
   */
  async reopen(tx: Tx, event: TicketReopenedV1, now: Date): Promise<ReopenResult> {
    const ticket = await this.repository.lockTicket(tx, event.ticketId);
    if (!ticket) throw ticketNotFound(event.ticketId);
    if (ticket.cycle >= event.cycle) return { kind: 'stale' };
    if (ticket.status === 'manual') {
      throw new ConflictError('TICKET.NOT_DISPATCHED', `Ticket ${event.ticketId} was never dispatched.`);
    }
    const previous = await this.repository.cycleAssignments(tx, event.ticketId, ticket.cycle);
    const lead = previous.filter((a) => a.role === 'lead' && a.status !== 'reassigned').at(-1);
    if (!lead) {
      throw new ConflictError(
        'TICKET.NO_LEAD',
        `Ticket ${event.ticketId} has no lead in cycle ${ticket.cycle}.`,
      );
    }
    if (event.cycle !== ticket.cycle + 1) {
      this.log.warn(
        `ticket ${event.ticketId} jumps from cycle ${ticket.cycle} to ${event.cycle} on reopening`,
      );
    }
    const spec: AssignmentSpec = {
      ticketId: event.ticketId,
      urgency: ticket.urgency,
      cycle: event.cycle,
      units: [{ unitId: lead.unitId, role: 'lead' }],
      rule: dispatchRule('reopened', lead.rule),
      catalogueVersion: lead.catalogueVersion,
    };
    const assignments = await this.dispatch.writeAssignments(tx, spec, now);
    await this.repository.updateTicket(tx, event.ticketId, { cycle: event.cycle, status: 'dispatched' });
    await this.note(tx, event.ticketId, assignments, 'reopened', SYSTEM_ACTOR, now, {
      reason: event.reason,
      reopenedAt: event.reopenedAt,
      previousAssignmentId: lead.id,
    });
    await this.dispatch.emitDispatched(tx, spec, assignments, now);
    return { kind: 'reopened', cycle: event.cycle };
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  /** The chosen units, or 422 naming each unknown or repeated unit. */
  private chosen(choice: DispatcherChoice): readonly UnitAssignment[] {
    const result = chooseUnits(choice, this.reference.current().directory);
    if (!result.ok) {
      throw new UnprocessableError(
        result.issues.some((i) => i.code === 'unknown_unit') ? 'UNIT.NOT_FOUND' : 'DISPATCH.DUPLICATE_UNIT',
        'The chosen units are not valid.',
        [...result.issues],
      );
    }
    return result.units;
  }

  /** The ticket, locked, if it waits in the manual queue: 404 when unknown, 409 when not queued. */
  private async queued(tx: Tx, ticketId: string): Promise<LockedTicket> {
    const ticket = await this.repository.lockTicket(tx, ticketId);
    if (!ticket) throw ticketNotFound(ticketId);
    auditNote({
      before: {
        status: ticket.status,
        categoryCode: ticket.categoryCode,
        manualReason: ticket.manual?.reason ?? null,
      },
    });
    if (ticket.status !== 'manual' || !ticket.manual || ticket.manual.resolvedAt !== null) {
      throw new ConflictError(
        'DISPATCH.NOT_IN_QUEUE',
        `Ticket ${ticketId} is not waiting for manual dispatch (it is ${ticket.status}).`,
      );
    }
    return ticket;
  }

  /** Dispatches a queued ticket: assignments, ticket dispatched, queue row resolved, `ticket.dispatched.v1`. */
  private async dispatchQueued(
    tx: Tx,
    ticket: LockedTicket,
    spec: AssignmentSpec,
    principal: Principal,
    now: Date,
  ): Promise<DispatchedAssignment[]> {
    const assignments = await this.dispatch.writeAssignments(tx, spec, now);
    await this.repository.updateTicket(tx, ticket.ticketId, { status: 'dispatched', dispatchedAt: now });
    await this.repository.resolveManual(tx, ticket.ticketId, principal.subject, now);
    await this.dispatch.emitDispatched(tx, spec, assignments, now);
    return assignments;
  }

  /** Ends the replaced assignments and everything pending on them, with their events. */
  private async close(
    tx: Tx,
    open: readonly CycleAssignment[],
    principal: Principal,
    newLeadUnitId: string,
    note: string,
    now: Date,
  ): Promise<void> {
    const ids = open.map((a) => a.id);
    await this.repository.reassign(tx, ids, now);
    await this.repository.withdrawSubAssignments(tx, ids, principal.subject, now);
    const why = `改派 by the dispatch center: ${note}`;
    for (const dispute of await this.repository.pendingDisputes(tx, ids)) {
      await this.repository.decideDispute(tx, dispute.id, {
        correctedUnitId: newLeadUnitId,
        note: why,
        by: principal.subject,
        at: now,
      });
      const decided: DisputeDecidedV1 = {
        ticketId: dispute.ticketId,
        assignmentId: dispute.assignmentId,
        unitId: dispute.unitId,
        disputeId: dispute.id,
        decision: 'approved',
        correctedUnitId: newLeadUnitId,
        note: why,
        decidedBy: principal.subject,
        decidedAt: now.toISOString(),
      };
      await this.emit(tx, 'dispute.decided.v1', dispute.ticketId, now, decided);
    }
    for (const extension of await this.repository.pendingExtensions(tx, ids)) {
      await this.repository.refuseExtension(tx, extension.id, { note: why, by: principal.subject, at: now });
      const decided: ExtensionDecidedV1 = {
        ticketId: extension.ticketId,
        assignmentId: extension.assignmentId,
        unitId: extension.unitId,
        extensionId: extension.id,
        decision: 'refused',
        newDueAt: null,
        note: why,
        decidedBy: principal.subject,
        decidedAt: now.toISOString(),
      };
      await this.emit(tx, 'extension.decided.v1', extension.ticketId, now, decided);
    }
    for (const assignment of open) {
      await this.repository.addActivity(tx, {
        id: randomUUID(),
        assignmentId: assignment.id,
        ticketId: assignment.ticketId,
        kind: 'reassigned',
        staffId: principal.subject,
        at: now,
        data: { note, leadUnitId: newLeadUnitId },
      });
    }
  }

  /** A work-log entry on the new lead assignment, for the unit to read. */
  private async note(
    tx: Tx,
    ticketId: string,
    assignments: readonly DispatchedAssignment[],
    kind: string,
    staffId: string,
    at: Date,
    data: Record<string, unknown>,
  ): Promise<void> {
    const lead = assignments.find((a) => a.role === 'lead');
    if (!lead) return;
    await this.repository.addActivity(tx, {
      id: randomUUID(),
      assignmentId: lead.assignmentId,
      ticketId,
      kind,
      staffId,
      at,
      data,
    });
  }

  private async emit(tx: Tx, type: EventType, ticketId: string, time: Date, data: unknown): Promise<void> {
    await this.outbox.add(tx, { type, subject: ticketId, data, time });
  }
}

function ticketNotFound(ticketId: string): NotFoundError {
  return new NotFoundError('TICKET.NOT_FOUND', `No ticket ${ticketId}.`);
}
