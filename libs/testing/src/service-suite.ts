import type { DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, loadConfig, RedisConnection, startApp, type BaseConfig } from '@jsjb/platform';
import { Redis } from 'ioredis';
import type { z } from 'zod';
import { startDevBroker, type DevBroker } from '@jsjb/kafka-dev-broker';
import { externalKafkaBrokers, testRedisUrl } from './environment';
import { schemaDrift } from './schema-drift';
import { waitFor } from './wait-for';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ServiceSuiteOptions<C extends BaseConfig> {
  service: string;
  configSchema: z.ZodType<C>;
  appModule: (config: C) => DynamicModule;
  /** The service's prisma/migrations folder. */
  migrationsDir: string;
  /** The DMMF written by `prisma generate` (src/generated/dmmf.json). */
  dmmfPath: string;
}

export interface TestApp<C extends BaseConfig> {
  app: NestFastifyApplication;
  config: C;
  database: TestDatabase;
  /** The in-process dev broker, unless KAFKA_BROKERS points at a real Kafka. */
  broker: DevBroker | undefined;
  /** Stops the service and boots it again on the same database, Redis prefix and broker (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** The run's Redis keys (timers, counters, rate limits) go with its database. */
async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * Boots a service in-process against its own freshly migrated database and real Redis
 * (keys under a unique prefix). `close()` stops it and drops the database.
 */
export async function startTestApp<C extends BaseConfig>(
  options: Omit<ServiceSuiteOptions<C>, 'dmmfPath'>,
  env: Record<string, string> = {},
): Promise<TestApp<C>> {
  const database = await createTestDatabase(options.service, options.migrationsDir);
  const external = externalKafkaBrokers();
  const broker = external ? undefined : await startDevBroker();
  // Only keys under this run's own prefix are dropped (an overridden prefix may be shared).
  const redisPrefix = `jsjb:test:${database.name}:`;
  let redisUrl = testRedisUrl();
  const cleanUp = async (): Promise<void> => {
    await database.drop();
    await dropRedisKeys(redisUrl, redisPrefix);
    await broker?.stop();
  };
  try {
    const config = loadConfig(options.configSchema, {
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      REDIS_KEY_PREFIX: redisPrefix,
      KAFKA_BROKERS: external ?? broker?.brokers ?? '',
      KAFKA_CONSUMER_GROUP: `jsjb-test-${database.name}`,
      ...env,
    });
    redisUrl = config.REDIS_URL;
    const boot = async (): Promise<NestFastifyApplication> => {
      const app = await createApp({
        module: options.appModule(config),
        config,
        openApi: { title: `jsjb ${options.service} (test)`, description: 'test instance' },
      });
      await startApp(app);
      return app;
    };
    const testApp: TestApp<C> = {
      app: await boot(),
      config,
      database,
      broker,
      restart: async () => {
        await testApp.app.close();
        testApp.app = await boot();
      },
      close: async () => {
        await testApp.app.close();
        await cleanUp();
      },
    };
    return testApp;
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The foundation every service must keep: probes, metrics, docs, problem details, no schema drift. */
export function describeServiceFoundation<C extends BaseConfig>(options: ServiceSuiteOptions<C>): void {
  describe(`${options.service} service foundation`, () => {
    let sut: TestApp<C>;

    // Booting migrates a fresh database: on a loaded machine that outlasts Jest's 5 s default.
    beforeAll(async () => {
      sut = await startTestApp(options);
    }, 60_000);

    afterAll(async () => {
      await sut?.close();
    }, 60_000);

    it('answers liveness on /healthz', async () => {
      const res = await sut.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('is ready on /readyz when its database, Redis and Kafka answer', async () => {
      const res = await sut.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ status: string; checks: { name: string; status: string }[] }>();
      expect(body.status).toBe('ready');
      expect(body.checks.map((c) => [c.name, c.status]).sort()).toEqual([
        ['database', 'up'],
        ['kafka', 'up'],
        ['redis', 'up'],
      ]);
    });

    it('exposes default and HTTP metrics for Prometheus', async () => {
      await sut.app.inject({ method: 'GET', url: '/healthz' });
      const res = await sut.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain('process_cpu_user_seconds_total');
      expect(res.body).toMatch(
        new RegExp(
          `http_request_duration_seconds_count\\{service="${options.service}",method="GET",route="/healthz",status_code="200"\\} [1-9]`,
        ),
      );
    });

    it('serves the OpenAPI UI at /docs and its document', async () => {
      const ui = await sut.app.inject({ method: 'GET', url: '/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.body).toContain('swagger');
      const doc = await sut.app.inject({ method: 'GET', url: '/docs/openapi.json' });
      expect(doc.statusCode).toBe(200);
      expect(doc.json<{ paths: Record<string, unknown> }>().paths).toHaveProperty('/readyz');
    });

    it('answers an unknown route with problem details and a request id', async () => {
      const res = await sut.app.inject({ method: 'GET', url: '/no-such-route' });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json()).toMatchObject({
        status: 404,
        code: 'HTTP.NOT_FOUND',
        title: 'Not Found',
        errors: [],
      });
    });

    it("keeps the caller's request id", async () => {
      const res = await sut.app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { 'x-request-id': 'call-12345-abc' },
      });
      expect(res.headers['x-request-id']).toBe('call-12345-abc');
    });

    it('rejects malformed JSON with a stable code', async () => {
      const res = await sut.app.inject({
        method: 'POST',
        url: '/healthz',
        headers: { 'content-type': 'application/json' },
        payload: '{"broken":',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: 'REQUEST.MALFORMED_JSON',
        errors: [{ field: '(body)', code: 'malformed_json' }],
      });
    });

    it('writes Redis keys under the prefix and its own name', async () => {
      await sut.app.get(RedisConnection).client.set('probe', 'here', 'EX', 60);
      const raw = new Redis(testRedisUrl());
      try {
        expect(await raw.get(`${sut.config.REDIS_KEY_PREFIX}${options.service}:probe`)).toBe('here');
      } finally {
        await raw.quit();
      }
    });

    it('has migrations that build exactly what schema.prisma declares', async () => {
      expect(await schemaDrift(options.dmmfPath, sut.database.url)).toEqual([]);
    });

    // A real Kafka is shared and not ours to take away; the dev broker is suspended and resumed.
    (externalKafkaBrokers() ? it.skip : it)(
      'is not ready while Kafka is down, and ready again after',
      async () => {
        const readiness = async (): Promise<{ status: number; kafka: string | undefined }> => {
          const res = await sut.app.inject({ method: 'GET', url: '/readyz' });
          const body = res.json<{ checks: { name: string; status: string }[] }>();
          return { status: res.statusCode, kafka: body.checks.find((c) => c.name === 'kafka')?.status };
        };
        await sut.broker?.suspend();
        try {
          expect(await readiness()).toEqual({ status: 503, kafka: 'down' });
        } finally {
          await sut.broker?.resume();
        }
        await waitFor(async () => (await readiness()).status === 200, {
          description: 'readiness after Kafka is back',
          timeoutMs: 30_000,
          intervalMs: 200,
        });
      },
    );
  });
}
