import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventPayload } from '@jsjb/contracts';
import { EventContext } from '@jsjb/messaging';
import type { Prisma } from '../generated/prisma/client';
import { SlaEventBus } from './sla-event-bus';

type Context = EventContext<Prisma.TransactionClient>;

/** The one handler per consumed stream event: hands it to every feature on the bus, in the consumer's transaction. */
@Controller()
export class SlaEventsConsumer {
  constructor(private readonly bus: SlaEventBus) {}

  @EventPattern('ticket.received.v1')
  onTicketReceived(@Payload() data: EventPayload<'ticket.received.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('ticket.received.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.closed-directly.v1')
  onTicketClosedDirectly(
    @Payload() data: EventPayload<'ticket.closed-directly.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('ticket.closed-directly.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.diverted.v1')
  onTicketDiverted(@Payload() data: EventPayload<'ticket.diverted.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('ticket.diverted.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.merged.v1')
  onTicketMerged(@Payload() data: EventPayload<'ticket.merged.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('ticket.merged.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.dispatched.v1')
  onTicketDispatched(
    @Payload() data: EventPayload<'ticket.dispatched.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('ticket.dispatched.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('assignment.signed.v1')
  onAssignmentSigned(
    @Payload() data: EventPayload<'assignment.signed.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('assignment.signed.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('assignment.returned.v1')
  onAssignmentReturned(
    @Payload() data: EventPayload<'assignment.returned.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('assignment.returned.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('dispute.decided.v1')
  onDisputeDecided(@Payload() data: EventPayload<'dispute.decided.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('dispute.decided.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.redispatched.v1')
  onTicketRedispatched(
    @Payload() data: EventPayload<'ticket.redispatched.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('ticket.redispatched.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('resident.contacted.v1')
  onResidentContacted(
    @Payload() data: EventPayload<'resident.contacted.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('resident.contacted.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.progressed.v1')
  onTicketProgressed(
    @Payload() data: EventPayload<'ticket.progressed.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('ticket.progressed.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('extension.decided.v1')
  onExtensionDecided(
    @Payload() data: EventPayload<'extension.decided.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('extension.decided.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.replied.v1')
  onTicketReplied(@Payload() data: EventPayload<'ticket.replied.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('ticket.replied.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.reopened.v1')
  onTicketReopened(@Payload() data: EventPayload<'ticket.reopened.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('ticket.reopened.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('ticket.rated.v1')
  onTicketRated(@Payload() data: EventPayload<'ticket.rated.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('ticket.rated.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('sla.breached.v1')
  onSlaBreached(@Payload() data: EventPayload<'sla.breached.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('sla.breached.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('whistle.blown.v1')
  onWhistleBlown(@Payload() data: EventPayload<'whistle.blown.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('whistle.blown.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('whistle.checked-in.v1')
  onWhistleCheckedIn(
    @Payload() data: EventPayload<'whistle.checked-in.v1'>,
    @Ctx() ctx: Context,
  ): Promise<void> {
    return this.bus.dispatch('whistle.checked-in.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }

  @EventPattern('whistle.closed.v1')
  onWhistleClosed(@Payload() data: EventPayload<'whistle.closed.v1'>, @Ctx() ctx: Context): Promise<void> {
    return this.bus.dispatch('whistle.closed.v1', data, { tx: ctx.tx, envelope: ctx.envelope });
  }
}
