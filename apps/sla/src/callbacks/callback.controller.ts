import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
  uuidParam,
} from '@jsjb/platform';
import { answerSchema, listQuerySchema } from './callback.dto';
import { ANSWER_EXAMPLES } from './callback.examples';
import { CallbackService } from './callback.service';

/** An id that cannot exist is reported like one that does not. */
function taskId(value: string): string {
  return uuidParam(value, 'CALLBACK.NOT_FOUND', 'callback task');
}

/** 回访 — the callback agents' work list: call the resident back when the reply deadline expires. */
@ApiTags('callbacks')
@ApiBearerAuth()
@Controller('callbacks')
export class CallbackController {
  constructor(private readonly callbacks: CallbackService) {}

  @Get()
  @ApiOperation({
    summary: 'Callbacks (回访) by due time: open ones by default; filter by due time, lead unit, ticket',
  })
  @ApiZodQuery(listQuerySchema)
  list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    return this.callbacks.list(principal, parseOrThrow(listQuerySchema, query));
  }

  @Get(':id')
  @ApiOperation({
    summary:
      'One callback: the ticket, the unit’s reply, every attempt and answer as recorded; agents also get the resident’s rating link',
  })
  detail(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.callbacks.detail(principal, taskId(id));
  }

  @Post(':id/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take a callback on (optional): other agents can no longer record it' })
  claim(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.callbacks.claim(principal, taskId(id));
  }

  @Post(':id/answers')
  @ApiOperation({
    summary: 'Record a call: 是否联系 / 是否解决 / 满意度 / 意见',
    description:
      'A reached resident’s answer closes the callback with `ticket.rated.v1`; 未解决 + 不满意 also reopens the ticket (`ticket.reopened.v1`) when its policy says so. An attempt that reached nobody keeps it open until SLA_CALLBACK_MAX_ATTEMPTS attempts, then it closes as unreachable (an invalid callback). 409 CALLBACK.CLOSED once closed.',
  })
  @ApiZodBody(answerSchema, undefined, ANSWER_EXAMPLES)
  answer(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.callbacks.answer(principal, taskId(id), parseOrThrow(answerSchema, body), body);
  }
}
