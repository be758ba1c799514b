import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import type { AssessedWhistle, WhistleStatus, WhistleUrgency } from './whistle.domain';

export type Tx = Prisma.TransactionClient;

export interface SummonsRow {
  unitId: string;
  dueAt: Date;
  checkedInAt: Date | null;
  checkedInBy: string | null;
  place: unknown;
}

export interface WhistleRow {
  id: string;
  streetUnitId: string;
  ticketId: string | null;
  urgency: WhistleUrgency;
  description: string;
  location: unknown;
  status: WhistleStatus;
  blownBy: string;
  blownAt: Date;
  resolved: boolean | null;
  summary: string | null;
  closedBy: string | null;
  closedAt: Date | null;
  summons: SummonsRow[];
}

export interface NewWhistle {
  id: string;
  streetUnitId: string;
  ticketId: string | null;
  urgency: WhistleUrgency;
  description: string;
  location: Record<string, unknown>;
  blownBy: string;
  blownAt: Date;
  summons: readonly { unitId: string; dueAt: Date }[];
}

export interface WhistleFilter {
  status?: WhistleStatus | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Whistles blown by this unit or summoning it. */
  unitId?: string | undefined;
  ticketId?: string | undefined;
  skip: number;
  take: number;
}

const WHISTLE_INCLUDE = {
  summons: {
    select: { unitId: true, dueAt: true, checkedInAt: true, checkedInBy: true, place: true },
    orderBy: { unitId: 'asc' },
  },
} as const satisfies Prisma.WhistleInclude;

/** Whistles (街道吹哨) and their summonses (部门报到); writes go through the caller's transaction. */
@Injectable()
export class WhistleRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  async ticketExists(tx: Tx, ticketId: string): Promise<boolean> {
    return (await tx.routingTicket.count({ where: { ticketId } })) > 0;
  }

  /** The unit's assignments on a ticket, every cycle. */
  async unitAssignments(
    tx: Tx,
    ticketId: string,
    unitId: string,
  ): Promise<{ role: string; status: string }[]> {
    return tx.assignment.findMany({ where: { ticketId, unitId }, select: { role: true, status: true } });
  }

  async create(tx: Tx, whistle: NewWhistle): Promise<void> {
    const { summons, location, ...row } = whistle;
    await tx.whistle.create({
      data: { ...row, location: location as Prisma.InputJsonValue, status: 'open' },
    });
    await tx.whistleSummons.createMany({
      data: summons.map((s) => ({ whistleId: whistle.id, unitId: s.unitId, dueAt: s.dueAt })),
    });
  }

  /** Reads a whistle and locks it until the transaction ends: check-ins and the closing never interleave. */
  async lock(tx: Tx, id: string): Promise<WhistleRow | undefined> {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM whistle WHERE id = ${id}::uuid FOR UPDATE`;
    if (locked.length === 0) return undefined;
    return this.find(id, tx);
  }

  async find(id: string, tx: Tx = this.prisma): Promise<WhistleRow | undefined> {
    const row = await tx.whistle.findUnique({ where: { id }, include: WHISTLE_INCLUDE });
    return row === null ? undefined : (row as WhistleRow);
  }

  async checkIn(
    tx: Tx,
    whistleId: string,
    unitId: string,
    data: { checkedInAt: Date; checkedInBy: string; place: Record<string, unknown> },
  ): Promise<void> {
    await tx.whistleSummons.update({
      where: { whistleId_unitId: { whistleId, unitId } },
      data: { ...data, place: data.place as Prisma.InputJsonValue },
    });
  }

  async close(
    tx: Tx,
    id: string,
    data: { resolved: boolean; summary: string; closedBy: string; closedAt: Date },
  ): Promise<void> {
    await tx.whistle.update({ where: { id }, data: { ...data, status: 'closed' } });
  }

  async list(filter: WhistleFilter): Promise<{ total: number; rows: WhistleRow[] }> {
    const where: Prisma.WhistleWhereInput = {
      ...(filter.status ? { status: filter.status } : {}),
      ...(filter.ticketId ? { ticketId: filter.ticketId } : {}),
      ...(filter.from || filter.to
        ? {
            blownAt: {
              ...(filter.from ? { gte: filter.from } : {}),
              ...(filter.to ? { lt: filter.to } : {}),
            },
          }
        : {}),
      ...(filter.unitId
        ? { OR: [{ streetUnitId: filter.unitId }, { summons: { some: { unitId: filter.unitId } } }] }
        : {}),
    };
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.whistle.count({ where }),
      this.prisma.whistle.findMany({
        where,
        include: WHISTLE_INCLUDE,
        orderBy: [{ blownAt: 'desc' }, { id: 'asc' }],
        skip: filter.skip,
        take: filter.take,
      }),
    ]);
    return { total, rows: rows as WhistleRow[] };
  }

  /** What 双考核 needs of the whistles blown in [from, to). */
  async forAssessment(from: Date, to: Date): Promise<AssessedWhistle[]> {
    const rows = await this.prisma.whistle.findMany({
      where: { blownAt: { gte: from, lt: to } },
      select: {
        streetUnitId: true,
        status: true,
        resolved: true,
        summons: { select: { unitId: true, dueAt: true, checkedInAt: true } },
      },
    });
    return rows as AssessedWhistle[];
  }
}
