import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { TicketReceivedV1 } from '@jsjb/contracts';
import { EventContext } from '@jsjb/messaging';
import { Clock } from '@jsjb/platform';
import type { Prisma } from '../generated/prisma/client';
import { DispatchService } from './dispatch.service';

/** `ticket.received.v1` → automatic dispatch, in the consumer's transaction (the inbox is recorded there too). */
@Controller()
export class TicketReceivedConsumer {
  constructor(
    private readonly dispatch: DispatchService,
    private readonly clock: Clock,
  ) {}

  @EventPattern('ticket.received.v1')
  async onReceived(
    @Payload() event: TicketReceivedV1,
    @Ctx() ctx: EventContext<Prisma.TransactionClient>,
  ): Promise<void> {
    await this.dispatch.dispatchReceived(ctx.tx, event, this.clock.now());
  }
}
