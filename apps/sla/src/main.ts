import 'reflect-metadata';
import { join } from 'node:path';
import { messagingCommands } from '@jsjb/messaging';
import { runService } from '@jsjb/platform';
import { AppModule, CONSUMED_EVENTS, SERVICE } from './app.module';
import { assessmentCommands } from './assessment/assessment.module';
import { clockCommands } from './clocks/clock.commands';
import { slaConfigSchema } from './config';

void runService({
  service: SERVICE,
  configSchema: slaConfigSchema,
  appModule: (config) => AppModule.forRoot(config),
  migrationsDir: join(__dirname, '..', 'prisma', 'migrations'),
  commands: {
    ...messagingCommands(SERVICE, CONSUMED_EVENTS),
    ...assessmentCommands(),
    ...clockCommands(SERVICE),
  },
  openApi: {
    title: 'jsjb sla — deadlines, callbacks and assessment',
    description:
      'Policies, working-day calendars, clocks and timers, 催办/督办, 回访 and ratings, 三率 assessment and rankings.',
  },
});
