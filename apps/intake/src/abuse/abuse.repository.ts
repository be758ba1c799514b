import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { CallerFlag, Prisma } from '../generated/prisma/client';
import type { SealedValue } from '../privacy/caller-data.service';
import { type CallerFlagStatus, type FlagReason, MAX_FLAG_TICKETS, type SubjectKind } from './abuse.domain';

export type Tx = Prisma.TransactionClient;
export type CallerFlagRow = CallerFlag;

export interface FlagHit {
  kind: SubjectKind;
  /** The address, or the phone's keyed hash. */
  subject: string;
  /** The phone number sealed, stored when the hit opens a flag; null for an address. */
  sealed: SealedValue | null;
  reason: FlagReason;
  /** The ticket stored with this hit; null for a refused (throttled) request. */
  ticketId: string | null;
  at: Date;
}

/** Callers flagged for review (CallerFlag). */
@Injectable()
export class AbuseRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /**
   * Adds a hit to the subject's open flag for the reason, or opens one. A transaction-scoped advisory
   * lock on (kind, subject, reason) keeps concurrent requests of one caller from opening two flags.
   */
  async hit(tx: Tx, hit: FlagHit): Promise<void> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`caller_flag:${hit.kind}:${hit.subject}:${hit.reason}`}, 0))`;
    const ticketIds = hit.ticketId === null ? [] : [hit.ticketId];
    const updated = await tx.$executeRaw`
      UPDATE caller_flag
         SET hits = hits + 1,
             last_at = GREATEST(last_at, ${hit.at}),
             ticket_ids = (ticket_ids || ${ticketIds}::text[])[
               GREATEST(1, cardinality(ticket_ids) + ${ticketIds.length}::int - ${MAX_FLAG_TICKETS}::int + 1):]
       WHERE subject_kind = ${hit.kind} AND subject = ${hit.subject} AND reason = ${hit.reason} AND status = 'open'`;
    if (updated > 0) return;
    await tx.callerFlag.create({
      data: {
        id: randomUUID(),
        subjectKind: hit.kind,
        subject: hit.subject,
        subjectSealed: hit.sealed?.data ?? null,
        subjectKeyId: hit.sealed?.keyId ?? null,
        reason: hit.reason,
        status: 'open',
        hits: 1,
        ticketIds,
        firstAt: hit.at,
        lastAt: hit.at,
      },
    });
  }

  /** `subjects`: the (kind, subject) pairs one searched-for caller may be stored under. */
  async list(
    filter: {
      status: CallerFlagStatus;
      kind?: SubjectKind | undefined;
      subjects?: readonly { kind: SubjectKind; subject: string }[] | undefined;
    },
    page: { skip: number; take: number },
  ): Promise<{ total: number; rows: CallerFlagRow[] }> {
    const where: Prisma.CallerFlagWhereInput = { status: filter.status };
    if (filter.kind) where.subjectKind = filter.kind;
    if (filter.subjects) {
      where.OR = filter.subjects.map((s) => ({ subjectKind: s.kind, subject: s.subject }));
    }
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.callerFlag.count({ where }),
      this.prisma.callerFlag.findMany({
        where,
        orderBy: [{ lastAt: 'desc' }, { id: 'asc' }],
        skip: page.skip,
        take: page.take,
      }),
    ]);
    return { total, rows };
  }

  find(id: string): Promise<CallerFlagRow | null> {
    return this.prisma.callerFlag.findUnique({ where: { id } });
  }

  /** Reviews an open flag; false when it was reviewed already. */
  async review(
    id: string,
    review: {
      status: Exclude<CallerFlagStatus, 'open'>;
      reviewedAt: Date;
      reviewedBy: string;
      reviewNote: string;
    },
  ): Promise<boolean> {
    const { count } = await this.prisma.callerFlag.updateMany({
      where: { id, status: 'open' },
      data: review,
    });
    return count === 1;
  }

  /** Ticket numbers by id, for the review list. */
  async ticketNumbers(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.ticket.findMany({
      where: { id: { in: [...ids] } },
      select: { id: true, number: true },
    });
    return new Map(rows.map((r) => [r.id, r.number]));
  }
}
