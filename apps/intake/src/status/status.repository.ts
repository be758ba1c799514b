import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
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
    const rows = await tx.$queryRaw<StoredTicketState[]>`
      SELECT t.status, t.urgency, t.lead_unit_id AS "leadUnitId", t.reply_due_at AS "replyDueAt",
             t.closed_at AS "closedAt",
             (SELECT max((e.detail->>'cycle')::int) FROM timeline_entry e
               WHERE e.ticket_id = t.id AND e.kind IN (${Prisma.join([...CYCLE_ENTRY_KINDS])})
                 AND jsonb_typeof(e.detail->'cycle') = 'number') AS cycle
        FROM ticket t
       WHERE t.id = ${ticketId}::uuid
         FOR UPDATE OF t`;
    return rows[0] ?? null;
  }

  /**
   * Adds the entry unless one for the same event exists (timeline_entry.event_id is unique): false
   * for such a repeat. `ON CONFLICT DO NOTHING` rather than catching the violation, which would abort
   * the consumer's whole transaction.
   */
  async addEntry(
    tx: Tx,
    entry: StatusEntry & { id: string; ticketId: string; eventId: string },
  ): Promise<boolean> {
    const { count } = await tx.timelineEntry.createMany({
      data: [
        {
          id: entry.id,
          ticketId: entry.ticketId,
          kind: entry.kind,
          at: entry.at,
          eventId: entry.eventId,
          detail: entry.detail,
        },
      ],
      skipDuplicates: true,
    });
    return count === 1;
  }

  async update(tx: Tx, ticketId: string, changes: TicketChanges, now: Date): Promise<void> {
    await tx.ticket.update({ where: { id: ticketId }, data: { ...changes, updatedAt: now } });
  }
}
