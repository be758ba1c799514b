import { join } from 'node:path';
import { describeServiceFoundation } from '@jsjb/testing';
import { AppModule, SERVICE } from '../../src/app.module';
import { intakeConfigSchema } from '../../src/config';

describeServiceFoundation({
  service: SERVICE,
  configSchema: intakeConfigSchema,
  appModule: (config) => AppModule.forRoot(config),
  migrationsDir: join(__dirname, '../../prisma/migrations'),
  dmmfPath: join(__dirname, '../../src/generated/dmmf.json'),
});
