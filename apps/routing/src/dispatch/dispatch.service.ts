import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { TicketDispatchedV1, TicketReceivedV1 } from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import { ReferenceData } from '../reference/reference-data';
import { decideDispatch, type DispatchOutcome, toAssignments } from './dispatch.domain';
import { DispatchRepository, type Tx } from './dispatch.repository';
import { locateTicket } from './ticket-location.domain';

export type DispatchResult =
  | { kind: 'dispatched'; event: TicketDispatchedV1 }
  | { kind: 'manual'; reason: string }
  | { kind: 'already-known' };

/** 派单 — the automatic dispatch of a received ticket. */
@Injectable()
export class DispatchService {
  constructor(
    private readonly reference: ReferenceData,
    private readonly repository: DispatchRepository,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Locates the ticket, applies its catalogue item's rule and writes the outcome in `tx`: the ticket,
   * its assignments and `ticket.dispatched.v1`, or the ticket and its place in the manual queue.
   * A ticket id routing already knows is skipped (a second `ticket.received` never dispatches twice).
   */
  async dispatchReceived(tx: Tx, event: TicketReceivedV1, now = new Date()): Promise<DispatchResult> {
    if (await this.repository.ticketExists(tx, event.ticketId)) return { kind: 'already-known' };

    const { index, directory, items, catalogue } = this.reference;
    const resolved = locateTicket(index, event.location);
    const item = event.categoryCode === null ? undefined : items.get(event.categoryCode);
    const outcome: DispatchOutcome = decideDispatch({
      item,
      location: resolved,
      directory,
      catalogueVersion: catalogue.version,
    });
    const ticket = {
      ticketId: event.ticketId,
      number: event.number,
      categoryCode: event.categoryCode,
      urgency: event.urgency,
      location: { received: event.location, resolved },
      receivedAt: new Date(event.receivedAt),
    };

    switch (outcome.kind) {
      case 'manual':
        await this.repository.saveManual(tx, ticket, { reason: outcome.reason, detail: outcome.detail }, now);
        return { kind: 'manual', reason: outcome.reason };
      case 'dispatch': {
        const assignments = toAssignments(outcome, () => randomUUID());
        await this.repository.saveDispatched(
          tx,
          ticket,
          assignments.map((a) => ({
            id: a.assignmentId,
            unitId: a.unitId,
            role: a.role,
            rule: outcome.rule,
            catalogueVersion: outcome.catalogueVersion,
          })),
          now,
        );
        const dispatched: TicketDispatchedV1 = {
          ticketId: event.ticketId,
          assignments,
          rule: outcome.rule,
          catalogVersion: outcome.catalogueVersion,
          dispatchedAt: now.toISOString(),
        };
        await this.outbox.add(tx, {
          type: 'ticket.dispatched.v1',
          subject: event.ticketId,
          data: dispatched,
          time: now,
        });
        return { kind: 'dispatched', event: dispatched };
      }
    }
  }
}
