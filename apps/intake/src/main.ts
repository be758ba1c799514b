import 'reflect-metadata';
import { join } from 'node:path';
import { messagingCommands } from '@jsjb/messaging';
import { runService } from '@jsjb/platform';
import { AppModule, CONSUMED_EVENTS, SERVICE } from './app.module';
import { intakeConfigSchema } from './config';
import { privacyCommands } from './privacy/privacy.commands';

void runService({
  service: SERVICE,
  configSchema: intakeConfigSchema,
  appModule: (config) => AppModule.forRoot(config),
  migrationsDir: join(__dirname, '..', 'prisma', 'migrations'),
  commands: { ...messagingCommands(SERVICE, CONSUMED_EVENTS), ...privacyCommands() },
  openApi: {
    title: 'jsjb intake — 12345 hotline, app and Open311 intake',
    description:
      'Records 工单 from the 12345 hotline, the resident app and Open311 clients; triage, classification, duplicates and the resident status view.',
  },
});
