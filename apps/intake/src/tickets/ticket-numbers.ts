import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { IntakeConfig } from '../config';
import { localDay, ticketNumber } from './ticket.domain';
import { TicketRepository } from './ticket.repository';

/**
 * 工单编号 — hands out ticket numbers from blocks reserved in the database (`TICKET_NUMBER_BLOCK` at
 * a time), so a create costs no number round trip. Numbers are unique across instances; a block's
 * unused rest (at a restart, or at midnight) is a gap, which the numbering tolerates. Within an
 * instance they rise with time; across instances they interleave by block.
 */
@Injectable()
export class TicketNumbers {
  private day = '';
  private nextSequence = 1;
  private lastSequence = 0;
  private refill: Promise<void> | null = null;
  private readonly timeZone: string;
  private readonly blockSize: number;

  constructor(
    private readonly tickets: TicketRepository,
    @Inject(PLATFORM_CONFIG) config: IntakeConfig,
  ) {
    this.timeZone = config.TIME_ZONE;
    this.blockSize = config.TICKET_NUMBER_BLOCK;
  }

  /** The next number of the local day of `at`. */
  async next(at: Date): Promise<string> {
    const day = localDay(at, this.timeZone);
    for (;;) {
      if (this.day === day && this.nextSequence <= this.lastSequence) {
        return ticketNumber(day, this.nextSequence++);
      }
      // One reservation at a time; requests waiting for it take numbers from the new block.
      this.refill ??= this.reserve(day).finally(() => {
        this.refill = null;
      });
      await this.refill;
    }
  }

  private async reserve(day: string): Promise<void> {
    if (this.day === day && this.nextSequence <= this.lastSequence) return;
    const last = await this.tickets.reserveSequence(day, this.blockSize);
    this.day = day;
    this.nextSequence = last - this.blockSize + 1;
    this.lastSequence = last;
  }
}
