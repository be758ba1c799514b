import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PLATFORM_CONFIG } from '../platform.tokens';
import type { BaseConfig } from '../config/config';
import { ReadinessRegistry, type ReadinessReport } from './health';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(ReadinessRegistry) private readonly readiness: ReadinessRegistry,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
  ) {}

  /** Liveness: the process is up and its event loop turns. Never checks dependencies. */
  @Get('healthz')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The process is alive.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every dependency answers within the timeout. 503 otherwise. */
  @Get('readyz')
  @ApiOkResponse({ description: 'All dependencies are reachable.' })
  @ApiServiceUnavailableResponse({ description: 'At least one dependency is down.' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.readiness.run(this.config.READINESS_TIMEOUT_MS);
    void reply.status(report.status === 'ready' ? 200 : 503);
    return report;
  }
}
