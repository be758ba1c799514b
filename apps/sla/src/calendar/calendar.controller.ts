import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ApiZodQuery, CurrentPrincipal, parseOrThrow, type Principal } from '@jsjb/platform';
import type { FastifyReply } from 'fastify';
import {
  calendarIdSchema,
  changesQuerySchema,
  dateParamSchema,
  importExamples,
  importYearSchema,
  overrideExamples,
  overrideSchema,
  removeOverrideQuerySchema,
  yearSchema,
} from './calendar.dto';
import { CalendarService } from './calendar.service';

const calendarId = (value: string) => parseOrThrow(calendarIdSchema, value, 'id');
const year = (value: string) => parseOrThrow(yearSchema, value, 'year');
const date = (value: string) => parseOrThrow(dateParamSchema, value, 'date');

/** 工作日历 — working-day calendars: loaded years with their source, local overrides, imports, coverage. */
@ApiTags('calendars')
@ApiBearerAuth()
@Controller('calendars')
export class CalendarController {
  constructor(private readonly calendars: CalendarService) {}

  @Get()
  @ApiOperation({
    summary: 'Calendars, their schedule ids and loaded years with source, version and checksum',
  })
  list() {
    return this.calendars.list();
  }

  @Get(':id/coverage')
  @ApiOperation({
    summary:
      'Whether this year and next year are loaded (a missing year makes working-day deadlines fail closed)',
  })
  coverage(@Param('id') id: string) {
    return this.calendars.coverage(calendarId(id));
  }

  @Get(':id/years/:year')
  @ApiOperation({
    summary: 'A loaded year: source, holidays (节假日), 调休 make-up working days, local overrides',
  })
  year(@Param('id') id: string, @Param('year') value: string) {
    return this.calendars.year(calendarId(id), year(value));
  }

  @Get(':id/changes')
  @ApiOperation({ summary: 'Audit trail: years loaded or imported, overrides set or removed, newest first' })
  @ApiZodQuery(changesQuerySchema)
  changes(@Param('id') id: string, @Query() query: unknown) {
    return this.calendars.changes(calendarId(id), parseOrThrow(changesQuerySchema, query).limit);
  }

  @Put(':id/overrides/:date')
  @ApiOperation({
    summary: '本地调整 — mark a date holiday or working day; open deadlines touching it are recomputed',
  })
  @ApiZodBody(overrideSchema, undefined, overrideExamples)
  setOverride(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('date') value: string,
    @Body() body: unknown,
  ) {
    return this.calendars.setOverride(
      calendarId(id),
      date(value),
      parseOrThrow(overrideSchema, body),
      principal.subject,
    );
  }

  @Delete(':id/overrides/:date')
  @ApiOperation({
    summary: 'Remove a local override (reason required); open deadlines touching it are recomputed',
  })
  @ApiZodQuery(removeOverrideQuerySchema)
  removeOverride(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('date') value: string,
    @Query() query: unknown,
  ) {
    return this.calendars.removeOverride(
      calendarId(id),
      date(value),
      parseOrThrow(removeOverrideQuerySchema, query).reason,
      principal.subject,
    );
  }

  @Post(':id/years/:year/import')
  @ApiOperation({
    summary:
      'Load or replace a year from the packaged chinese-days data or by hand; open deadlines on changed dates are recomputed',
    description:
      '201 when loaded or replaced, 200 when the year already holds exactly these dates (`unchanged`).',
  })
  @ApiZodBody(importYearSchema, undefined, importExamples)
  async importYear(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('year') value: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.calendars.importYear(
      calendarId(id),
      year(value),
      parseOrThrow(importYearSchema, body),
      principal.subject,
    );
    void reply.status(result.status === 'unchanged' ? 200 : 201);
    return result;
  }
}
