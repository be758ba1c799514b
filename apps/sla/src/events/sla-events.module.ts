import { Global, Module } from '@nestjs/common';
import { SlaEventBus } from './sla-event-bus';
import { SlaEventsConsumer } from './sla-events.consumer';

/** The consumer of sla's stream events and the bus the features subscribe to (global: every feature may). */
@Global()
@Module({ controllers: [SlaEventsConsumer], providers: [SlaEventBus], exports: [SlaEventBus] })
export class SlaEventsModule {}
