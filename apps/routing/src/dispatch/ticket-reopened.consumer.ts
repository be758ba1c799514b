import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { TicketReopenedV1 } from '@jsjb/contracts';
import { EventContext } from '@jsjb/messaging';
import { Clock } from '@jsjb/platform';
import type { Prisma } from '../generated/prisma/client';
import { DispatcherService } from './dispatcher.service';

/** `ticket.reopened.v1` (sla, after an unsatisfied callback) → 重办: a new cycle for the same lead unit. */
@Controller()
export class TicketReopenedConsumer {
  constructor(
    private readonly dispatcher: DispatcherService,
    private readonly clock: Clock,
  ) {}

  @EventPattern('ticket.reopened.v1')
  async onReopened(
    @Payload() event: TicketReopenedV1,
    @Ctx() ctx: EventContext<Prisma.TransactionClient>,
  ): Promise<void> {
    await this.dispatcher.reopen(ctx.tx, event, this.clock.now());
  }
}
