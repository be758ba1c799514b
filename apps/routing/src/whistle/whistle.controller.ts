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
import {
  assessmentQuerySchema,
  blowSchema,
  checkInSchema,
  closeSchema,
  listQuerySchema,
} from './whistle.dto';
import { WhistleService } from './whistle.service';

/** An id that cannot exist is reported like one that does not. */
function whistleId(value: string): string {
  return uuidParam(value, 'WHISTLE.NOT_FOUND', 'whistle');
}

/** 街道吹哨·部门报到 — streets summon units on site; the units check in; the center assesses both (双考核). */
@ApiTags('whistles')
@ApiBearerAuth()
@Controller('whistles')
export class WhistleController {
  constructor(private readonly whistles: WhistleService) {}

  @Post()
  @ApiOperation({
    summary: '吹哨 — a street summons departments, utilities or district governments to check in on site',
  })
  @ApiZodBody(blowSchema)
  blow(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.whistles.blow(principal, parseOrThrow(blowSchema, body));
  }

  @Get('assessment')
  @ApiOperation({
    summary:
      '双考核 — per summoned unit: on time, late, absent, pending; per street: blown, closed, resolved',
  })
  @ApiZodQuery(assessmentQuerySchema)
  assessment(@Query() query: unknown) {
    return this.whistles.assessment(parseOrThrow(assessmentQuerySchema, query));
  }

  @Get()
  @ApiOperation({
    summary: 'Whistles: a street’s own, a unit’s summonses; the center sees all, newest first',
  })
  @ApiZodQuery(listQuerySchema)
  list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.whistles.list(principal, parseOrThrow(listQuerySchema, query));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One whistle with each summons: due time, check-in, on time / late / absent / pending',
  })
  detail(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.whistles.detail(principal, whistleId(id));
  }

  @Post(':id/check-in')
  @HttpCode(200)
  @ApiOperation({ summary: '报到 — a summoned unit checks in on site (time, place); late is recorded' })
  @ApiZodBody(checkInSchema)
  checkIn(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.whistles.checkIn(principal, whistleId(id), parseOrThrow(checkInSchema, body));
  }

  @Post(':id/close')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The street closes its whistle with the outcome; units never checked in count as absent',
  })
  @ApiZodBody(closeSchema)
  close(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.whistles.close(principal, whistleId(id), parseOrThrow(closeSchema, body));
  }
}
