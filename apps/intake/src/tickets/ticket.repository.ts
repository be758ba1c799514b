import { Injectable } from '@nestjs/common';
import { OUTBOX_COLUMNS, OUTBOX_NOTIFY, type OutboxRow, outboxValues } from '@jsjb/messaging';
import { type NewSuggestion, SUGGESTION_COLUMNS, suggestionValues } from '../duplicates/duplicate.repository';
import { Prisma, type Ticket } from '../generated/prisma/client';
import { PrismaService } from '../database/prisma.service';
import { SqlPool } from '../database/sql-pool';
import type { TicketQuery } from './ticket.dto';
import type { TicketStatus } from './ticket.domain';

export type Tx = Prisma.TransactionClient;
export type TicketRow = Ticket;

/** A timeline entry to store with its ticket. */
export interface NewTimelineEntry {
  id: string;
  kind: string;
  at: Date;
  eventId: string;
  detail: Prisma.InputJsonValue;
}

/**
 * The ticket columns in insert order, with their SQL casts. The plain caller columns (caller_name,
 * caller_phone: rows from before sealing) are not among them: a new row holds its caller sealed.
 */
const TICKET_COLUMNS: readonly (readonly [keyof TicketRow, string, string])[] = [
  ['id', 'id', 'uuid'],
  ['number', 'number', 'text'],
  ['channel', 'channel', 'text'],
  ['requestType', 'request_type', 'text'],
  ['categoryCode', 'category_code', 'text'],
  ['urgency', 'urgency', 'text'],
  ['content', 'content', 'text'],
  ['callerNameSealed', 'caller_name_sealed', 'bytea'],
  ['callerPhoneSealed', 'caller_phone_sealed', 'bytea'],
  ['callerPiiKeyId', 'caller_pii_key_id', 'text'],
  ['callerPhoneHash', 'caller_phone_hash', 'text'],
  ['confidential', 'confidential', 'boolean'],
  ['districtCode', 'district_code', 'text'],
  ['streetCode', 'street_code', 'text'],
  ['communityCode', 'community_code', 'text'],
  ['address', 'address', 'text'],
  ['lng', 'lng', 'float8'],
  ['lat', 'lat', 'float8'],
  ['sourceCrs', 'source_crs', 'text'],
  ['sourceLng', 'source_lng', 'float8'],
  ['sourceLat', 'source_lat', 'float8'],
  ['media', 'media', 'text[]'],
  ['operatorId', 'operator_id', 'text'],
  ['residentSubject', 'resident_subject', 'text'],
  ['open311ClientId', 'open311_client_id', 'text'],
  ['clientIp', 'client_ip', 'text'],
  ['status', 'status', 'text'],
  ['suggestion', 'suggestion', 'jsonb'],
  ['directReply', 'direct_reply', 'text'],
  ['diversionReason', 'diversion_reason', 'text'],
  ['diversionNote', 'diversion_note', 'text'],
  ['masterTicketId', 'master_ticket_id', 'uuid'],
  ['leadUnitId', 'lead_unit_id', 'text'],
  ['replyDueAt', 'reply_due_at', 'timestamptz'],
  ['idempotencyKey', 'idempotency_key', 'text'],
  ['requestHash', 'request_hash', 'text'],
  ['createdAt', 'created_at', 'timestamptz'],
  ['updatedAt', 'updated_at', 'timestamptz'],
  ['closedAt', 'closed_at', 'timestamptz'],
];

const TICKET_COLUMN_LIST = TICKET_COLUMNS.map(([, column]) => column).join(', ');

/** A ticket to store with its timeline entries and its events. */
export interface NewTicket {
  row: TicketRow;
  timeline: readonly NewTimelineEntry[];
  events: readonly OutboxRow[];
  /** A possible duplicate for an operator to decide (并单), recorded with the ticket. */
  suggestions: readonly NewSuggestion[];
}

export interface TimelineRow {
  kind: string;
  at: Date;
  detail: Prisma.JsonValue;
}

/** Tickets, their numbers and their timelines; every write goes through the caller's transaction. */
@Injectable()
export class TicketRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sql: SqlPool,
  ) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(work);
  }

  /**
   * Reserves `count` numbers of `day` in one short statement and returns the last: a block handed
   * out from memory, so a create costs no number round trip. Unused numbers are gaps, never duplicates.
   */
  async reserveSequence(day: string, count: number): Promise<number> {
    const [row] = await this.prisma.$queryRaw<{ last: number }[]>`
      INSERT INTO ticket_number_day (day, last) VALUES (${day}, ${count})
      ON CONFLICT (day) DO UPDATE SET last = ticket_number_day.last + ${count}
      RETURNING last`;
    if (!row) throw new Error('ticket_number_day returned no row');
    return row.last;
  }

  /**
   * Stores new tickets with their timeline entries, suggestions and events in ONE statement (one
   * round trip and, without `tx`, one implicit transaction). Returns the ids stored: a ticket whose
   * idempotency key exists already is left out, with its entries, suggestions and events.
   */
  async insertMany(tickets: readonly NewTicket[], tx?: Tx): Promise<Set<string>> {
    const values: unknown[] = [];
    const param = (value: unknown, type: string): string => {
      values.push(value);
      return `$${values.length}::${type}`;
    };
    const ticketTuples = tickets.map(({ row }) => {
      const cells = TICKET_COLUMNS.map(([field, , type]) => {
        const value = row[field];
        if (type === 'jsonb') return param(value === null ? null : JSON.stringify(value), type);
        return param(value instanceof Date ? value.toISOString() : value, type);
      });
      return `(${cells.join(', ')})`;
    });
    const parts = [
      `t AS (INSERT INTO ticket (${TICKET_COLUMN_LIST}) VALUES ${ticketTuples.join(', ')}
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id)`,
    ];
    const entries = tickets.flatMap(({ row, timeline }) =>
      timeline.map(
        (e) =>
          `(${param(e.id, 'uuid')}, ${param(row.id, 'uuid')}, ${param(e.kind, 'text')}, ${param(e.at.toISOString(), 'timestamptz')}, ${param(e.eventId, 'text')}, ${param(JSON.stringify(e.detail), 'jsonb')})`,
      ),
    );
    if (entries.length > 0) {
      parts.push(`tl AS (INSERT INTO timeline_entry (id, ticket_id, kind, at, event_id, detail)
        SELECT v.* FROM (VALUES ${entries.join(', ')}) AS v (id, ticket_id, kind, at, event_id, detail)
        JOIN t ON t.id = v.ticket_id)`);
    }
    const suggestions = tickets.flatMap((ticket) => ticket.suggestions);
    if (suggestions.length > 0) {
      parts.push(`sg AS (INSERT INTO duplicate_suggestion (${SUGGESTION_COLUMNS})
        SELECT v.* FROM (VALUES ${suggestionValues(suggestions, param)}) AS v (${SUGGESTION_COLUMNS})
        JOIN t ON t.id = v.ticket_id
        ON CONFLICT (ticket_id, master_id) DO NOTHING)`);
    }
    const events = tickets.flatMap((ticket) => ticket.events);
    let notify = '';
    if (events.length > 0) {
      const outbox = outboxValues(events, values.length + 1);
      values.push(...outbox.values);
      // Joined to t (an event's key is its ticket's id): a ticket not stored publishes nothing.
      parts.push(`ob AS (INSERT INTO outbox_event (${OUTBOX_COLUMNS})
        SELECT v.* FROM (VALUES ${outbox.tuples}) AS v (${OUTBOX_COLUMNS}) JOIN t ON t.id = v.key::uuid)`);
      // Wakes the relay at commit, as Outbox.add does.
      parts.push(`n AS (SELECT ${OUTBOX_NOTIFY} FROM (SELECT 1 FROM t LIMIT 1) AS any_row)`);
      notify = ', (SELECT count(*) FROM n)::int AS notified';
    }
    const sql = `WITH ${parts.join(',\n')}\nSELECT id::text AS id${notify} FROM t`;
    const stored = tx
      ? await tx.$queryRawUnsafe<{ id: string }[]>(sql, ...values)
      : await this.sql.query<{ id: string }>(sql, values);
    return new Set(stored.map((r) => r.id));
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

  /** `phoneHash`: the hash of query.phone (tickets are found by the caller's hash, never the number). */
  async search(query: TicketQuery, phoneHash: string | null): Promise<{ total: number; rows: TicketRow[] }> {
    const where = ticketWhere(query, phoneHash);
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

function ticketWhere(query: TicketQuery, phoneHash: string | null): Prisma.TicketWhereInput {
  const where: Prisma.TicketWhereInput = {};
  if (query.status) where.status = { in: query.status satisfies TicketStatus[] };
  if (query.channel) where.channel = { in: query.channel };
  if (query.requestType) where.requestType = { in: query.requestType };
  if (query.urgency) where.urgency = { in: query.urgency };
  if (query.categoryCode) where.categoryCode = query.categoryCode;
  if (query.districtCode) where.districtCode = query.districtCode;
  if (query.streetCode) where.streetCode = query.streetCode;
  if (query.leadUnitId) where.leadUnitId = query.leadUnitId;
  if (query.number) where.number = { startsWith: query.number };
  if (phoneHash !== null) where.callerPhoneHash = phoneHash;
  if (query.q) where.content = { contains: query.q };
  if (query.from || query.to) {
    where.createdAt = {
      ...(query.from ? { gte: new Date(query.from) } : {}),
      ...(query.to ? { lt: new Date(query.to) } : {}),
    };
  }
  return where;
}
