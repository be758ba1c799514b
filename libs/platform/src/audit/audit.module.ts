import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditController } from './audit.controller';
import { AuditInterceptor } from './audit.interceptor';
import { AuditRepository } from './audit.repository';

/**
 * The audit trail of a service: the interceptor that records every state-changing request in the
 * service's `audit_log` table, and GET /audit. Imported by PlatformModule; needs DatabaseModule.
 */
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
})
export class AuditModule {}
