import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SlaEventBus } from '../events/sla-event-bus';
import { CallbackService } from './callback.service';

/**
 * What callbacks learn from the ticket stream, in the consumer's transaction: the ticket's number,
 * category and place (`ticket.received.v1`) and the unit's reply of each cycle (`ticket.replied.v1`).
 */
@Injectable()
export class CallbackEventsConsumer implements OnModuleInit {
  constructor(
    private readonly bus: SlaEventBus,
    private readonly callbacks: CallbackService,
  ) {}

  onModuleInit(): void {
    this.bus.on('ticket.received.v1', (data, { tx }) => this.callbacks.recordTicket(tx, data));
    this.bus.on('ticket.replied.v1', (data, { tx }) => this.callbacks.recordReply(tx, data));
  }
}
