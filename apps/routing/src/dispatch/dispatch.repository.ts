import { Injectable } from '@nestjs/common';
import type { AssignmentRole, DispatchLocation, ManualReason } from './dispatch.domain';
import type { Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

export const TICKET_STATUSES = ['dispatched', 'manual'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export interface RoutingTicketRow {
  ticketId: string;
  number: string;
  categoryCode: string | null;
  urgency: string;
  /** The location as received, and how routing resolved it. */
  location: { received: unknown; resolved: DispatchLocation };
  receivedAt: Date;
  status: TicketStatus;
}

export interface NewAssignment {
  id: string;
  unitId: string;
  role: AssignmentRole;
  rule: string;
  catalogueVersion: string;
}

/** routing_ticket, assignment and manual_dispatch; every write goes through the caller's transaction. */
@Injectable()
export class DispatchRepository {
  async ticketExists(tx: Tx, ticketId: string): Promise<boolean> {
    const found = await tx.routingTicket.findUnique({ where: { ticketId }, select: { ticketId: true } });
    return found !== null;
  }

  async saveDispatched(
    tx: Tx,
    ticket: Omit<RoutingTicketRow, 'status'>,
    assignments: readonly NewAssignment[],
    at: Date,
  ): Promise<void> {
    await tx.routingTicket.create({ data: toTicketData(ticket, 'dispatched') });
    await tx.assignment.createMany({
      data: assignments.map((a) => ({
        id: a.id,
        ticketId: ticket.ticketId,
        unitId: a.unitId,
        role: a.role,
        status: 'dispatched',
        rule: a.rule,
        catalogueVersion: a.catalogueVersion,
        createdAt: at,
      })),
    });
  }

  async saveManual(
    tx: Tx,
    ticket: Omit<RoutingTicketRow, 'status'>,
    manual: { reason: ManualReason; detail: string },
    at: Date,
  ): Promise<void> {
    await tx.routingTicket.create({ data: toTicketData(ticket, 'manual') });
    await tx.manualDispatch.create({
      data: { ticketId: ticket.ticketId, reason: manual.reason, detail: manual.detail, createdAt: at },
    });
  }
}

function toTicketData(
  ticket: Omit<RoutingTicketRow, 'status'>,
  status: TicketStatus,
): Prisma.RoutingTicketUncheckedCreateInput {
  return {
    ticketId: ticket.ticketId,
    number: ticket.number,
    categoryCode: ticket.categoryCode,
    urgency: ticket.urgency,
    location: ticket.location as unknown as Prisma.InputJsonValue,
    receivedAt: ticket.receivedAt,
    status,
  };
}
