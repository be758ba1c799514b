import { Module, type DynamicModule } from '@nestjs/common';
import { EVENTS } from '@jsjb/contracts';
import { MessagingModule } from '@jsjb/messaging';
import { DatabaseModule, PlatformModule, RedisModule } from '@jsjb/platform';
import { CalendarModule } from './calendar/calendar.module';
import { CallbackModule } from './callbacks/callback.module';
import { AssessmentModule } from './assessment/assessment.module';
import type { SlaConfig } from './config';
import { PrismaService } from './database/prisma.service';
import { SLA_STREAM_EVENTS } from './events/sla-event-bus';
import { SlaEventsModule } from './events/sla-events.module';
import { CLOCKS_BREACHED, CLOCKS_WARNED } from './clocks/clock.metrics';
import { ClockModule } from './clocks/clock.module';
import { PolicyModule } from './policy/policy.module';
import { REFERENCE_EVENTS, UnitsModule } from './units/units.module';
import { SLA_PERMISSIONS } from './permissions';

export const SERVICE = 'sla';

/** The event types this service applies (its consumer group's inbox). */
export const CONSUMED_EVENTS: readonly string[] = [...SLA_STREAM_EVENTS, ...REFERENCE_EVENTS];

@Module({})
export class AppModule {
  static forRoot(config: SlaConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, config, permissions: SLA_PERMISSIONS }),
        DatabaseModule.forRoot(PrismaService),
        RedisModule.forRoot(),
        MessagingModule.forRoot({
          service: SERVICE,
          config,
          catalog: EVENTS,
          consumes: CONSUMED_EVENTS,
          database: PrismaService,
          eventCounters: [CLOCKS_BREACHED, CLOCKS_WARNED],
        }),
        SlaEventsModule,
        CalendarModule,
        PolicyModule,
        ClockModule,
        CallbackModule,
        UnitsModule,
        AssessmentModule,
      ],
    };
  }
}
