import { join } from 'node:path';
import { roleMatrixViolations, startTestApp, type TestApp } from '@jsjb/testing';
import { AppModule, SERVICE } from '../../src/app.module';
import { routingConfigSchema, type RoutingConfig } from '../../src/config';
import { ROUTING_PERMISSIONS } from '../../src/permissions';

// Every route of the service, called with every role, without a token, with an expired and a
// forged token, and with another unit's token where a route names a unit: each call must come
// out as the permission map declares (see roleMatrixViolations).
describe('routing role matrix', () => {
  let sut: TestApp<RoutingConfig>;

  beforeAll(async () => {
    sut = await startTestApp(
      {
        service: SERVICE,
        configSchema: routingConfigSchema,
        appModule: (config) => AppModule.forRoot(config),
        migrationsDir: join(__dirname, '../../prisma/migrations'),
      },
      {},
    );
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
  }, 60_000);

  it('allows and denies every route as the permission map declares', async () => {
    const violations = await roleMatrixViolations(sut.app, {
      permissions: ROUTING_PERMISSIONS,
      params: { kind: 'units' },
      unitId: 'matrix-unit-a',
      otherUnitId: 'matrix-unit-b',
      district: '110101',
    });
    expect(violations).toEqual([]);
  }, 60_000);
});
