import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  uuidParam,
  parseOrThrow,
  type Principal,
} from '@jsjb/platform';
import { z } from 'zod';
import {
  contactSchema,
  disputeDecisionSchema,
  extensionDecisionSchema,
  extensionRequestSchema,
  inboxQuerySchema,
  progressSchema,
  queueQuerySchema,
  replySchema,
  reportSchema,
  returnSchema,
  subAssignSchema,
  subResultSchema,
} from './workflow.dto';
import { WorkflowService } from './workflow.service';

const idParam = uuidParam;
const teamWorkQuerySchema = z
  .object({ status: z.enum(['assigned', 'done', 'withdrawn']).optional() })
  .strict();

/** A unit's inbox and its steps on its assignments (scoped to the caller's unit). */
@ApiTags('unit workflow')
@ApiBearerAuth()
@Controller()
export class WorkflowController {
  constructor(private readonly workflow: WorkflowService) {}

  @Get('assignments')
  @ApiOperation({
    summary:
      'Inbox (待办): the unit’s assignments with deadlines and flags, 紧急工单 and nearest deadline first',
  })
  @ApiZodQuery(inboxQuerySchema)
  inbox(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.workflow.inbox(principal, parseOrThrow(inboxQuerySchema, query));
  }

  @Get('assignments/:id')
  @ApiOperation({
    summary: 'One assignment: ticket, deadlines, work log, disputes, extensions, 下派, co-handlers’ reports',
  })
  detail(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.workflow.detail(principal, idParam(id, 'ASSIGNMENT.NOT_FOUND'));
  }

  @Post('assignments/:id/sign')
  @HttpCode(200)
  @ApiOperation({ summary: '签收 — sign the assignment in' })
  sign(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.workflow.sign(principal, idParam(id, 'ASSIGNMENT.NOT_FOUND'));
  }

  @Post('assignments/:id/return')
  @HttpCode(200)
  @ApiOperation({
    summary: '退单 — return the order with a reason, within the dispute window; the center reviews',
  })
  @ApiZodBody(returnSchema)
  return(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.return(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(returnSchema, body),
    );
  }

  @Post('assignments/:id/contacts')
  @ApiOperation({ summary: '响应 — log a contact with the resident (time, method, result)' })
  @ApiZodBody(contactSchema)
  contact(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.contact(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(contactSchema, body),
    );
  }

  @Post('assignments/:id/progress')
  @ApiOperation({ summary: '办理 — add a progress note' })
  @ApiZodBody(progressSchema)
  progress(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.progress(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(progressSchema, body),
    );
  }

  @Post('assignments/:id/extension-requests')
  @ApiOperation({
    summary: '延期 — ask the center for a later reply deadline (lead only; explained to the resident)',
  })
  @ApiZodBody(extensionRequestSchema)
  requestExtension(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.requestExtension(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(extensionRequestSchema, body),
    );
  }

  @Post('assignments/:id/report')
  @HttpCode(200)
  @ApiOperation({ summary: '协办反馈 — a co-handler reports its part to the lead (co-handlers only)' })
  @ApiZodBody(reportSchema)
  report(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.report(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(reportSchema, body),
    );
  }

  @Post('assignments/:id/reply')
  @HttpCode(200)
  @ApiOperation({
    summary: '办结 — the lead’s reply: text, result (resolved/explained/cannot-resolve), attachments',
  })
  @ApiZodBody(replySchema)
  reply(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.reply(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(replySchema, body),
    );
  }

  @Post('assignments/:id/sub-assignments')
  @ApiOperation({ summary: '下派 — hand the order to one of the street’s grid teams with a sub-deadline' })
  @ApiZodBody(subAssignSchema)
  subAssign(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.subAssign(
      principal,
      idParam(id, 'ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(subAssignSchema, body),
    );
  }

  @Get('sub-assignments')
  @ApiOperation({ summary: 'What the caller’s grid teams have been handed (网格员 view)' })
  @ApiZodQuery(teamWorkQuerySchema)
  teamWork(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.workflow.teamWork(principal, parseOrThrow(teamWorkQuerySchema, query).status);
  }

  @Post('sub-assignments/:id/result')
  @HttpCode(200)
  @ApiOperation({ summary: 'The grid team’s on-site result (现场处置), back into the unit’s work' })
  @ApiZodBody(subResultSchema)
  subResult(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.subResult(
      principal,
      idParam(id, 'SUB_ASSIGNMENT.NOT_FOUND'),
      parseOrThrow(subResultSchema, body),
    );
  }

  @Post('sub-assignments/:id/withdraw')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a 下派 back from the grid team' })
  withdrawSub(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.workflow.withdrawSub(principal, idParam(id, 'SUB_ASSIGNMENT.NOT_FOUND'));
  }

  @Get('disputes')
  @ApiOperation({ summary: '异议审核 queue: returned orders waiting for (or past) review' })
  @ApiZodQuery(queueQuerySchema)
  async disputes(@Query() query: unknown) {
    const q = parseOrThrow(queueQuerySchema, query);
    return {
      page: q.page,
      pageSize: q.pageSize,
      ...(await this.workflow.pendingDisputes(q.status, q.page, q.pageSize)),
    };
  }

  @Post('disputes/:id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Decide a return: approve → 改派 to the corrected unit; reject → back to the unit',
  })
  @ApiZodBody(disputeDecisionSchema)
  decideDispute(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.decideDispute(
      principal,
      idParam(id, 'DISPUTE.NOT_FOUND'),
      parseOrThrow(disputeDecisionSchema, body),
    );
  }

  @Get('extensions')
  @ApiOperation({ summary: '延期 requests waiting for (or past) the center’s decision' })
  @ApiZodQuery(queueQuerySchema)
  async extensions(@Query() query: unknown) {
    const q = parseOrThrow(queueQuerySchema, query);
    return {
      page: q.page,
      pageSize: q.pageSize,
      ...(await this.workflow.pendingExtensions(q.status, q.page, q.pageSize)),
    };
  }

  @Post('extensions/:id/decision')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve (new reply deadline) or refuse an extension request' })
  @ApiZodBody(extensionDecisionSchema)
  decideExtension(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.workflow.decideExtension(
      principal,
      idParam(id, 'EXTENSION.NOT_FOUND'),
      parseOrThrow(extensionDecisionSchema, body),
    );
  }
}
