import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Prisma } from '../generated/prisma/client';
import { CLOSED_STATUSES } from '../tickets/ticket.domain';
import { UNCLASSIFIED_SERVICE } from './open311.domain';
import type { Open311Status } from './open311.schemas';

/**
 * The ticket columns a public service request shows. Caller name, phone, IP and staff ids are not
 * read at all: GET requests needs no key, so nothing personal should reach this code.
 */
const PUBLIC_COLUMNS = {
  id: true,
  number: true,
  status: true,
  categoryCode: true,
  urgency: true,
  content: true,
  confidential: true,
  address: true,
  lat: true,
  lng: true,
  media: true,
  leadUnitId: true,
  replyDueAt: true,
  masterTicketId: true,
  diversionReason: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
} as const satisfies Prisma.TicketSelect;

export type PublicTicketRow = Prisma.TicketGetPayload<{ select: typeof PUBLIC_COLUMNS }>;

/** A GET requests search, as open311.domain's parseRequestsQuery builds it. */
export interface PublicTicketSearch {
  /** Null: every service; `unclassified` stands for tickets without a category. */
  serviceCodes: readonly string[] | null;
  /** Inclusive bounds on the time the ticket was received. */
  start: Date;
  end: Date;
  /** Null: both. */
  statuses: readonly Open311Status[] | null;
  limit: number;
}

const CLOSED = [...CLOSED_STATUSES];

/** Read queries of the Open311 endpoint over intake's tickets and reference versions. */
@Injectable()
export class Open311Repository {
  constructor(private readonly prisma: PrismaService) {}

  /** The tickets of these numbers (service_request_ids); unknown numbers are left out. */
  findByNumbers(numbers: readonly string[]): Promise<PublicTicketRow[]> {
    return this.prisma.ticket.findMany({ where: { number: { in: [...numbers] } }, select: PUBLIC_COLUMNS });
  }

  /** Newest first (by receipt, then id, so that equal times page stably), at most `limit`. */
  search(search: PublicTicketSearch): Promise<PublicTicketRow[]> {
    const where: Prisma.TicketWhereInput[] = [{ createdAt: { gte: search.start, lte: search.end } }];
    if (search.serviceCodes !== null) {
      const codes = search.serviceCodes.filter((c) => c !== UNCLASSIFIED_SERVICE.code);
      const unclassified = codes.length !== search.serviceCodes.length;
      where.push({
        OR: [{ categoryCode: { in: codes } }, ...(unclassified ? [{ categoryCode: null }] : [])],
      });
    }
    if (search.statuses !== null && search.statuses.length === 1) {
      where.push({ status: search.statuses[0] === 'closed' ? { in: CLOSED } : { notIn: CLOSED } });
    }
    return this.prisma.ticket.findMany({
      where: { AND: where },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: search.limit,
      select: PUBLIC_COLUMNS,
    });
  }

  /** Numbers of tickets by id: the masters of merged (并单) tickets. */
  async numbersOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.ticket.findMany({
      where: { id: { in: [...new Set(ids)] } },
      select: { id: true, number: true },
    });
    return new Map(rows.map((r) => [r.id, r.number]));
  }

  /** When the catalogue version in force was applied: the service list's changeset. */
  async catalogueAppliedAt(): Promise<Date | null> {
    const row = await this.prisma.referenceVersion.findUnique({
      where: { kind: 'catalogue' },
      select: { appliedAt: true },
    });
    return row?.appliedAt ?? null;
  }
}
