import { Injectable } from '@nestjs/common';
import type { EventPayload, EventType } from '@jsjb/contracts';
import type { EventEnvelope } from '@jsjb/messaging';
import type { Prisma } from '../generated/prisma/client';

/**
 * The ticket- and whistle-stream events sla consumes. Several features act on the same event (a
 * dispatch starts clocks and counts an assessable order), and the consumer allows one handler per
 * type, so one consumer takes them all and hands each to every feature that subscribed here.
 */
export const SLA_STREAM_EVENTS = [
  'ticket.received.v1',
  'ticket.closed-directly.v1',
  'ticket.diverted.v1',
  'ticket.merged.v1',
  'ticket.dispatched.v1',
  'assignment.signed.v1',
  'assignment.returned.v1',
  'dispute.decided.v1',
  'ticket.redispatched.v1',
  'resident.contacted.v1',
  'ticket.progressed.v1',
  'extension.decided.v1',
  'ticket.replied.v1',
  'ticket.reopened.v1',
  'ticket.rated.v1',
  'sla.breached.v1',
  'whistle.blown.v1',
  'whistle.checked-in.v1',
  'whistle.closed.v1',
] as const satisfies readonly EventType[];

export type SlaStreamEvent = (typeof SLA_STREAM_EVENTS)[number];

/** What a subscriber gets: the consumer's transaction (effects go through it) and the envelope. */
export interface SlaEventContext {
  tx: Prisma.TransactionClient;
  envelope: EventEnvelope;
}

export type SlaEventHandler<T extends SlaStreamEvent> = (
  data: EventPayload<T>,
  ctx: SlaEventContext,
) => Promise<void>;

/**
 * In-process fan-out of consumed events to the features (clocks, callbacks, assessment). Features
 * subscribe in their constructor or `onModuleInit`; handlers run one after another, in subscription
 * order, inside the consumer's transaction, so an event's effects commit together or not at all.
 */
@Injectable()
export class SlaEventBus {
  private readonly handlers = new Map<SlaStreamEvent, SlaEventHandler<SlaStreamEvent>[]>();

  on<T extends SlaStreamEvent>(type: T, handler: SlaEventHandler<T>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
  }

  async dispatch<T extends SlaStreamEvent>(
    type: T,
    data: EventPayload<T>,
    ctx: SlaEventContext,
  ): Promise<void> {
    for (const handler of this.handlers.get(type) ?? []) await handler(data, ctx);
  }

  /** Types with at least one subscriber (for tests and the boot log). */
  subscribed(): SlaStreamEvent[] {
    return [...this.handlers.keys()];
  }
}
