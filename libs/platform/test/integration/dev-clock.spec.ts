import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { signJwt } from '../../src/auth/jwt';
import { createApp } from '../../src/bootstrap/create-app';
import { baseConfigSchema, DEVELOPMENT_JWT_SECRET, loadConfig } from '../../src/config/config';
import { DatabaseModule } from '../../src/database/prisma';
import { PlatformModule } from '../../src/platform.module';
import { RedisModule } from '../../src/redis/redis';
import { Clock, ClockHooks } from '../../src/time/clock';
import { postgresUrl, redisUrl, testPrismaService } from '../support';

const env = (extra: Record<string, string>) => ({
  LOG_LEVEL: 'silent',
  NODE_ENV: 'test',
  PORT: '0',
  DATABASE_URL: postgresUrl,
  REDIS_URL: redisUrl,
  ...extra,
});

async function start(enabled: boolean): Promise<NestFastifyApplication> {
  const config = loadConfig(baseConfigSchema, env({ DEV_CLOCK_CONTROL: String(enabled) }));
  @Module({
    imports: [
      PlatformModule.forRoot({ service: 'test', config, permissions: {} }),
      DatabaseModule.forRoot(testPrismaService(postgresUrl)),
      RedisModule.forRoot(),
    ],
  })
  class TestModule {}
  const app = await createApp({ module: TestModule, config, openApi: { title: 't', description: 't' } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const bearer = (role: 'admin' | 'manager') =>
  `Bearer ${signJwt({ sub: `clock-${role}`, role }, { secret: DEVELOPMENT_JWT_SECRET, issuer: 'jsjb' })}`;

describe('development clock control (DEV_CLOCK_CONTROL)', () => {
  it('moves the service’s time forward for admins and runs the hooks; never back', async () => {
    const app = await start(true);
    try {
      let ran = 0;
      app.get(ClockHooks).onMoved('count', () => Promise.resolve(++ran));
      const before = app.get(Clock).now().getTime();
      const moved = await app.inject({
        method: 'POST',
        url: '/dev/clock',
        headers: { authorization: bearer('admin'), 'content-type': 'application/json' },
        payload: { advanceMs: 3_600_000 },
      });
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ offsetMs: 3_600_000, ran: { count: 1 } });
      expect(app.get(Clock).now().getTime() - before).toBeGreaterThanOrEqual(3_600_000);

      const back = await app.inject({
        method: 'POST',
        url: '/dev/clock',
        headers: { authorization: bearer('admin'), 'content-type': 'application/json' },
        payload: { to: '2020-01-01T00:00:00Z' },
      });
      expect(back.statusCode).toBe(400);
      const manager = await app.inject({
        method: 'GET',
        url: '/dev/clock',
        headers: { authorization: bearer('manager') },
      });
      expect(manager.statusCode).toBe(403);
      expect(ran).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('starts at DEV_CLOCK_START when given', async () => {
    const config = loadConfig(
      baseConfigSchema,
      env({ DEV_CLOCK_CONTROL: 'true', DEV_CLOCK_START: '2026-02-13T10:00:00+08:00' }),
    );
    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'test', config, permissions: {} }),
        DatabaseModule.forRoot(testPrismaService(postgresUrl)),
        RedisModule.forRoot(),
      ],
    })
    class StartModule {}
    const app = await createApp({ module: StartModule, config, openApi: { title: 't', description: 't' } });
    try {
      const now = app.get(Clock).now().getTime();
      expect(Math.abs(now - Date.parse('2026-02-13T02:00:00Z'))).toBeLessThan(60_000);
    } finally {
      await app.close();
    }
    expect(() => loadConfig(baseConfigSchema, env({ DEV_CLOCK_START: '2026-02-13T10:00:00+08:00' }))).toThrow(
      /DEV_CLOCK_START: only with DEV_CLOCK_CONTROL/,
    );
  });

  it('is absent unless enabled, and refused in production', async () => {
    const app = await start(false);
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/dev/clock',
        headers: { authorization: bearer('admin') },
      });
      expect(res.statusCode).toBe(404);
    } finally {
      await app.close();
    }
    expect(() =>
      loadConfig(
        baseConfigSchema,
        env({ NODE_ENV: 'production', AUTH_JWT_SECRET: 'p'.repeat(40), DEV_CLOCK_CONTROL: 'true' }),
      ),
    ).toThrow(/DEV_CLOCK_CONTROL/);
  });
});
