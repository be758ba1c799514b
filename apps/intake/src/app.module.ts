import { Module, type DynamicModule } from '@nestjs/common';
import { EVENTS } from '@jsjb/contracts';
import { MessagingModule } from '@jsjb/messaging';
import { DatabaseModule, PlatformModule, RedisModule } from '@jsjb/platform';
import type { IntakeConfig } from './config';
import { PrismaService } from './database/prisma.service';
import { SqlPoolModule } from './database/sql-pool';
import { DuplicateReviewModule } from './duplicates/duplicate-review.module';
import { Open311Module } from './open311/open311.module';
import { PrivacyModule } from './privacy/privacy.module';
import { ReferenceModule } from './reference/reference.module';
import { ResidentAuthModule } from './resident-auth/resident-auth.module';
import { STATUS_EVENT_TYPES, StatusModule } from './status/status.module';
import { TICKETS_RECEIVED } from './tickets/ticket.metrics';
import { TicketsModule } from './tickets/tickets.module';
import { INTAKE_PERMISSIONS } from './permissions';

export const SERVICE = 'intake';

/** The event types this service applies (its consumer group's inbox). */
export const CONSUMED_EVENTS: readonly string[] = [
  'territory.changed.v1',
  'units.changed.v1',
  'catalogue.changed.v1',
  ...STATUS_EVENT_TYPES,
];

@Module({})
export class AppModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, config, permissions: INTAKE_PERMISSIONS }),
        DatabaseModule.forRoot(PrismaService),
        SqlPoolModule,
        RedisModule.forRoot(),
        MessagingModule.forRoot({
          service: SERVICE,
          config,
          catalog: EVENTS,
          consumes: CONSUMED_EVENTS,
          database: PrismaService,
          eventCounters: [TICKETS_RECEIVED],
        }),
        ReferenceModule,
        PrivacyModule,
        TicketsModule,
        DuplicateReviewModule,
        StatusModule,
        Open311Module,
        ResidentAuthModule,
      ],
    };
  }
}
