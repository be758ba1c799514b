import { Module } from '@nestjs/common';
import {
  baseConfigSchema,
  createApp,
  DatabaseModule,
  loadConfig,
  PlatformError,
  PlatformModule,
  RedisModule,
  type BaseConfig,
} from '../../src';
import { postgresUrl, redisUrl, scratchDatabaseUrl, testPrismaService } from '../support';

const config = (overrides: Record<string, string>): BaseConfig =>
  loadConfig(baseConfigSchema, {
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: postgresUrl,
    REDIS_URL: redisUrl,
    ...overrides,
  });

function appModule(cfg: BaseConfig) {
  @Module({
    imports: [
      PlatformModule.forRoot({ service: 'test', config: cfg, permissions: {} }),
      DatabaseModule.forRoot(testPrismaService(cfg.DATABASE_URL)),
      RedisModule.forRoot(),
    ],
  })
  class TestAppModule {}
  return TestAppModule;
}

async function bootError(cfg: BaseConfig): Promise<PlatformError> {
  const app = await createApp({
    module: appModule(cfg),
    config: cfg,
    openApi: { title: 't', description: 't' },
  });
  try {
    await app.init();
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  } finally {
    await app.close().catch(() => undefined);
  }
  throw new Error('expected boot to fail');
}

describe('boot with unreachable dependencies', () => {
  it('stops when the database does not exist or does not answer', async () => {
    const missing = scratchDatabaseUrl('absent');
    const error = await bootError(config({ DATABASE_URL: missing }));
    expect(error.code).toBe('DATABASE.UNREACHABLE');
    expect(error.message).toContain('/jsjb_test_platform_absent_');

    const closed = await bootError(
      config({ DATABASE_URL: 'postgresql://postgres:secret@127.0.0.1:1/jsjb_x' }),
    );
    expect(closed.code).toBe('DATABASE.UNREACHABLE');
    expect(closed.message).not.toContain('secret');
  });

  it('stops when Redis does not answer', async () => {
    const error = await bootError(config({ REDIS_URL: 'redis://127.0.0.1:1' }));
    expect(error.code).toBe('REDIS.UNREACHABLE');
  });

  it('boots and is ready when both answer', async () => {
    const cfg = config({});
    const app = await createApp({
      module: appModule(cfg),
      config: cfg,
      openApi: { title: 't', description: 't' },
    });
    await app.init();
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
