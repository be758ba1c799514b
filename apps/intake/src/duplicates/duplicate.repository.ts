import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import { SqlPool } from '../database/sql-pool';
import { Prisma, type DuplicateSuggestion } from '../generated/prisma/client';
import {
  type DuplicateCandidate,
  type DuplicateProbe,
  NOT_MASTER_STATUSES,
  searchBox,
  type SuggestionStatus,
} from './duplicate.domain';

export type Tx = Prisma.TransactionClient;
export type SuggestionRow = DuplicateSuggestion;

/** A suggestion as recorded: open, undecided. */
export type NewSuggestion = Omit<SuggestionRow, 'decidedAt' | 'decidedBy' | 'status'> & {
  status: SuggestionStatus;
};

/** duplicate_suggestion's columns, in the order {@link suggestionValues} binds them. */
export const SUGGESTION_COLUMNS = 'id, ticket_id, master_id, reason, similarity, status, created_at';

/**
 * The `VALUES` tuples of new suggestions, for a caller that writes them in its own statement (a
 * ticket's create: one round trip); `param` binds a value with its type.
 */
export function suggestionValues(
  rows: readonly NewSuggestion[],
  param: (value: unknown, type: string) => string,
): string {
  return rows
    .map(
      (r) =>
        `(${param(r.id, 'uuid')}, ${param(r.ticketId, 'uuid')}, ${param(r.masterId, 'uuid')}, ${param(r.reason, 'text')}, ${param(r.similarity, 'float8')}, ${param(r.status, 'text')}, ${param(r.createdAt.toISOString(), 'timestamptz')})`,
    )
    .join(', ');
}

/** The ticket fields a suggestion shows for both of its tickets. */
export interface SuggestedTicketRow {
  id: string;
  number: string;
  status: string;
  channel: string;
  categoryCode: string | null;
  content: string;
  address: string | null;
  createdAt: Date;
  masterTicketId: string | null;
  /** The operator who took it; null for residents' and Open311 submissions nobody triaged yet. */
  operatorId: string | null;
}

export interface CandidateQuery {
  probe: DuplicateProbe;
  callerSince: Date;
  placeSince: Date;
  until: Date;
  radiusMetres: number;
  /** Rows read per rule. */
  limit: number;
}

interface CandidateSqlRow {
  id: string;
  number: string;
  status: string;
  master_ticket_id: string | null;
  caller_phone_hash: string | null;
  resident_subject: string | null;
  category_code: string | null;
  community_code: string | null;
  lng: number | null;
  lat: number | null;
  content: string;
  created_at: Date;
}

const SUGGESTED_TICKET_SELECT = {
  id: true,
  number: true,
  status: true,
  channel: true,
  categoryCode: true,
  content: true,
  address: true,
  createdAt: true,
  masterTicketId: true,
  operatorId: true,
} as const satisfies Prisma.TicketSelect;

/** Earlier tickets that may be masters, and the 重复诉求 suggestions operators decide on. */
@Injectable()
export class DuplicateRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sql: SqlPool,
  ) {}

  /**
   * Earlier tickets of the same caller and at the same place for each probe, newest first, at most
   * `limit` per rule, in one statement (a row per probe and candidate). Each branch walks one index —
   * (caller_phone_hash, created_at), (resident_subject, created_at), (category_code, created_at, …) — over
   * its window only.
   */
  async candidatesOf(queries: readonly CandidateQuery[]): Promise<DuplicateCandidate[][]> {
    const branches = queries.flatMap((query, index) => candidateBranches(query, index));
    const found: DuplicateCandidate[][] = queries.map(() => []);
    if (branches.length === 0) return found;
    // UNION (not ALL): a ticket of the same caller at the same place is read once per probe.
    const union = Prisma.join(branches, ' UNION ');
    const rows = await this.sql.query<CandidateSqlRow & { probe: number }>(union.text, union.values);
    for (const r of rows) {
      found[r.probe]?.push({
        id: r.id,
        number: r.number,
        status: r.status,
        masterTicketId: r.master_ticket_id,
        callerPhoneHash: r.caller_phone_hash,
        residentSubject: r.resident_subject,
        categoryCode: r.category_code,
        communityCode: r.community_code,
        lng: r.lng,
        lat: r.lat,
        content: r.content,
        createdAt: r.created_at,
      });
    }
    // Newest first within each probe, as one probe's statement answers.
    for (const list of found) list.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return found;
  }

  findSuggestion(id: string): Promise<SuggestionRow | null> {
    return this.prisma.duplicateSuggestion.findUnique({ where: { id } });
  }

  async listSuggestions(
    status: SuggestionStatus,
    page: { skip: number; take: number },
  ): Promise<{ total: number; rows: SuggestionRow[] }> {
    const where = { status };
    const [total, rows] = await this.prisma.$transaction([
      this.prisma.duplicateSuggestion.count({ where }),
      // Oldest first: the open ones are a work queue.
      this.prisma.duplicateSuggestion.findMany({
        where,
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        skip: page.skip,
        take: page.take,
      }),
    ]);
    return { total, rows };
  }

  async tickets(ids: readonly string[]): Promise<SuggestedTicketRow[]> {
    if (ids.length === 0) return [];
    return this.prisma.ticket.findMany({ where: { id: { in: [...ids] } }, select: SUGGESTED_TICKET_SELECT });
  }

  findTicket(id: string): Promise<SuggestedTicketRow | null> {
    return this.prisma.ticket.findUnique({ where: { id }, select: SUGGESTED_TICKET_SELECT });
  }

  /** Other suggestions of the ticket still open. */
  countOpenFor(ticketId: string): Promise<number> {
    return this.prisma.duplicateSuggestion.count({ where: { ticketId, status: 'open' } });
  }

  /**
   * Decides a suggestion if it is in one of `from`; false when another decision came first.
   */
  async decide(
    id: string,
    from: readonly SuggestionStatus[],
    decision: { status: SuggestionStatus; decidedAt: Date; decidedBy: string },
  ): Promise<boolean> {
    const { count } = await this.prisma.duplicateSuggestion.updateMany({
      where: { id, status: { in: [...from] } },
      data: decision,
    });
    return count === 1;
  }

  /** Marks every open suggestion of the ticket stale, in the caller's transaction: it was triaged otherwise. */
  async staleOpen(tx: Tx, ticketId: string, at: Date, by: string): Promise<number> {
    const { count } = await tx.duplicateSuggestion.updateMany({
      where: { ticketId, status: 'open' },
      data: { status: 'stale', decidedAt: at, decidedBy: by },
    });
    return count;
  }

  /** Marks the ticket's other open suggestions stale: it was merged through one of them. */
  async staleOthers(ticketId: string, except: string, at: Date, by: string): Promise<number> {
    const { count } = await this.prisma.duplicateSuggestion.updateMany({
      where: { ticketId, status: 'open', id: { not: except } },
      data: { status: 'stale', decidedAt: at, decidedBy: by },
    });
    return count;
  }
}

/** The SELECTs of one probe's rules, each tagged with the probe's index. */
function candidateBranches(query: CandidateQuery, index: number): Prisma.Sql[] {
  const { probe, limit } = query;
  const common = Prisma.sql`id <> ${probe.id}::uuid AND master_ticket_id IS NULL
    AND status NOT IN (${Prisma.join([...NOT_MASTER_STATUSES])})`;
  const columns = Prisma.sql`${index}::int AS probe, id::text AS id, number, status,
    master_ticket_id::text AS master_ticket_id, caller_phone_hash, resident_subject, category_code,
    community_code, lng, lat, content, created_at`;
  const branches: Prisma.Sql[] = [];
  if (probe.callerPhoneHash !== null) {
    branches.push(Prisma.sql`(SELECT ${columns} FROM ticket
      WHERE caller_phone_hash = ${probe.callerPhoneHash}
        AND created_at >= ${query.callerSince} AND created_at <= ${query.until} AND ${common}
      ORDER BY created_at DESC LIMIT ${limit})`);
  }
  if (probe.residentSubject !== null) {
    branches.push(Prisma.sql`(SELECT ${columns} FROM ticket
      WHERE resident_subject = ${probe.residentSubject}
        AND created_at >= ${query.callerSince} AND created_at <= ${query.until} AND ${common}
      ORDER BY created_at DESC LIMIT ${limit})`);
  }
  const place = placeFilter(probe, query.radiusMetres);
  if (probe.categoryCode !== null && place !== null) {
    branches.push(Prisma.sql`(SELECT ${columns} FROM ticket
      WHERE category_code = ${probe.categoryCode}
        AND created_at >= ${query.placeSince} AND created_at <= ${query.until} AND ${common}
        AND ${place}
      ORDER BY created_at DESC LIMIT ${limit})`);
  }
  return branches;
}

/** Same community, or inside the box around the coordinates (refined by distance in the domain). */
function placeFilter(probe: DuplicateProbe, radiusMetres: number): Prisma.Sql | null {
  const parts: Prisma.Sql[] = [];
  if (probe.communityCode !== null) parts.push(Prisma.sql`community_code = ${probe.communityCode}`);
  if (probe.lng !== null && probe.lat !== null) {
    const box = searchBox(probe.lng, probe.lat, radiusMetres);
    parts.push(
      Prisma.sql`(lng BETWEEN ${box.minLng} AND ${box.maxLng} AND lat BETWEEN ${box.minLat} AND ${box.maxLat})`,
    );
  }
  return parts.length === 0 ? null : Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
}
