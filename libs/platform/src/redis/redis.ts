import {
  Inject,
  Injectable,
  Logger,
  type DynamicModule,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BaseConfig } from '../config/config';
import { PlatformError } from '../errors/platform.error';
import { ReadinessRegistry } from '../health/health';
import { PLATFORM_CONFIG, SERVICE_NAME } from '../platform.tokens';

/** host:port/db of a Redis URL, without credentials. */
export function describeRedis(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '6379'}${u.pathname || '/0'}`;
}

/** Every key a service writes starts with `<REDIS_KEY_PREFIX><service>:`, so services can share one Redis. */
export function createRedis(
  config: Pick<BaseConfig, 'REDIS_URL' | 'REDIS_KEY_PREFIX'>,
  service: string,
): Redis {
  return new Redis(config.REDIS_URL, {
    keyPrefix: `${config.REDIS_KEY_PREFIX}${service}:`,
    lazyConnect: true,
    maxRetriesPerRequest: 3,
    connectTimeout: 5000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
  });
}

/**
 * A Lua script run atomically by Redis: EVALSHA, loading the script once per Redis (after a restart
 * or failover it is gone again). Keys are prefixed by the client like any other.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** The service's Redis connection: connected at boot (boot fails without it), closed on shutdown. */
@Injectable()
export class RedisConnection implements OnModuleInit, OnModuleDestroy {
  readonly client: Redis;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
    @Inject(SERVICE_NAME) service: string,
    @Inject(ReadinessRegistry) registry: ReadinessRegistry,
  ) {
    this.client = createRedis(config, service);
    registry.register({ name: 'redis', check: async () => void (await this.client.ping()) });
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.client.connect();
      await this.client.ping();
    } catch (cause) {
      this.client.disconnect();
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new PlatformError(
        'REDIS.UNREACHABLE',
        `Redis ${describeRedis(this.config.REDIS_URL)} is unreachable: ${reason}`,
        {
          cause,
        },
      );
    }
    new Logger('Redis').log(`connected to ${describeRedis(this.config.REDIS_URL)}`);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.client.status === 'ready') await this.client.quit();
    else this.client.disconnect();
  }
}

export class RedisModule {
  static forRoot(): DynamicModule {
    return { module: RedisModule, global: true, providers: [RedisConnection], exports: [RedisConnection] };
  }
}
