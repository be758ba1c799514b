import { Global, Module } from '@nestjs/common';
import { Clock, MetricsRegistry, PLATFORM_CONFIG } from '@jsjb/platform';
import type { CalendarConfig } from './calendar.config';
import { CalendarController } from './calendar.controller';
import { CalendarRepository } from './calendar.repository';
import { CalendarService } from './calendar.service';

/**
 * Working-day calendars (issue 6, item 2). Global: the clocks ask `CalendarService.schedule(id)`.
 * The service is built by an async factory that seeds and loads the calendars, so anything injecting
 * it finds them in memory.
 */
@Global()
@Module({
  controllers: [CalendarController],
  providers: [
    CalendarRepository,
    {
      provide: CalendarService,
      inject: [CalendarRepository, Clock, MetricsRegistry, PLATFORM_CONFIG],
      useFactory: (
        repository: CalendarRepository,
        clock: Clock,
        metrics: MetricsRegistry,
        config: CalendarConfig,
      ): Promise<CalendarService> => new CalendarService(repository, clock, metrics, config).start(),
    },
  ],
  exports: [CalendarService],
})
export class CalendarModule {}
