import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseOrThrow } from '../errors/zod-errors';
import { ApiZodQuery } from '../http/zod-openapi';
import { auditQuerySchema, toAuditQuery } from './audit-query';
import { type AuditPage, AuditRepository } from './audit.repository';

const PAGE_EXAMPLE = {
  items: [
    {
      id: '0b8f7d1e-6a43-4f1e-9d2c-2f0a7c1b5e10',
      at: '2026-12-21T09:30:12.345Z',
      actor: { subject: 'op-1001', role: 'operator', unitId: null },
      action: 'POST /tickets/:id/triage',
      resourceIds: { id: '5d2c6a1e-0f7b-4b8e-9a31-6c1d2e3f4a5b' },
      status: 200,
      errorCode: null,
      requestId: '7f3e2d1c-…',
      before: { status: 'pending', urgency: 'general', categoryCode: 'city.facility.manhole' },
      after: { id: '5d2c6a1e-0f7b-4b8e-9a31-6c1d2e3f4a5b', number: '20261221000123', status: 'forwarded' },
      bodyFields: ['outcome'],
    },
  ],
  nextCursor: 'WyIyMDI2LTEyLTIxVDA5OjMwOjEyLjM0NVoiLCIwYjhmN2QxZS0uLi4iXQ',
};

/** The service's audit trail, for administrators. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(@Inject(AuditRepository) private readonly repository: AuditRepository) {}

  @Get()
  @ApiOperation({
    summary: 'Audit trail: every state-changing request of this service, newest first (admin only)',
    description:
      'One row per POST/PUT/PATCH/DELETE that reached its handler: actor, time, route key, resource ids, status and error code, request id, before/after summaries (ids, states, versions, times — never personal data) and the body’s field names. Filters combine; pages follow `nextCursor`. 400 names each bad parameter.',
  })
  @ApiZodQuery(auditQuerySchema)
  @ApiOkResponse({
    description: 'A page of rows and the cursor of the next',
    schema: { example: PAGE_EXAMPLE },
  })
  list(@Query() query: unknown): Promise<AuditPage> {
    return this.repository.page(toAuditQuery(parseOrThrow(auditQuerySchema, query)));
  }
}
