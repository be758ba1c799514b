import { Injectable, Logger } from '@nestjs/common';
import { type NewTicket, TicketRepository } from './ticket.repository';

/** Most tickets one statement stores (~60 parameters each; PostgreSQL binds at most 65,535). */
const MAX_BATCH = 200;

interface Pending {
  ticket: NewTicket;
  resolve: (stored: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for new tickets: while one statement is writing, the tickets that arrive wait and go
 * together in the next one — one round trip, one commit and one relay wake-up for many creates. An
 * idle writer writes at once, so a lone create waits for nothing. When a shared statement fails,
 * each of its tickets is written alone, so one bad ticket fails only its own request.
 */
@Injectable()
export class TicketWriter {
  private readonly logger = new Logger(TicketWriter.name);
  private queue: Pending[] = [];
  private writing = false;

  constructor(private readonly tickets: TicketRepository) {}

  /** Stores the ticket; false when its idempotency key was used before (nothing stored). */
  write(ticket: NewTicket): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ ticket, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.flush(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      const stored = await this.tickets.insertMany(batch.map((p) => p.ticket));
      for (const pending of batch) pending.resolve(stored.has(pending.ticket.row.id));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      this.logger.warn(
        { err: error, tickets: batch.length },
        'batched insert failed; writing each ticket alone',
      );
      await Promise.all(
        batch.map(async (pending) => {
          try {
            const stored = await this.tickets.insertMany([pending.ticket]);
            pending.resolve(stored.has(pending.ticket.row.id));
          } catch (alone) {
            pending.reject(alone);
          }
        }),
      );
    }
  }
}
