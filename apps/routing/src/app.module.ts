import { Module, type DynamicModule } from '@nestjs/common';
import { EVENTS } from '@jsjb/contracts';
import { MessagingModule } from '@jsjb/messaging';
import { DatabaseModule, PlatformModule, RedisModule } from '@jsjb/platform';
import type { RoutingConfig } from './config';
import { PrismaService } from './database/prisma.service';
import { TICKETS_DISPATCHED } from './dispatch/dispatch.metrics';
import { DispatchModule } from './dispatch/dispatch.module';
import { OrganisationModule } from './organisation/organisation.module';
import { WhistleModule } from './whistle/whistle.module';
import { TICKETS_REPLIED } from './workflow/workflow.metrics';
import { WorkflowModule } from './workflow/workflow.module';
import { ROUTING_PERMISSIONS } from './permissions';

export const SERVICE = 'routing';

/** The event types this service applies (its consumer group's inbox). */
export const CONSUMED_EVENTS: readonly string[] = ['ticket.received.v1', 'ticket.reopened.v1'];

@Module({})
export class AppModule {
  static forRoot(config: RoutingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, config, permissions: ROUTING_PERMISSIONS }),
        DatabaseModule.forRoot(PrismaService),
        RedisModule.forRoot(),
        MessagingModule.forRoot({
          service: SERVICE,
          config,
          catalog: EVENTS,
          consumes: CONSUMED_EVENTS,
          database: PrismaService,
          eventCounters: [TICKETS_DISPATCHED, TICKETS_REPLIED],
        }),
        DispatchModule,
        OrganisationModule,
        WorkflowModule,
        WhistleModule,
      ],
    };
  }
}
