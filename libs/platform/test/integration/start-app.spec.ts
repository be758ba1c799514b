import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { createApp, startApp } from '../../src/bootstrap/create-app';
import { baseConfigSchema, loadConfig } from '../../src/config/config';
import { DatabaseModule } from '../../src/database/prisma';
import { PlatformModule } from '../../src/platform.module';
import { APP_CONNECTORS } from '../../src/platform.tokens';
import { RedisModule } from '../../src/redis/redis';
import { postgresUrl, redisUrl, testPrismaService } from '../support';

const steps: string[] = [];

/** A transport that, like the Kafka consumer, would deliver messages as soon as it listens. */
class RecordingTransport extends Server implements CustomTransportStrategy {
  listen(callback: () => void): void {
    steps.push('transport listens');
    callback();
  }
  close(): void {}
  on(): void {}
  unwrap<T>(): T {
    throw new Error('not a wrapped client');
  }
}

/** A feature that subscribes to an in-process bus in its init hook (as sla's clocks do). */
@Injectable()
class Subscriber implements OnModuleInit {
  onModuleInit(): void {
    steps.push('features subscribe');
  }
}

describe('startApp', () => {
  it('runs every init hook before a transport listens, then serves HTTP', async () => {
    const config = loadConfig(baseConfigSchema, {
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: postgresUrl,
      REDIS_URL: redisUrl,
    });
    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'test', config, permissions: {} }),
        DatabaseModule.forRoot(testPrismaService(postgresUrl)),
        RedisModule.forRoot(),
      ],
      providers: [
        Subscriber,
        {
          provide: APP_CONNECTORS,
          useValue: [
            (app: { connectMicroservice(o: object): unknown }) =>
              app.connectMicroservice({ strategy: new RecordingTransport() }),
          ],
        },
      ],
    })
    class TestModule {}
    const app = await createApp({ module: TestModule, config, openApi: { title: 't', description: 't' } });
    try {
      await startApp(app);
      expect(steps).toEqual(['features subscribe', 'transport listens']);
      const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
