import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type {
  AssignmentSignedV1,
  ExtensionDecidedV1,
  ResidentContactedV1,
  TicketDispatchedV1,
  TicketRatedV1,
  TicketRedispatchedV1,
  TicketRepliedV1,
  TicketReopenedV1,
} from '@jsjb/contracts';
import { EventContext } from '@jsjb/messaging';
import type { Prisma } from '../generated/prisma/client';
import { StatusService } from './status.service';

type Context = EventContext<Prisma.TransactionClient>;

/**
 * Routing's and sla's events about tickets → the resident's status view, in the consumer's
 * transaction (the inbox, recorded there too, makes a redelivery a no-op).
 */
@Controller()
export class StatusConsumer {
  constructor(private readonly status: StatusService) {}

  @EventPattern('ticket.dispatched.v1')
  async onDispatched(@Payload() data: TicketDispatchedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'ticket.dispatched.v1', data });
  }

  @EventPattern('ticket.redispatched.v1')
  async onRedispatched(@Payload() data: TicketRedispatchedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'ticket.redispatched.v1', data });
  }

  @EventPattern('assignment.signed.v1')
  async onSigned(@Payload() data: AssignmentSignedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'assignment.signed.v1', data });
  }

  @EventPattern('resident.contacted.v1')
  async onContacted(@Payload() data: ResidentContactedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'resident.contacted.v1', data });
  }

  @EventPattern('extension.decided.v1')
  async onExtensionDecided(@Payload() data: ExtensionDecidedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'extension.decided.v1', data });
  }

  @EventPattern('ticket.replied.v1')
  async onReplied(@Payload() data: TicketRepliedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'ticket.replied.v1', data });
  }

  @EventPattern('ticket.rated.v1')
  async onRated(@Payload() data: TicketRatedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'ticket.rated.v1', data });
  }

  @EventPattern('ticket.reopened.v1')
  async onReopened(@Payload() data: TicketReopenedV1, @Ctx() ctx: Context): Promise<void> {
    await this.status.apply(ctx.tx, ctx.envelope.id, { type: 'ticket.reopened.v1', data });
  }
}
