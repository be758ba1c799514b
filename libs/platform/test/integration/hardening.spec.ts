import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/bootstrap/create-app';
import { baseConfigSchema, loadConfig } from '../../src/config/config';
import { DatabaseModule } from '../../src/database/prisma';
import { RedisModule } from '../../src/redis/redis';
import { postgresUrl, redisUrl, testPrismaService } from '../support';
import { PlatformModule } from '../../src/platform.module';

@Controller('probe')
class ProbeController {
  @Get('boom')
  boom(): never {
    throw new Error('connection to 10.0.0.7:5432 refused by secret-host');
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

async function start(env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  const config = loadConfig(baseConfigSchema, {
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: postgresUrl,
    REDIS_URL: redisUrl,
    HTTP_BODY_LIMIT_BYTES: '2048',
    ...env,
  });
  @Module({
    imports: [
      PlatformModule.forRoot({
        service: 'test',
        config,
        permissions: {
          'GET /probe/boom': { public: 'test' },
          'POST /probe/echo': { public: 'test' },
        },
      }),
      DatabaseModule.forRoot(testPrismaService(postgresUrl)),
      RedisModule.forRoot(),
    ],
    controllers: [ProbeController],
  })
  class TestModule {}
  const app = await createApp({ module: TestModule, config, openApi: { title: 't', description: 't' } });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('HTTP hardening', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await start({ HTTP_CORS_ORIGINS: 'https://app.12345.example' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends security headers on every response, errors included', async () => {
    for (const url of ['/healthz', '/probe/boom', '/no-such-route']) {
      const response = await app.inject({ method: 'GET', url });
      expect({ url, headers: response.headers }).toMatchObject({
        url,
        headers: {
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'referrer-policy': 'no-referrer',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
          'strict-transport-security': 'max-age=31536000; includeSubDomains',
        },
      });
    }
  });

  it('answers a server error with an error id and no stack trace or internal message', async () => {
    const response = await app.inject({ method: 'GET', url: '/probe/boom' });
    expect(response.statusCode).toBe(500);
    const body = JSON.parse(response.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 500,
      code: 'INTERNAL.UNEXPECTED',
      errorId: expect.any(String) as unknown,
    });
    expect(response.body).not.toMatch(/secret-host|10\.0\.0\.7|\bat .+\.ts:\d+|stack/);
  });

  it('refuses a body over the limit with 413 and nothing echoed', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/probe/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'x'.repeat(4096) }),
    });
    expect(response.statusCode).toBe(413);
  });

  it('allows the configured browser origin and no other (CORS)', async () => {
    const preflight = (origin: string) =>
      app.inject({
        method: 'OPTIONS',
        url: '/probe/echo',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const allowed = await preflight('https://app.12345.example');
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.12345.example');
    expect(String(allowed.headers['access-control-allow-headers'])).toContain('authorization');

    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers at all when no origin is configured', async () => {
    const closed = await start();
    try {
      const response = await closed.inject({
        method: 'GET',
        url: '/healthz',
        headers: { origin: 'https://app.12345.example' },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await closed.close();
    }
  });
});
