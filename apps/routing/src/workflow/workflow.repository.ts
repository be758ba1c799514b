import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { AssignmentRole } from '../dispatch/dispatch.domain';
import type { AssignmentStatus, SubAssignmentStatus } from './assignment.domain';

export type Tx = Prisma.TransactionClient;

export interface AssignmentRow {
  id: string;
  ticketId: string;
  unitId: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  rule: string;
  catalogueVersion: string;
  createdAt: Date;
  cycle: number;
  dueAt: Date | null;
  disputedFrom: AssignmentStatus | null;
  signedAt: Date | null;
  signedBy: string | null;
  firstContactAt: Date | null;
  completedAt: Date | null;
  emergency: boolean;
  onDutyStaffId: string | null;
  replacesId: string | null;
}

export interface TicketRow {
  ticketId: string;
  number: string;
  requestType: string;
  categoryCode: string | null;
  urgency: string;
  content: string;
  confidential: boolean;
  location: unknown;
  receivedAt: Date;
  status: string;
  cycle: number;
  dispatchedAt: Date | null;
}

export interface InboxFilter {
  unitId: string;
  statuses: readonly AssignmentStatus[];
  role?: AssignmentRole | undefined;
  /** Only assignments whose deadline passed before this instant and that are still open. */
  overdueAt?: Date | undefined;
  dueBefore?: Date | undefined;
  /** Only 紧急工单: flagged and not yet signed. */
  emergencyOnly?: boolean | undefined;
  skip: number;
  take: number;
}

export interface NewActivity {
  id: string;
  assignmentId: string;
  ticketId: string;
  kind: string;
  staffId: string;
  at: Date;
  data: Record<string, unknown>;
}

const ASSIGNMENT_SELECT = {
  id: true,
  ticketId: true,
  unitId: true,
  role: true,
  status: true,
  rule: true,
  catalogueVersion: true,
  createdAt: true,
  cycle: true,
  dueAt: true,
  disputedFrom: true,
  signedAt: true,
  signedBy: true,
  firstContactAt: true,
  completedAt: true,
  emergency: true,
  onDutyStaffId: true,
  replacesId: true,
} as const;

/** Assignments, their work log, disputes, extensions and 下派; every write goes through the caller's transaction. */
@Injectable()
export class WorkflowRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** Reads an assignment and locks its row until the transaction ends, so two steps on it never interleave. */
  async lockAssignment(tx: Tx, id: string): Promise<AssignmentRow | undefined> {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM assignment WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    return this.findAssignment(tx, id);
  }

  async findAssignment(tx: Tx, id: string): Promise<AssignmentRow | undefined> {
    const row = await tx.assignment.findUnique({ where: { id }, select: ASSIGNMENT_SELECT });
    return row === null ? undefined : (row as AssignmentRow);
  }

  async ticketAssignments(tx: Tx, ticketId: string, cycle?: number): Promise<AssignmentRow[]> {
    const rows = await tx.assignment.findMany({
      where: { ticketId, ...(cycle === undefined ? {} : { cycle }) },
      select: ASSIGNMENT_SELECT,
      orderBy: [{ cycle: 'asc' }, { createdAt: 'asc' }],
    });
    return rows as AssignmentRow[];
  }

  async findTicket(tx: Tx, ticketId: string): Promise<TicketRow | undefined> {
    const row = await tx.routingTicket.findUnique({ where: { ticketId } });
    return row === null ? undefined : row;
  }

  async inbox(
    filter: InboxFilter,
  ): Promise<{ total: number; rows: (AssignmentRow & { ticket: TicketRow })[] }> {
    const where: Prisma.AssignmentWhereInput = {
      unitId: filter.unitId,
      status: { in: [...filter.statuses] },
      ...(filter.role ? { role: filter.role } : {}),
      ...(filter.emergencyOnly ? { emergency: true, status: 'dispatched' } : {}),
      ...(filter.overdueAt || filter.dueBefore
        ? {
            dueAt: {
              ...(filter.overdueAt ? { lt: filter.overdueAt } : {}),
              ...(filter.dueBefore ? { lte: filter.dueBefore } : {}),
            },
          }
        : {}),
    };
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.assignment.count({ where }),
      this.prisma.assignment.findMany({
        where,
        select: { ...ASSIGNMENT_SELECT, ticket: true },
        orderBy: [{ emergency: 'desc' }, { dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }],
        skip: filter.skip,
        take: filter.take,
      }),
    ]);
    return { total, rows: rows as (AssignmentRow & { ticket: TicketRow })[] };
  }

  async updateAssignment(tx: Tx, id: string, data: Prisma.AssignmentUncheckedUpdateInput): Promise<void> {
    await tx.assignment.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
  }

  async setTicketStatus(tx: Tx, ticketId: string, status: string): Promise<void> {
    await tx.routingTicket.update({ where: { ticketId }, data: { status, version: { increment: 1 } } });
  }

  async addActivity(tx: Tx, activity: NewActivity): Promise<void> {
    await tx.activity.create({ data: { ...activity, data: activity.data as Prisma.InputJsonValue } });
  }

  async activities(tx: Tx, assignmentIds: readonly string[]) {
    return tx.activity.findMany({
      where: { assignmentId: { in: [...assignmentIds] } },
      orderBy: { at: 'asc' },
    });
  }

  // ── 退单 disputes ──────────────────────────────────────────────────────────

  async createDispute(tx: Tx, dispute: Prisma.DisputeUncheckedCreateInput): Promise<void> {
    await tx.dispute.create({ data: dispute });
  }

  async hasRejectedDispute(tx: Tx, assignmentId: string): Promise<boolean> {
    return (await tx.dispute.count({ where: { assignmentId, decision: 'rejected' } })) > 0;
  }

  async lockDispute(tx: Tx, id: string) {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM dispute WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    return (await tx.dispute.findUnique({ where: { id } })) ?? undefined;
  }

  async decideDispute(tx: Tx, id: string, data: Prisma.DisputeUncheckedUpdateInput): Promise<void> {
    await tx.dispute.update({ where: { id }, data });
  }

  async disputes(where: Prisma.DisputeWhereInput, skip: number, take: number) {
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.dispute.count({ where }),
      this.prisma.dispute.findMany({ where, orderBy: { raisedAt: 'asc' }, skip, take }),
    ]);
    return { total, rows };
  }

  async assignmentDisputes(tx: Tx, assignmentIds: readonly string[]) {
    return tx.dispute.findMany({
      where: { assignmentId: { in: [...assignmentIds] } },
      orderBy: { raisedAt: 'asc' },
    });
  }

  // ── 延期 extensions ────────────────────────────────────────────────────────

  async createExtension(tx: Tx, extension: Prisma.ExtensionUncheckedCreateInput): Promise<void> {
    await tx.extension.create({ data: extension });
  }

  async hasPendingExtension(tx: Tx, assignmentId: string): Promise<boolean> {
    return (await tx.extension.count({ where: { assignmentId, decision: null } })) > 0;
  }

  async lockExtension(tx: Tx, id: string) {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM extension WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    return (await tx.extension.findUnique({ where: { id } })) ?? undefined;
  }

  async decideExtension(tx: Tx, id: string, data: Prisma.ExtensionUncheckedUpdateInput): Promise<void> {
    await tx.extension.update({ where: { id }, data });
  }

  async extensions(where: Prisma.ExtensionWhereInput, skip: number, take: number) {
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.extension.count({ where }),
      this.prisma.extension.findMany({ where, orderBy: { requestedAt: 'asc' }, skip, take }),
    ]);
    return { total, rows };
  }

  async assignmentExtensions(tx: Tx, assignmentIds: readonly string[]) {
    return tx.extension.findMany({
      where: { assignmentId: { in: [...assignmentIds] } },
      orderBy: { requestedAt: 'asc' },
    });
  }

  // ── 下派 sub-assignments to grid teams ─────────────────────────────────────

  async createSubAssignment(tx: Tx, sub: Prisma.SubAssignmentUncheckedCreateInput): Promise<void> {
    await tx.subAssignment.create({ data: sub });
  }

  async lockSubAssignment(tx: Tx, id: string) {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM sub_assignment WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    const row = await tx.subAssignment.findUnique({ where: { id } });
    return row === null ? undefined : { ...row, status: row.status as SubAssignmentStatus };
  }

  async updateSubAssignment(
    tx: Tx,
    id: string,
    data: Prisma.SubAssignmentUncheckedUpdateInput,
  ): Promise<void> {
    await tx.subAssignment.update({ where: { id }, data });
  }

  async openSubAssignments(tx: Tx, assignmentId: string): Promise<number> {
    return tx.subAssignment.count({ where: { assignmentId, status: 'assigned' } });
  }

  async assignmentSubAssignments(tx: Tx, assignmentIds: readonly string[]) {
    return tx.subAssignment.findMany({
      where: { assignmentId: { in: [...assignmentIds] } },
      orderBy: { assignedAt: 'asc' },
    });
  }

  async teamSubAssignments(teamIds: readonly string[], status: SubAssignmentStatus | undefined) {
    return this.prisma.subAssignment.findMany({
      where: { teamId: { in: [...teamIds] }, ...(status ? { status } : {}) },
      orderBy: { dueAt: 'asc' },
      take: 200,
    });
  }
}
