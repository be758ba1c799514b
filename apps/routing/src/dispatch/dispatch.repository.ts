import { Injectable } from '@nestjs/common';
import { sqlStatement, transactionSql, type SqlStatement } from '@jsjb/platform';
import type { AssignmentStatus } from '../workflow/assignment.domain';
import { PrismaService } from '../database/prisma.service';
import type { AssignmentRole, DispatchLocation, ManualReason } from './dispatch.domain';
import type { Prisma } from '../generated/prisma/client';

export type Tx = Prisma.TransactionClient;

/** 'manual' waits for a dispatcher; 'replied' once the lead replied in the current cycle. */
export const TICKET_STATUSES = ['dispatched', 'manual', 'replied'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** The location as received, as a dispatcher corrected it (if so), and how routing resolved it. */
export interface TicketLocation {
  received: unknown;
  corrected?: unknown;
  resolved: DispatchLocation;
}

export interface RoutingTicketRow {
  ticketId: string;
  number: string;
  requestType: string;
  categoryCode: string | null;
  content: string;
  confidential: boolean;
  urgency: string;
  location: TicketLocation;
  receivedAt: Date;
  status: TicketStatus;
}

/** A ticket as the dispatchers act on it, locked for the transaction. */
export interface LockedTicket extends RoutingTicketRow {
  cycle: number;
  dispatchedAt: Date | null;
  /** Its row in the manual queue, if it ever had one. */
  manual: { reason: string; detail: string; resolvedAt: Date | null } | null;
}

export interface NewAssignment {
  id: string;
  unitId: string;
  role: AssignmentRole;
  rule: string;
  catalogueVersion: string;
  /** The lead's reply or a co-handler's report deadline; null for copies. */
  dueAt: Date | null;
  emergency: boolean;
  onDutyStaffId: string | null;
  /** The assignment this one takes over from (改派). */
  replacesId?: string | null;
}

export interface CycleAssignment {
  id: string;
  ticketId: string;
  unitId: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  rule: string;
  catalogueVersion: string;
  cycle: number;
  createdAt: Date;
}

export interface ManualQueueRow {
  ticketId: string;
  reason: string;
  detail: string;
  createdAt: Date;
  ticket: {
    number: string;
    requestType: string;
    categoryCode: string | null;
    urgency: string;
    content: string;
    confidential: boolean;
    location: unknown;
    receivedAt: Date;
  };
}

/**
 * A dispatch's two statements run for every ticket: through the driver, in the consumer's transaction
 * (transactionSql), as Prisma's query layer costs several times the driver's CPU per statement.
 */
const SQL = {
  insertTicket: sqlStatement(
    'routing.ticket.insert',
    `INSERT INTO routing_ticket (ticket_id, number, request_type, category_code, urgency, content, confidential,
       location, received_at, status, dispatched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11)
     ON CONFLICT (ticket_id) DO NOTHING
     RETURNING ticket_id`,
  ),
  insertAssignments: sqlStatement(
    'routing.assignment.insert',
    `INSERT INTO assignment (id, ticket_id, unit_id, role, status, rule, catalogue_version, created_at, cycle, due_at,
       emergency, on_duty_staff_id, replaces_id)
     SELECT id, ticket_id, unit_id, role, status, rule, catalogue_version, created_at, cycle, due_at, emergency,
       on_duty_staff_id, replaces_id
     FROM jsonb_to_recordset($1::jsonb) AS a(id uuid, ticket_id varchar, unit_id varchar, role varchar,
       status varchar, rule varchar, catalogue_version varchar, created_at timestamptz, cycle int,
       due_at timestamptz, emergency boolean, on_duty_staff_id varchar, replaces_id uuid)`,
  ),
} satisfies Record<string, SqlStatement>;

/**
 * routing_ticket, assignment and manual_dispatch, and what a dispatcher's correction closes on the
 * replaced assignments (pending 退单 and 延期, open 下派). Writes go through the caller's transaction.
 */
@Injectable()
export class DispatchRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /**
   * A ticket the rules dispatched at once; its assignments follow (`createAssignments`). False when
   * routing knows the ticket already (a second `ticket.received`), and nothing is written.
   */
  createDispatchedTicket(tx: Tx, ticket: Omit<RoutingTicketRow, 'status'>, at: Date): Promise<boolean> {
    return this.insertTicket(tx, ticket, 'dispatched', at);
  }

  /** A ticket for the manual queue; false when routing knows it already, and nothing is written. */
  async saveManual(
    tx: Tx,
    ticket: Omit<RoutingTicketRow, 'status'>,
    manual: { reason: ManualReason; detail: string },
    at: Date,
  ): Promise<boolean> {
    if (!(await this.insertTicket(tx, ticket, 'manual', null))) return false;
    await tx.manualDispatch.create({
      data: { ticketId: ticket.ticketId, reason: manual.reason, detail: manual.detail, createdAt: at },
    });
    return true;
  }

  private async insertTicket(
    tx: Tx,
    ticket: Omit<RoutingTicketRow, 'status'>,
    status: TicketStatus,
    dispatchedAt: Date | null,
  ): Promise<boolean> {
    const inserted = await transactionSql(tx).query(SQL.insertTicket, [
      ticket.ticketId,
      ticket.number,
      ticket.requestType,
      ticket.categoryCode,
      ticket.urgency,
      ticket.content,
      ticket.confidential,
      JSON.stringify(ticket.location),
      ticket.receivedAt,
      status,
      dispatchedAt,
    ]);
    return inserted.length > 0;
  }

  async createAssignments(
    tx: Tx,
    ticketId: string,
    cycle: number,
    assignments: readonly NewAssignment[],
    at: Date,
  ): Promise<void> {
    await transactionSql(tx).query(SQL.insertAssignments, [
      JSON.stringify(
        assignments.map((a) => ({
          id: a.id,
          ticket_id: ticketId,
          unit_id: a.unitId,
          role: a.role,
          status: a.role === 'copy' ? 'copied' : 'dispatched',
          rule: a.rule,
          catalogue_version: a.catalogueVersion,
          created_at: at,
          cycle,
          due_at: a.dueAt,
          emergency: a.emergency,
          on_duty_staff_id: a.onDutyStaffId,
          replaces_id: a.replacesId ?? null,
        })),
      ),
    ]);
  }

  /** 人工派单 queue: unresolved, oldest first. */
  async manualQueue(skip: number, take: number): Promise<{ total: number; rows: ManualQueueRow[] }> {
    const where = { resolvedAt: null };
    const [total, rows] = await Promise.all([
      this.prisma.manualDispatch.count({ where }),
      this.prisma.manualDispatch.findMany({
        where,
        orderBy: [{ createdAt: 'asc' }, { ticketId: 'asc' }],
        skip,
        take,
        select: {
          ticketId: true,
          reason: true,
          detail: true,
          createdAt: true,
          ticket: {
            select: {
              number: true,
              requestType: true,
              categoryCode: true,
              urgency: true,
              content: true,
              confidential: true,
              location: true,
              receivedAt: true,
            },
          },
        },
      }),
    ]);
    return { total, rows };
  }

  /**
   * Locks the ticket's pending 退单 and 延期, its assignments (all cycles), then the ticket, until the
   * transaction ends — the order the unit workflow and the center's reviews take (a dispute or
   * extension, its assignment, then the ticket), so the two never deadlock.
   */
  async lockTicket(tx: Tx, ticketId: string): Promise<LockedTicket | undefined> {
    await tx.$queryRaw`SELECT id FROM dispute WHERE ticket_id = ${ticketId} AND decision IS NULL ORDER BY id FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM extension WHERE ticket_id = ${ticketId} AND decision IS NULL ORDER BY id FOR UPDATE`;
    await tx.$queryRaw`SELECT id FROM assignment WHERE ticket_id = ${ticketId} ORDER BY id FOR UPDATE`;
    const locked = await tx.$queryRaw<
      { ticket_id: string }[]
    >`SELECT ticket_id FROM routing_ticket WHERE ticket_id = ${ticketId} FOR UPDATE`;
    if (locked.length === 0) return undefined;
    const row = await tx.routingTicket.findUnique({
      where: { ticketId },
      include: { manualDispatch: { select: { reason: true, detail: true, resolvedAt: true } } },
    });
    if (!row) return undefined;
    const { manualDispatch, ...ticket } = row;
    return {
      ...ticket,
      status: ticket.status as TicketStatus,
      location: ticket.location as unknown as TicketLocation,
      manual: manualDispatch,
    };
  }

  async updateTicket(
    tx: Tx,
    ticketId: string,
    data: {
      status?: TicketStatus;
      cycle?: number;
      categoryCode?: string | null;
      location?: TicketLocation;
      dispatchedAt?: Date;
    },
  ): Promise<void> {
    await tx.routingTicket.update({
      where: { ticketId },
      data: {
        ...(data.status === undefined ? {} : { status: data.status }),
        ...(data.cycle === undefined ? {} : { cycle: data.cycle }),
        ...(data.categoryCode === undefined ? {} : { categoryCode: data.categoryCode }),
        ...(data.location === undefined
          ? {}
          : { location: data.location as unknown as Prisma.InputJsonValue }),
        ...(data.dispatchedAt === undefined ? {} : { dispatchedAt: data.dispatchedAt }),
        version: { increment: 1 },
      },
    });
  }

  async resolveManual(tx: Tx, ticketId: string, by: string, at: Date): Promise<void> {
    await tx.manualDispatch.update({ where: { ticketId }, data: { resolvedAt: at, resolvedBy: by } });
  }

  async requeueManual(tx: Tx, ticketId: string, manual: { reason: ManualReason; detail: string }) {
    await tx.manualDispatch.update({ where: { ticketId }, data: manual });
  }

  async cycleAssignments(tx: Tx, ticketId: string, cycle: number): Promise<CycleAssignment[]> {
    const rows = await tx.assignment.findMany({
      where: { ticketId, cycle },
      select: {
        id: true,
        ticketId: true,
        unitId: true,
        role: true,
        status: true,
        rule: true,
        catalogueVersion: true,
        cycle: true,
        createdAt: true,
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map((r) => ({ ...r, role: r.role as AssignmentRole, status: r.status as AssignmentStatus }));
  }

  /** 改派 — the assignments' part is over; a new assignment takes over. */
  async reassign(tx: Tx, assignmentIds: readonly string[], at: Date): Promise<void> {
    await tx.assignment.updateMany({
      where: { id: { in: [...assignmentIds] } },
      data: { status: 'reassigned', disputedFrom: null, completedAt: at, version: { increment: 1 } },
    });
  }

  pendingDisputes(tx: Tx, assignmentIds: readonly string[]) {
    return tx.dispute.findMany({
      where: { assignmentId: { in: [...assignmentIds] }, decision: null },
      select: { id: true, assignmentId: true, ticketId: true, unitId: true },
    });
  }

  async decideDispute(
    tx: Tx,
    disputeId: string,
    decision: { correctedUnitId: string; note: string; by: string; at: Date },
  ): Promise<void> {
    await tx.dispute.update({
      where: { id: disputeId },
      data: {
        decision: 'approved',
        correctedUnitId: decision.correctedUnitId,
        decisionNote: decision.note,
        decidedBy: decision.by,
        decidedAt: decision.at,
      },
    });
  }

  pendingExtensions(tx: Tx, assignmentIds: readonly string[]) {
    return tx.extension.findMany({
      where: { assignmentId: { in: [...assignmentIds] }, decision: null },
      select: { id: true, assignmentId: true, ticketId: true, unitId: true },
    });
  }

  async refuseExtension(
    tx: Tx,
    extensionId: string,
    decision: { note: string; by: string; at: Date },
  ): Promise<void> {
    await tx.extension.update({
      where: { id: extensionId },
      data: {
        decision: 'refused',
        decisionNote: decision.note,
        decidedBy: decision.by,
        decidedAt: decision.at,
      },
    });
  }

  async withdrawSubAssignments(tx: Tx, assignmentIds: readonly string[], by: string, at: Date) {
    await tx.subAssignment.updateMany({
      where: { assignmentId: { in: [...assignmentIds] }, status: 'assigned' },
      data: { status: 'withdrawn', doneBy: by, doneAt: at },
    });
  }

  async addActivity(
    tx: Tx,
    activity: {
      id: string;
      assignmentId: string;
      ticketId: string;
      kind: string;
      staffId: string;
      at: Date;
      data: Record<string, unknown>;
    },
  ): Promise<void> {
    await tx.activity.create({
      data: { ...activity, data: activity.data as Prisma.InputJsonValue },
    });
  }
}
