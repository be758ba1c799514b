import { join } from 'node:path';
import { describeRoleMatrix } from '@jsjb/testing';
import { AppModule, SERVICE } from '../../src/app.module';
import { intakeConfigSchema } from '../../src/config';
import { INTAKE_PERMISSIONS } from '../../src/permissions';

// Every route of the service, called with every role, without a token, with an expired and a
// forged token, and with another unit's token where a route names a unit: each call must come
// out as the permission map declares (see roleMatrixViolations).
describeRoleMatrix(
  {
    service: SERVICE,
    configSchema: intakeConfigSchema,
    appModule: (config) => AppModule.forRoot(config),
    migrationsDir: join(__dirname, '../../prisma/migrations'),
  },
  { permissions: INTAKE_PERMISSIONS, params: { format: 'json', file: 'x.json' } },
);
