import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Logger,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
  Roles,
  SkipAudit,
  uuidParam,
} from '@jsjb/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ReferenceReadModel } from '../reference/reference-read-model';
import { parseIdempotencyKey, operatorCreateSchema, ticketQuerySchema, triageSchema } from './ticket.dto';
import { CLASSIFY_EXAMPLES, OPERATOR_CREATE_EXAMPLES, TRIAGE_EXAMPLES } from './ticket.examples';
import { TicketService } from './ticket.service';
import { type ReferenceNames, referenceNames, ticketView, timelineView } from './ticket.view';

const classifySchema = z.object({ content: z.string().trim().min(1).max(4000) }).strict();

/**
 * Roles that see callers' names and numbers unmasked (each such read is audit-logged): the center's,
 * and the 回访 agents, who call the resident back.
 */
const UNMASKED_ROLES = new Set(['operator', 'dispatcher', 'admin', 'callback_agent']);

/** The 12345 center's ticket API: 受理, search, view and triage (直办 / 分流 / 转办). */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketController {
  private readonly audit = new Logger('audit');

  private readonly names: ReferenceNames;

  constructor(
    private readonly tickets: TicketService,
    reference: ReferenceReadModel,
  ) {
    this.names = referenceNames(reference);
  }

  @Post()
  @Roles('operator')
  @ApiOperation({
    summary: '受理 — record a ticket from a call; with `triage` the outcome is taken at once',
    description:
      'Type, category and urgency default to the classifier’s suggestion. Send an Idempotency-Key: a retry with the same key and body returns the same ticket (200), a different body with the key is a 422.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'a unique token per create, e.g. a UUID',
  })
  @ApiZodBody(operatorCreateSchema, undefined, OPERATOR_CREATE_EXAMPLES)
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const input = parseOrThrow(operatorCreateSchema, body);
    const result = await this.tickets.create({
      ...input,
      source: { kind: 'operator', operatorId: principal.subject },
      idempotencyKey: parseIdempotencyKey(key),
      clientIp: request.ip,
    });
    void reply.status(result.created ? 201 : 200);
    return {
      ...ticketView(result.ticket, this.names, false),
      duplicateOf: result.duplicate
        ? {
            ticketId: result.duplicate.masterId,
            number: result.duplicate.masterNumber,
            reason: result.duplicate.reason,
            similarity: result.duplicate.similarity,
            merged: result.duplicate.automatic,
          }
        : null,
    };
  }

  @Get()
  @Roles('operator', 'dispatcher', 'manager', 'admin')
  @ApiOperation({
    summary: 'Search tickets: status, channel, type, urgency, category, area, number, phone, words, time',
  })
  @ApiZodQuery(ticketQuerySchema)
  async search(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const parsed = parseOrThrow(ticketQuerySchema, query);
    const { total, rows } = await this.tickets.search(parsed);
    const masked = !UNMASKED_ROLES.has(principal.role);
    return {
      total,
      page: parsed.page,
      pageSize: parsed.pageSize,
      items: rows.map((row) => ticketView(row, this.names, masked)),
    };
  }

  @Get(':id')
  @Roles('operator', 'dispatcher', 'manager', 'admin', 'callback_agent')
  @ApiOperation({
    summary: 'One ticket with its timeline; callers unmasked for the center’s roles (audit-logged)',
  })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const row = await this.tickets.get(uuidParam(id, 'TICKET.NOT_FOUND', 'ticket'));
    const masked = !UNMASKED_ROLES.has(principal.role);
    if (!masked && (row.callerName || row.callerPhone)) {
      this.audit.log({
        audit: 'personal-data.read',
        ticketId: row.id,
        subject: principal.subject,
        role: principal.role,
      });
    }
    const timeline = await this.tickets.timeline(row.id);
    return { ...ticketView(row, this.names, masked), timeline: timeline.map(timelineView) };
  }

  @Post(':id/triage')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary: 'Triage a pending ticket: 转办 dispatch (ticket.received), 直办 direct reply, or 分流 diversion',
  })
  @ApiZodBody(triageSchema, undefined, TRIAGE_EXAMPLES)
  async triage(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    const row = await this.tickets.triage(
      uuidParam(id, 'TICKET.NOT_FOUND', 'ticket'),
      parseOrThrow(triageSchema, body),
      principal.subject,
    );
    return ticketView(row, this.names, false);
  }
}

/** Classification for the operator's form: a suggestion while they type. */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('classify')
export class ClassifyController {
  constructor(private readonly tickets: TicketService) {}

  @Post()
  @HttpCode(200)
  @Roles('operator', 'dispatcher')
  @SkipAudit() // a suggestion computed from the text while the operator types: nothing changes
  @ApiOperation({ summary: 'Suggest request type, category and urgency for a text, with confidences' })
  @ApiZodBody(classifySchema, undefined, CLASSIFY_EXAMPLES)
  classify(@Body() body: unknown) {
    return this.tickets.classify(parseOrThrow(classifySchema, body).content);
  }
}
