import { Injectable } from '@nestjs/common';
import { definedColumns, sqlStatement, sqlStatementOf, transactionSql } from '@jsjb/platform';
import type { Prisma } from '../generated/prisma/client';
import { CYCLE_ENTRY_KINDS, type StatusEntry, type TicketChanges } from './status.domain';

export type Tx = Prisma.TransactionClient;

/** The ticket's row as stored, with the highest cycle its timeline names. */
export interface StoredTicketState {
  status: string;
  urgency: string;
  cycle: number | null;
  leadUnitId: string | null;
  replyDueAt: Date | null;
  closedAt: Date | null;
}

/** The ticket's status fields and its timeline, written in the consumer's transaction. */
@Injectable()
export class StatusRepository {
  /**
   * Locks the ticket's row for the transaction and reads what the status read model needs, or null
   * when intake has no such ticket. The lock keeps two deliveries of one ticket's events (a
   * rebalance) from interleaving their read and write.
   */
  async lock(tx: Tx, ticketId: string): Promise<StoredTicketState | null> {
    const [row] = await transactionSql(tx).query<StoredTicketState>(LOCK, [ticketId, CYCLE_ENTRY_KINDS]);
    return row ?? null;
  }

  /**
   * Adds the entry unless one for the same event exists (timeline_entry.event_id is unique), and
   * with it the ticket's changes, in one statement: false for such a repeat, which changes nothing.
   * `ON CONFLICT DO NOTHING` rather than catching the violation, which would abort the consumer's
   * whole transaction.
   */
  async record(
    tx: Tx,
    entry: StatusEntry & { id: string; ticketId: string; eventId: string },
    changes: TicketChanges,
    now: Date,
  ): Promise<boolean> {
    const set = definedColumns(TICKET_CHANGE_COLUMNS, { ...changes, updatedAt: now });
    const sets = set.columns.map((column, i) => `${column} = $${i + 7}`).join(', ');
    const statement = sqlStatementOf(
      'intake.status.record',
      `WITH added AS (
         INSERT INTO timeline_entry (id, ticket_id, kind, at, event_id, detail)
         VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6::jsonb)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING ticket_id)
       UPDATE ticket SET ${sets} WHERE id = (SELECT ticket_id FROM added) RETURNING id`,
    );
    const updated = await transactionSql(tx).query(statement, [
      entry.id,
      entry.ticketId,
      entry.kind,
      entry.at,
      entry.eventId,
      JSON.stringify(entry.detail),
      ...set.values,
    ]);
    return updated.length === 1;
  }
}

/**
 * The status read model's statements run for every routing and sla event about a ticket: through
 * the driver, in the consumer's transaction (transactionSql), as Prisma's query layer costs several
 * times the driver's CPU per statement.
 */
const LOCK = sqlStatement(
  'intake.status.lock',
  `SELECT t.status, t.urgency, t.lead_unit_id AS "leadUnitId", t.reply_due_at AS "replyDueAt",
          t.closed_at AS "closedAt",
          (SELECT max((e.detail->>'cycle')::int) FROM timeline_entry e
            WHERE e.ticket_id = t.id AND e.kind = ANY($2::text[])
              AND jsonb_typeof(e.detail->'cycle') = 'number') AS cycle
     FROM ticket t
    WHERE t.id = $1::uuid
      FOR UPDATE OF t`,
);

const TICKET_CHANGE_COLUMNS = {
  status: 'status',
  leadUnitId: 'lead_unit_id',
  replyDueAt: 'reply_due_at',
  closedAt: 'closed_at',
  updatedAt: 'updated_at',
} as const satisfies Record<keyof TicketChanges | 'updatedAt', string>;
