import { Injectable } from '@nestjs/common';
import { Prisma, type Ticket } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import type { TicketQuery } from './ticket.dto';
import type { TicketStatus } from './ticket.domain';

export type Tx = Prisma.TransactionClient;
export type TicketRow = Ticket;
export type NewTicketRow = Prisma.TicketUncheckedCreateInput;

export interface TimelineRow {
  kind: string;
  at: Date;
  detail: Prisma.JsonValue;
}

/** Tickets, their numbers and their timelines; every write goes through the caller's transaction. */
@Injectable()
export class TicketRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /**
   * The next number of `day`, in its own short transaction: the row lock is held for one statement,
   * and a create that later fails leaves a gap, never a duplicate.
   */
  async nextSequence(day: string): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ last: number }[]>`
      INSERT INTO ticket_number_day (day, last) VALUES (${day}, 1)
      ON CONFLICT (day) DO UPDATE SET last = ticket_number_day.last + 1
      RETURNING last`;
    if (!row) throw new Error('ticket_number_day returned no row');
    return row.last;
  }

  async insert(tx: Tx, row: NewTicketRow): Promise<TicketRow> {
    return tx.ticket.create({ data: row });
  }

  findById(id: string, tx?: Tx): Promise<TicketRow | null> {
    return (tx ?? this.prisma).ticket.findUnique({ where: { id } });
  }

  /** Reads a ticket and locks its row until the transaction ends. */
  async lock(tx: Tx, id: string): Promise<TicketRow | null> {
    const rows = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM ticket WHERE id = ${id}::uuid FOR UPDATE`;
    return rows.length === 0 ? null : tx.ticket.findUnique({ where: { id } });
  }

  findByNumber(number: string): Promise<TicketRow | null> {
    return this.prisma.ticket.findUnique({ where: { number } });
  }

  findByIdempotencyKey(key: string): Promise<TicketRow | null> {
    return this.prisma.ticket.findUnique({ where: { idempotencyKey: key } });
  }

  async update(tx: Tx, id: string, data: Prisma.TicketUncheckedUpdateInput): Promise<TicketRow> {
    return tx.ticket.update({ where: { id }, data });
  }

  async addTimeline(
    tx: Tx,
    entry: {
      id: string;
      ticketId: string;
      kind: string;
      at: Date;
      eventId: string;
      detail?: Prisma.InputJsonValue;
    },
  ): Promise<void> {
    await tx.timelineEntry.create({ data: { ...entry, detail: entry.detail ?? {} } });
  }

  timeline(ticketId: string): Promise<TimelineRow[]> {
    return this.prisma.timelineEntry.findMany({
      where: { ticketId },
      orderBy: [{ at: 'asc' }, { seq: 'asc' }],
      select: { kind: true, at: true, detail: true },
    });
  }

  async search(query: TicketQuery): Promise<{ total: number; rows: TicketRow[] }> {
    const where = ticketWhere(query);
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.ticket.count({ where }),
      this.prisma.ticket.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
    ]);
    return { total, rows };
  }

  async ofResident(
    subject: string,
    page: { page: number; pageSize: number },
  ): Promise<{ total: number; rows: TicketRow[] }> {
    const where = { residentSubject: subject };
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.ticket.count({ where }),
      this.prisma.ticket.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (page.page - 1) * page.pageSize,
        take: page.pageSize,
      }),
    ]);
    return { total, rows };
  }
}

function ticketWhere(query: TicketQuery): Prisma.TicketWhereInput {
  const where: Prisma.TicketWhereInput = {};
  if (query.status) where.status = { in: query.status satisfies TicketStatus[] };
  if (query.channel) where.channel = { in: query.channel };
  if (query.requestType) where.requestType = { in: query.requestType };
  if (query.urgency) where.urgency = { in: query.urgency };
  if (query.categoryCode) where.categoryCode = query.categoryCode;
  if (query.districtCode) where.districtCode = query.districtCode;
  if (query.streetCode) where.streetCode = query.streetCode;
  if (query.number) where.number = { startsWith: query.number };
  if (query.phone) where.callerPhone = query.phone;
  if (query.q) where.content = { contains: query.q };
  if (query.from || query.to) {
    where.createdAt = {
      ...(query.from ? { gte: new Date(query.from) } : {}),
      ...(query.to ? { lt: new Date(query.to) } : {}),
    };
  }
  return where;
}

/** True when `error` is a unique-constraint violation (a concurrent create with the same key). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
