import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
  SkipAudit,
  uuidParam,
} from '@jsjb/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accessReader } from '../privacy/access-reader';
import { PURPOSE_HEADER, seesCallerUnmasked } from '../privacy/privacy.policy';
import { ReferenceReadModel } from '../reference/reference-read-model';
import { parseIdempotencyKey, operatorCreateSchema, ticketQuerySchema, triageSchema } from './ticket.dto';
import { CLASSIFY_EXAMPLES, OPERATOR_CREATE_EXAMPLES, TRIAGE_EXAMPLES } from './ticket.examples';
import { TicketService, ticketNotFound } from './ticket.service';
import { type ReferenceNames, referenceNames, ticketView, timelineView } from './ticket.view';
import { maySeeTicket, scopedTicketQuery } from './ticket.scope';

const classifySchema = z.object({ content: z.string().trim().min(1).max(4000) }).strict();

/** The access log's purpose of a center role's ticket view without X-Access-Purpose. */
const VIEW_PURPOSE = 'ticket handling';
/** The access log's purpose of an admin's contact read without X-Access-Purpose (units must give one). */
const CONTACT_PURPOSE = 'contact the resident';

/** The 12345 center's ticket API: 受理, search, view and triage (直办 / 分流 / 转办). */
@ApiTags('tickets')
@ApiBearerAuth()
@Controller('tickets')
export class TicketController {
  private readonly names: ReferenceNames;

  constructor(
    private readonly tickets: TicketService,
    reference: ReferenceReadModel,
  ) {
    this.names = referenceNames(reference);
  }

  @Post()
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
    // The operator typed the caller in: nothing needs them echoed in the clear.
    return {
      ...ticketView(result.ticket, this.names, this.tickets.maskedCaller(result.ticket)),
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
  @ApiOperation({
    summary: 'Search tickets: status, channel, type, urgency, category, area, number, phone, words, time',
    description:
      'Callers are masked in the list for every role: open one ticket to see its caller (a logged read). A phone is looked up by its keyed hash.',
  })
  @ApiZodQuery(ticketQuerySchema)
  async search(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const parsed = parseOrThrow(ticketQuerySchema, query);
    const { total, rows } = await this.tickets.search(scopedTicketQuery(principal, parsed));
    return {
      total,
      page: parsed.page,
      pageSize: parsed.pageSize,
      items: rows.map((row) => ticketView(row, this.names, this.tickets.maskedCaller(row))),
    };
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One ticket with its timeline; the caller in the clear for the center’s roles, each such read logged',
    description:
      'Operators, dispatchers, 回访 agents and admins see the caller unmasked, and the read is written to the access log (个人信息查阅记录) before the answer goes out — if it cannot be, the read fails with 503 PRIVACY.ACCESS_NOT_LOGGED. Managers see masked values.',
  })
  @ApiHeader({
    name: PURPOSE_HEADER,
    required: false,
    description: `why the caller is read (≤ 200 characters; non-ASCII percent-encoded UTF-8); default “${VIEW_PURPOSE}”`,
  })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ) {
    // The purpose is checked before anything is read.
    const reader = seesCallerUnmasked(principal.role) ? accessReader(principal, request, VIEW_PURPOSE) : null;
    const { row, caller, timeline } = await this.tickets.view(
      uuidParam(id, 'TICKET.NOT_FOUND', 'ticket'),
      reader,
    );
    // Outside a manager's scope the ticket does not exist for them (no existence leak). Managers
    // read masked, so nothing was logged.
    if (!maySeeTicket(principal, row)) throw ticketNotFound(row.id);
    return { ...ticketView(row, this.names, caller), timeline: timeline.map(timelineView) };
  }

  @Get(':id/contact')
  @ApiOperation({
    summary: '联系诉求人 — the caller’s name and phone for the unit handling the ticket (logged)',
    description:
      'For the ticket’s lead unit (主办) as intake’s status view knows it: another unit’s ticket is 404, as if it did not exist; a confidential (保密) ticket is 403 INTAKE.CALLER_CONFIDENTIAL — the unit reaches the resident through the hotline. X-Access-Purpose is required (400 naming the header). Each read is written to the access log before the answer goes out.',
  })
  @ApiHeader({
    name: PURPOSE_HEADER,
    required: true,
    description:
      'why the contact is needed, e.g. “核实现场情况” (≤ 200 characters; non-ASCII percent-encoded UTF-8)',
  })
  async contact(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ) {
    const reader = accessReader(principal, request, CONTACT_PURPOSE);
    const { row, caller } = await this.tickets.contact(uuidParam(id, 'TICKET.NOT_FOUND', 'ticket'), reader);
    return { ticketId: row.id, number: row.number, caller };
  }

  @Post(':id/triage')
  @HttpCode(200)
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
    return ticketView(row, this.names, this.tickets.maskedCaller(row));
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
  @SkipAudit() // a suggestion computed from the text while the operator types: nothing changes
  @ApiOperation({ summary: 'Suggest request type, category and urgency for a text, with confidences' })
  @ApiZodBody(classifySchema, undefined, CLASSIFY_EXAMPLES)
  classify(@Body() body: unknown) {
    return this.tickets.classify(parseOrThrow(classifySchema, body).content);
  }
}
