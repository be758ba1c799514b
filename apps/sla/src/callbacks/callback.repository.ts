import { Injectable } from '@nestjs/common';
import type { EventPayload } from '@jsjb/contracts';
import { sqlStatement, transactionSql } from '@jsjb/platform';
import { PrismaService } from '../database/prisma.service';
import type { CallbackAnswer, CallbackTask, Prisma } from '../generated/prisma/client';
import type { AnswerChannel, CallbackStatus, Satisfaction } from './callback.domain';

export type Tx = Prisma.TransactionClient;

export interface TaskRow extends Omit<CallbackTask, 'status' | 'satisfaction'> {
  status: CallbackStatus;
  satisfaction: Satisfaction | null;
}

export interface AnswerRow extends Omit<CallbackAnswer, 'channel' | 'satisfaction'> {
  channel: AnswerChannel;
  satisfaction: Satisfaction | null;
}

export interface TicketRow {
  ticketId: string;
  number: string;
  requestType: string;
  categoryCode: string | null;
  urgency: string;
  districtCode: string | null;
  streetCode: string | null;
  communityCode: string | null;
  confidential: boolean;
  receivedAt: Date;
}

export interface ReplyRow {
  ticketId: string;
  cycle: number;
  assignmentId: string;
  unitId: string;
  result: string;
  content: string;
  staffId: string;
  repliedAt: Date;
}

export interface NewTask {
  id: string;
  ticketId: string;
  cycle: number;
  leadUnitId: string | null;
  leadAssignmentId: string | null;
  replyDueAt: Date;
  callbackDueAt: Date;
  reopenOnUnresolved: boolean;
  linkExpiresAt: Date;
  openedAt: Date;
}

export interface NewAnswer {
  id: string;
  taskId: string;
  ticketId: string;
  cycle: number;
  channel: AnswerChannel;
  recordedBy: string | null;
  contacted: boolean;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
  comment: string | null;
  /** The request body as received (JSON). */
  raw: unknown;
  recordedAt: Date;
}

export interface TaskChange {
  status: CallbackStatus;
  attempts: number;
  closedAt?: Date;
  contacted?: boolean;
  resolved?: boolean | null;
  satisfaction?: Satisfaction | null;
  reopened?: boolean;
}

export interface TaskFilter {
  status: CallbackStatus;
  dueBefore?: Date | undefined;
  unitId?: string | undefined;
  ticketId?: string | undefined;
  districtCode?: string | undefined;
  claimedBy?: string | undefined;
  skip: number;
  take: number;
}

function taskRow(row: CallbackTask): TaskRow {
  return row as TaskRow;
}

function answerRow(row: CallbackAnswer): AnswerRow {
  return row as AnswerRow;
}

/** Callback tasks, their raw answers and the ticket/reply read models; writes go through the caller's transaction. */
@Injectable()
export class CallbackRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /** Inserts the task unless the ticket's cycle has one; true when inserted. */
  async insertTask(tx: Tx, task: NewTask): Promise<boolean> {
    const district = await tx.callbackTicket.findUnique({
      where: { ticketId: task.ticketId },
      select: { districtCode: true },
    });
    const { count } = await tx.callbackTask.createMany({
      data: [{ ...task, districtCode: district?.districtCode ?? null, status: 'open' }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async taskOfCycle(ticketId: string, cycle: number, tx: Tx = this.prisma): Promise<TaskRow | null> {
    const row = await tx.callbackTask.findUnique({ where: { ticketId_cycle: { ticketId, cycle } } });
    return row && taskRow(row);
  }

  async task(id: string): Promise<TaskRow | null> {
    const row = await this.prisma.callbackTask.findUnique({ where: { id } });
    return row && taskRow(row);
  }

  /** The task, locked until the transaction ends (answers to one task are applied one at a time). */
  async lockTask(tx: Tx, id: string): Promise<TaskRow | null> {
    await tx.$queryRaw`SELECT id FROM callback_task WHERE id = ${id}::uuid FOR UPDATE`;
    const row = await tx.callbackTask.findUnique({ where: { id } });
    return row && taskRow(row);
  }

  async lockTaskOfCycle(tx: Tx, ticketId: string, cycle: number): Promise<TaskRow | null> {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM callback_task WHERE ticket_id = ${ticketId} AND cycle = ${cycle} FOR UPDATE`;
    const row = locked[0] ? await tx.callbackTask.findUnique({ where: { id: locked[0].id } }) : null;
    return row && taskRow(row);
  }

  async updateTask(tx: Tx, id: string, change: TaskChange): Promise<TaskRow> {
    return taskRow(await tx.callbackTask.update({ where: { id }, data: change }));
  }

  async claim(tx: Tx, id: string, claimedBy: string, at: Date): Promise<TaskRow> {
    return taskRow(await tx.callbackTask.update({ where: { id }, data: { claimedBy, claimedAt: at } }));
  }

  async insertAnswer(tx: Tx, answer: NewAnswer): Promise<void> {
    await tx.callbackAnswer.create({ data: { ...answer, raw: answer.raw ?? {} } });
  }

  async answers(taskId: string): Promise<AnswerRow[]> {
    const rows = await this.prisma.callbackAnswer.findMany({
      where: { taskId },
      orderBy: [{ recordedAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(answerRow);
  }

  async list(filter: TaskFilter): Promise<{ total: number; rows: TaskRow[] }> {
    const where: Prisma.CallbackTaskWhereInput = {
      status: filter.status,
      ...(filter.dueBefore ? { callbackDueAt: { lt: filter.dueBefore } } : {}),
      ...(filter.unitId ? { leadUnitId: filter.unitId } : {}),
      ...(filter.ticketId ? { ticketId: filter.ticketId } : {}),
      ...(filter.districtCode ? { districtCode: filter.districtCode } : {}),
      ...(filter.claimedBy ? { claimedBy: filter.claimedBy } : {}),
    };
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.callbackTask.count({ where }),
      this.prisma.callbackTask.findMany({
        where,
        orderBy: [{ callbackDueAt: 'asc' }, { id: 'asc' }],
        skip: filter.skip,
        take: filter.take,
      }),
    ]);
    return { total, rows: rows.map(taskRow) };
  }

  async tickets(ticketIds: readonly string[]): Promise<Map<string, TicketRow>> {
    const rows = await this.prisma.callbackTicket.findMany({ where: { ticketId: { in: [...ticketIds] } } });
    return new Map(rows.map((r) => [r.ticketId, r]));
  }

  /** The replies of the given ticket cycles, keyed `ticketId#cycle`. */
  async replies(keys: readonly { ticketId: string; cycle: number }[]): Promise<Map<string, ReplyRow>> {
    if (keys.length === 0) return new Map();
    const rows = await this.prisma.callbackReply.findMany({
      where: { OR: keys.map(({ ticketId, cycle }) => ({ ticketId, cycle })) },
    });
    return new Map(rows.map((r) => [replyKey(r), r]));
  }

  /** From `ticket.received.v1`; tasks opened before it (out of order) get its district too. */
  async saveTicket(tx: Tx, data: EventPayload<'ticket.received.v1'>): Promise<void> {
    await transactionSql(tx).query(SAVE_TICKET, [
      data.ticketId,
      data.number,
      data.requestType,
      data.categoryCode,
      data.urgency,
      data.location.districtCode,
      data.location.streetCode,
      data.location.communityCode,
      data.confidential,
      new Date(data.receivedAt),
    ]);
  }

  /** From `ticket.replied.v1`: the cycle's latest reply wins (a reply older than the stored one is ignored). */
  async saveReply(tx: Tx, data: EventPayload<'ticket.replied.v1'>): Promise<void> {
    const repliedAt = new Date(data.repliedAt);
    await tx.$executeRaw`
      INSERT INTO callback_reply
        (ticket_id, cycle, assignment_id, unit_id, result, content, staff_id, replied_at)
      VALUES (${data.ticketId}, ${data.cycle}, ${data.assignmentId}, ${data.unitId}, ${data.result},
              ${data.content}, ${data.staffId}, ${repliedAt})
      ON CONFLICT (ticket_id, cycle) DO UPDATE SET
        assignment_id = EXCLUDED.assignment_id, unit_id = EXCLUDED.unit_id, result = EXCLUDED.result,
        content = EXCLUDED.content, staff_id = EXCLUDED.staff_id, replied_at = EXCLUDED.replied_at
      WHERE callback_reply.replied_at <= EXCLUDED.replied_at`;
  }
}

/**
 * Runs for every ticket: one statement through the driver (transactionSql), which also moves the
 * ticket's tasks to its district (a correction of the place).
 */
const SAVE_TICKET = sqlStatement(
  'sla.callback-ticket.save',
  `WITH saved AS (
     INSERT INTO callback_ticket (ticket_id, number, request_type, category_code, urgency, district_code,
       street_code, community_code, confidential, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (ticket_id) DO UPDATE SET number = EXCLUDED.number, request_type = EXCLUDED.request_type,
       category_code = EXCLUDED.category_code, urgency = EXCLUDED.urgency, district_code = EXCLUDED.district_code,
       street_code = EXCLUDED.street_code, community_code = EXCLUDED.community_code,
       confidential = EXCLUDED.confidential, received_at = EXCLUDED.received_at
     RETURNING ticket_id)
   UPDATE callback_task SET district_code = $6 WHERE ticket_id = (SELECT ticket_id FROM saved)`,
);

export function replyKey(key: { ticketId: string; cycle: number }): string {
  return `${key.ticketId}#${key.cycle}`;
}
