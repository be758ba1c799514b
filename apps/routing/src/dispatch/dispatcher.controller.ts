import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  NotFoundError,
  parseOrThrow,
  type Principal,
} from '@jsjb/platform';
import {
  manualCorrectionSchema,
  manualDispatchSchema,
  manualQueueQuerySchema,
  redispatchSchema,
} from './dispatcher.dto';
import { DispatcherService } from './dispatcher.service';

/** A ticket id that cannot exist is reported like one that does not. */
function ticketParam(value: string): string {
  if (value.length === 0 || value.length > 100)
    throw new NotFoundError('TICKET.NOT_FOUND', `No ticket ${value}.`);
  return value;
}

/** The dispatch center (派单员): the manual-dispatch queue and 改派 of dispatched tickets. */
@ApiTags('dispatch center')
@ApiBearerAuth()
@Controller()
export class DispatcherController {
  constructor(private readonly dispatcher: DispatcherService) {}

  @Get('dispatch/manual')
  @ApiOperation({
    summary:
      '人工派单 queue: tickets the rules could not dispatch, oldest first, with the reason and the location as received and resolved',
  })
  @ApiZodQuery(manualQueueQuerySchema)
  queue(@Query() query: unknown) {
    const q = parseOrThrow(manualQueueQuerySchema, query);
    return this.dispatcher.manualQueue(q.page, q.pageSize);
  }

  @Post('dispatch/manual/:ticketId/dispatch')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Dispatch a queued ticket to the chosen lead and co-handlers (a street lead is copied to its district); rule manual:<dispatcher>',
  })
  @ApiZodBody(manualDispatchSchema)
  dispatch(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId') ticketId: string,
    @Body() body: unknown,
  ) {
    return this.dispatcher.dispatchManual(
      principal,
      ticketParam(ticketId),
      parseOrThrow(manualDispatchSchema, body),
    );
  }

  @Post('dispatch/manual/:ticketId/correct')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Correct a queued ticket’s category and/or location and re-run the automatic rules: status dispatched, or manual with the new reason',
  })
  @ApiZodBody(manualCorrectionSchema)
  correct(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId') ticketId: string,
    @Body() body: unknown,
  ) {
    return this.dispatcher.correct(
      principal,
      ticketParam(ticketId),
      parseOrThrow(manualCorrectionSchema, body),
    );
  }

  @Post('tickets/:ticketId/redispatch')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '改派 by the center: the current cycle’s open assignments are reassigned to the chosen units (before the reply)',
  })
  @ApiZodBody(redispatchSchema)
  redispatch(
    @CurrentPrincipal() principal: Principal,
    @Param('ticketId') ticketId: string,
    @Body() body: unknown,
  ) {
    return this.dispatcher.redispatch(principal, ticketParam(ticketId), parseOrThrow(redispatchSchema, body));
  }
}
