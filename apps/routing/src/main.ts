import 'reflect-metadata';
import { join } from 'node:path';
import { messagingCommands } from '@jsjb/messaging';
import { runService } from '@jsjb/platform';
import { AppModule, CONSUMED_EVENTS, SERVICE } from './app.module';
import { routingConfigSchema } from './config';

void runService({
  service: SERVICE,
  configSchema: routingConfigSchema,
  appModule: (config) => AppModule.forRoot(config),
  migrationsDir: join(__dirname, '..', 'prisma', 'migrations'),
  commands: messagingCommands(SERVICE, CONSUMED_EVENTS),
  openApi: {
    title: 'jsjb routing — territory, dispatch and unit work',
    description:
      'Territory and grids, units, the dispatch catalogue, automatic dispatch, 签收/退单/改派, 街道吹哨·部门报到 and replies.',
  },
});
