import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { PersonalDataAccess, Prisma } from '../generated/prisma/client';

export type PersonalDataAccessRow = PersonalDataAccess;

export interface AccessFilter {
  ticketId?: string | undefined;
  subject?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** A position in the newest-first order: rows strictly older than (at, id) come next. */
export interface AccessPosition {
  at: Date;
  id: string;
}

/** The append-only access log (personal_data_access): rows are added and read, never changed. */
@Injectable()
export class PersonalDataAccessRepository {
  constructor(private readonly prisma: PrismaService) {}

  async add(row: PersonalDataAccessRow): Promise<void> {
    await this.prisma.personalDataAccess.create({ data: row });
  }

  /** Newest first, (at, id) descending, from after `position`; walks (ticket_id|subject, at, id) or (at, id). */
  list(
    filter: AccessFilter,
    position: AccessPosition | null,
    limit: number,
  ): Promise<PersonalDataAccessRow[]> {
    const where: Prisma.PersonalDataAccessWhereInput[] = [];
    if (filter.ticketId !== undefined) where.push({ ticketId: filter.ticketId });
    if (filter.subject !== undefined) where.push({ subject: filter.subject });
    if (filter.from !== undefined) where.push({ at: { gte: filter.from } });
    if (filter.to !== undefined) where.push({ at: { lt: filter.to } });
    if (position !== null) {
      where.push({ OR: [{ at: { lt: position.at } }, { at: position.at, id: { lt: position.id } }] });
    }
    return this.prisma.personalDataAccess.findMany({
      where: { AND: where },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit,
    });
  }
}
