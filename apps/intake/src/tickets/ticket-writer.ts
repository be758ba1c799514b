import { Injectable, Logger } from '@nestjs/common';
import { GroupBatcher } from '@jsjb/platform';
import { type NewTicket, TicketRepository } from './ticket.repository';

/** Most tickets one statement stores (~60 parameters each; PostgreSQL binds at most 65,535). */
const MAX_BATCH = 200;

/**
 * Group commit for new tickets (see GroupBatcher): the tickets that arrive while one statement
 * writes go together in the next — one round trip, one commit and one relay wake-up for many.
 */
@Injectable()
export class TicketWriter {
  private readonly logger = new Logger(TicketWriter.name);
  private readonly batcher: GroupBatcher<NewTicket, boolean>;

  constructor(tickets: TicketRepository) {
    this.batcher = new GroupBatcher(
      async (batch) => {
        const stored = await tickets.insertMany(batch);
        return batch.map((ticket) => stored.has(ticket.row.id));
      },
      MAX_BATCH,
      (error, size) =>
        this.logger.warn({ err: error, tickets: size }, 'batched insert failed; writing each ticket alone'),
    );
  }

  /** Stores the ticket; false when its idempotency key was used before (nothing stored). */
  write(ticket: NewTicket): Promise<boolean> {
    return this.batcher.submit(ticket);
  }
}
