import { Body, Controller, Get, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
  uuidParam,
} from '@jsjb/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReferenceReadModel } from '../reference/reference-read-model';
import { parseIdempotencyKey, residentQuerySchema, residentSubmitSchema } from './ticket.dto';
import { RESIDENT_SUBMIT_EXAMPLES } from './ticket.examples';
import { ticketNotFound, TicketService } from './ticket.service';
import { type ReferenceNames, referenceNames, residentTicketView } from './ticket.view';

/** The resident app and web: submit, and follow one's own tickets. */
@ApiTags('resident')
@ApiBearerAuth()
@Controller('resident/tickets')
export class ResidentController {
  private readonly names: ReferenceNames;

  constructor(
    private readonly tickets: TicketService,
    reference: ReferenceReadModel,
  ) {
    this.names = referenceNames(reference);
  }

  @Post()
  @ApiOperation({
    summary: 'Submit a request (app, web, mini-program) with media references; sent on for dispatch',
    description:
      'A possible duplicate waits for an operator; the number to follow is returned at once. Rate-limited per phone and address (429 with a code, never a silent drop).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'a unique token per submission' })
  @ApiZodBody(residentSubmitSchema, undefined, RESIDENT_SUBMIT_EXAMPLES)
  async submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const input = parseOrThrow(residentSubmitSchema, body);
    const result = await this.tickets.create({
      ...input,
      source: { kind: 'resident', subject: principal.subject },
      idempotencyKey: parseIdempotencyKey(key),
      clientIp: request.ip,
    });
    void reply.status(result.created ? 201 : 200);
    const timeline = await this.tickets.timeline(result.ticket.id);
    return residentTicketView(result.ticket, this.names, timeline);
  }

  @Get()
  @ApiOperation({ summary: 'My tickets, newest first' })
  @ApiZodQuery(residentQuerySchema)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const page = parseOrThrow(residentQuerySchema, query);
    const { total, rows } = await this.tickets.ofResident(principal.subject, page);
    return { total, ...page, items: rows.map((row) => residentTicketView(row, this.names)) };
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One of my tickets with its timeline: received, dispatched to whom, signed, contacted, replied, rated',
  })
  async get(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    const row = await this.tickets.get(uuidParam(id, 'TICKET.NOT_FOUND', 'ticket'));
    // Someone else's ticket is answered like one that does not exist.
    if (row.residentSubject !== principal.subject) throw ticketNotFound(id);
    return residentTicketView(row, this.names, await this.tickets.timeline(row.id));
  }
}
