import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import type { BaseConfig } from './config/config';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/health';
import { pinoParams } from './logging/logging';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics';
import { PLATFORM_CONFIG, SERVICE_NAME } from './platform.tokens';
import { Clock } from './time/clock';

export interface PlatformModuleOptions {
  service: string;
  config: BaseConfig;
}

/**
 * Configuration, logging, metrics, health, bearer-token auth and the audit trail for a service:
 * imported once by its AppModule (next to DatabaseModule, whose client the audit trail writes with).
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    return {
      module: PlatformModule,
      global: true,
      imports: [LoggerModule.forRoot(pinoParams(options.service, options.config)), AuditModule],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: options.config },
        { provide: APP_GUARD, useClass: AuthGuard },
        Clock,
        { provide: SERVICE_NAME, useValue: options.service },
        { provide: ReadinessRegistry, useValue: new ReadinessRegistry() },
        { provide: MetricsRegistry, useValue: new MetricsRegistry(options.service) },
      ],
      exports: [PLATFORM_CONFIG, SERVICE_NAME, ReadinessRegistry, MetricsRegistry, Clock],
    };
  }
}
