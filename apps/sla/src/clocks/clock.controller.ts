import { Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodQuery,
  Clock,
  ForbiddenError,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
} from '@jsjb/platform';
import type { Clock as DeadlineClock } from './clock.domain';
import { deadlineQuerySchema, ticketClocksQuerySchema, trackingQuerySchema } from './clock.dto';
import { ClockRepository } from './clock.repository';
import { ClockService } from './clock.service';

/** A manager scoped to a district sees that district only; asking for another is refused. */
function scopedDistrict(principal: Principal, asked: string | undefined): string | undefined {
  if (principal.role !== 'manager' || !principal.districtCode) return asked;
  if (asked && asked !== principal.districtCode)
    throw new ForbiddenError('SLA.OUT_OF_SCOPE', `Your scope is district ${principal.districtCode}`, [
      { field: 'districtCode', code: 'out_of_scope', message: `only ${principal.districtCode}` },
    ]);
  return principal.districtCode;
}

/** Deadlines for the center and managers: a ticket's clocks, overdue and at-risk lists, the 重大 tracking board. */
@ApiTags('deadlines')
@ApiBearerAuth()
@Controller()
export class ClockController {
  constructor(
    private readonly clocks: ClockRepository,
    private readonly service: ClockService,
    private readonly time: Clock,
  ) {}

  @Get('clocks')
  @ApiOperation({
    summary:
      'A ticket’s clocks: policy version and rule, due time, wall and schedule time, breached/everBreached, due-time changes',
  })
  @ApiZodQuery(ticketClocksQuerySchema)
  async ofTicket(@Query() query: unknown) {
    const { ticketId } = parseOrThrow(ticketClocksQuerySchema, query);
    return { ticketId, items: (await this.clocks.clocksOf(ticketId)).map((c) => this.view(c)) };
  }

  @Get('deadlines/overdue')
  @ApiOperation({ summary: '超时 — running clocks past their due time (督办 sent), oldest due first' })
  @ApiZodQuery(deadlineQuerySchema)
  overdue(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.list('overdue', principal, query);
  }

  @Get('deadlines/at-risk')
  @ApiOperation({ summary: '临期 — running clocks past a warning threshold (催办 sent) and not yet due' })
  @ApiZodQuery(deadlineQuerySchema)
  atRisk(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.list('at-risk', principal, query);
  }

  @Get('tracking')
  @ApiOperation({ summary: '重大问题跟踪办 — tracked matters with their next progress report due' })
  @ApiZodQuery(trackingQuerySchema)
  async tracking(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const q = parseOrThrow(trackingQuerySchema, query);
    const { tickets, clocks, total } = await this.clocks.tracked(
      scopedDistrict(principal, q.districtCode),
      q.limit,
      q.offset,
    );
    return {
      total,
      items: tickets.map((t) => {
        const report = clocks.find((c) => c.ticketId === t.ticketId);
        return {
          ticketId: t.ticketId,
          number: t.number,
          categoryCode: t.categoryCode,
          districtCode: t.districtCode,
          status: t.status,
          cycle: t.cycle,
          nextReport: report ? this.view(report) : null,
        };
      }),
    };
  }

  @Post('timers/sweep')
  @ApiOperation({
    summary: 'Arm again the timers of clocks due over a minute ago that were not handled (lost timers)',
  })
  async sweep() {
    return { armed: await this.service.sweepMissed() };
  }

  private async list(view: 'overdue' | 'at-risk', principal: Principal, query: unknown) {
    const q = parseOrThrow(deadlineQuerySchema, query);
    const unitId = principal.role === 'manager' && principal.unitId ? principal.unitId : q.unitId;
    const { items, total } = await this.clocks.list({
      view,
      now: this.time.now(),
      kind: q.kind,
      unitId,
      districtCode: scopedDistrict(principal, q.districtCode),
      limit: q.limit,
      offset: q.offset,
    });
    return { total, items: items.map((c) => this.view(c)) };
  }

  private view(clock: DeadlineClock & { changes?: unknown[] }) {
    const now = this.time.now();
    const { naturalKey: _key, version: _version, ...rest } = clock;
    const running = clock.state === 'running';
    return {
      ...rest,
      breached: running ? now.getTime() > clock.dueAt.getTime() : clock.breached,
      everBreached: clock.everBreached || (running && now.getTime() > clock.dueAt.getTime()),
      elapsedWallMinutes: running
        ? Math.round((now.getTime() - clock.startedAt.getTime()) / 60_000)
        : clock.elapsedWallMinutes,
    };
  }
}
