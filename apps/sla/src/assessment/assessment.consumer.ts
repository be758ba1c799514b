import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SlaEventBus } from '../events/sla-event-bus';
import { AssessmentRecorder } from './assessment.service';

/** The stream events 考评 follows, taken from the SlaEventBus (in the consumer's transaction). */
@Injectable()
export class AssessmentConsumer implements OnModuleInit {
  constructor(
    private readonly bus: SlaEventBus,
    private readonly recorder: AssessmentRecorder,
  ) {}

  onModuleInit(): void {
    const r = this.recorder;
    this.bus.on('ticket.dispatched.v1', (e, { tx }) => r.dispatched(tx, e, e.dispatchedAt));
    this.bus.on('ticket.redispatched.v1', (e, { tx }) => r.redispatched(tx, e));
    this.bus.on('dispute.decided.v1', (e, { tx }) => r.disputeDecided(tx, e));
    this.bus.on('sla.breached.v1', (e, { tx }) => r.breached(tx, e));
    this.bus.on('ticket.rated.v1', (e, { tx }) => r.rated(tx, e));
    this.bus.on('ticket.merged.v1', (e, { tx }) => r.merged(tx, e));
    this.bus.on('ticket.received.v1', (e, { tx }) =>
      r.ticket(tx, {
        ticketId: e.ticketId,
        receivedAt: e.receivedAt,
        categoryCode: e.categoryCode,
        districtCode: e.location.districtCode,
        streetCode: e.location.streetCode,
        outcome: 'received',
      }),
    );
    this.bus.on('ticket.closed-directly.v1', (e, { tx }) =>
      r.ticket(tx, { ...closedAtIntake(e), outcome: 'closed-directly' }),
    );
    this.bus.on('ticket.diverted.v1', (e, { tx }) =>
      r.ticket(tx, { ...closedAtIntake(e), outcome: 'diverted' }),
    );
    this.bus.on('whistle.blown.v1', (e, { tx }) => r.whistleBlown(tx, e));
    this.bus.on('whistle.checked-in.v1', (e, { tx }) => r.whistleCheckedIn(tx, e));
    this.bus.on('whistle.closed.v1', (e, { tx }) => r.whistleClosed(tx, e));
  }
}

function closedAtIntake(e: {
  ticketId: string;
  receivedAt: string;
  categoryCode: string | null;
  districtCode: string | null;
}) {
  return {
    ticketId: e.ticketId,
    receivedAt: e.receivedAt,
    categoryCode: e.categoryCode,
    districtCode: e.districtCode,
    streetCode: null,
  };
}
