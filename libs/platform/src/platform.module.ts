import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { DEV_CLOCK_PERMISSIONS, PLATFORM_PERMISSIONS, type PermissionMap } from './auth/permissions';
import type { BaseConfig } from './config/config';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/health';
import { pinoParams } from './logging/logging';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics';
import { PERMISSIONS, PLATFORM_CONFIG, SERVICE_NAME } from './platform.tokens';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';
import { RateLimiter } from './rate-limit/rate-limiter';
import { Clock, ClockHooks } from './time/clock';
import { DevClockController } from './time/dev-clock.controller';

export interface PlatformModuleOptions {
  service: string;
  config: BaseConfig;
  /** Who may call each of the service's routes: every route needs a rule (see auth/permissions.ts). */
  permissions: PermissionMap;
}

/**
 * Configuration, logging, metrics, health, bearer-token auth, route rate limits and the audit trail
 * for a service: imported once by its AppModule, next to RedisModule (the rate limits count in Redis)
 * and DatabaseModule (whose client the audit trail writes with).
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [
        DiscoveryModule,
        LoggerModule.forRoot(pinoParams(options.service, options.config)),
        AuditModule,
      ],
      controllers: [
        HealthController,
        MetricsController,
        ...(options.config.DEV_CLOCK_CONTROL ? [DevClockController] : []),
      ],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: options.config },
        {
          provide: PERMISSIONS,
          useValue: {
            ...PLATFORM_PERMISSIONS,
            ...(options.config.DEV_CLOCK_CONTROL ? DEV_CLOCK_PERMISSIONS : {}),
            ...options.permissions,
          },
        },
        // Global guards run in this order: a client over its limit is refused before its token is read.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        // Counts in Redis: every service imports RedisModule too (boot fails without it).
        RateLimiter,
        {
          provide: Clock,
          useFactory: () => {
            const clock = new Clock();
            const start = options.config.DEV_CLOCK_START;
            if (start !== undefined) clock.advance(Date.parse(start) - Date.now());
            return clock;
          },
        },
        ClockHooks,
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: ReadinessRegistry, useValue: new ReadinessRegistry() },
        { provide: MetricsRegistry, useValue: new MetricsRegistry(options.service) },
      ],
      exports: [
        PLATFORM_CONFIG,
        SERVICE_NAME,
        ReadinessRegistry,
        MetricsRegistry,
        Clock,
        ClockHooks,
        RateLimiter,
      ],
    };
  }
}
