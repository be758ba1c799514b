import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ValidationError } from '../errors/app.error';
import { parseOrThrow } from '../errors/zod-errors';
import { ApiZodBody } from '../http/zod-openapi';
import { Clock, ClockHooks } from './clock';

const moveSchema = z
  .object({
    /** Move forward by this many milliseconds. */
    advanceMs: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 3600_000)
      .optional(),
    /** Move forward to this instant (never back: timers and clocks only go forward). */
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

/**
 * 开发时钟 — the development and test control of the service's clock (DEV_CLOCK_CONTROL=true,
 * refused in production): system tests and the demo move time forward in every service instead of
 * waiting, and the service runs what became due (sla: its timers).
 */
@ApiTags('development')
@Controller('dev/clock')
export class DevClockController {
  constructor(
    @Inject(Clock) private readonly clock: Clock,
    @Inject(ClockHooks) private readonly hooks: ClockHooks,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The service’s time and how far it is ahead of real time' })
  now() {
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset() };
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Move the service’s time forward (advanceMs or to), then run what became due',
  })
  @ApiZodBody(moveSchema, undefined, { advance: { summary: '2 hours on', value: { advanceMs: 7_200_000 } } })
  async move(@Body() body: unknown) {
    const { advanceMs, to } = parseOrThrow(moveSchema, body);
    if ((advanceMs === undefined) === (to === undefined)) {
      throw new ValidationError([{ field: 'advanceMs', code: 'one_of', message: 'give advanceMs or to' }]);
    }
    const by = advanceMs ?? Date.parse(to ?? '') - this.clock.now().getTime();
    if (by < 0)
      throw new ValidationError([{ field: 'to', code: 'in_the_past', message: 'time only moves forward' }]);
    this.clock.advance(by);
    const ran = await this.hooks.moved();
    return { now: this.clock.now().toISOString(), offsetMs: this.clock.offset(), ran };
  }
}
