import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
  uuidParam,
} from '@jsjb/platform';
import type { FastifyRequest } from 'fastify';
import { accessReader } from '../privacy/access-reader';
import { PURPOSE_HEADER, seesCallerUnmasked } from '../privacy/privacy.policy';
import { AbuseReviewService } from './abuse-review.service';
import { callerFlagQuerySchema, reviewSchema } from './abuse.dto';

/** The access log's purpose of a reviewer's read of a flagged number without X-Access-Purpose. */
const REVIEW_PURPOSE = 'abuse review';

function flagId(value: string): string {
  return uuidParam(value, 'CALLER_FLAG.NOT_FOUND', 'caller flag');
}

/** 恶意重复来电 — callers flagged for review (Arts. 9, 37); their requests were recorded all the same. */
@ApiTags('abuse')
@ApiBearerAuth()
@Controller('caller-flags')
export class AbuseController {
  constructor(private readonly review: AbuseReviewService) {}

  @Get()
  @ApiOperation({
    summary:
      '恶意重复来电 — flagged callers (phone or address) by status, latest first, with hits and tickets; phones masked',
    description:
      '`subject` finds a phone (by its keyed hash) or an address. Open one flag to see its number.',
  })
  @ApiZodQuery(callerFlagQuerySchema)
  list(@Query() query: unknown) {
    return this.review.list(parseOrThrow(callerFlagQuerySchema, query));
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One caller flag; a flagged phone number in the clear for operators and admins (logged)',
    description:
      'The read of the number is written to the access log (个人信息查阅记录) before the answer goes out; managers see it masked.',
  })
  @ApiHeader({
    name: PURPOSE_HEADER,
    required: false,
    description: `why the number is read (≤ 200 characters; non-ASCII percent-encoded UTF-8); default “${REVIEW_PURPOSE}”`,
  })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Req() request: FastifyRequest) {
    const reader = seesCallerUnmasked(principal.role)
      ? accessReader(principal, request, REVIEW_PURPOSE)
      : null;
    return this.review.view(flagId(id), reader);
  }

  @Post(':id/clear')
  @HttpCode(200)
  @ApiOperation({ summary: 'Clear a caller flag: a genuine caller (with a note)' })
  @ApiZodBody(reviewSchema, undefined, {
    genuine: {
      summary: '解除标记：确为正常诉求',
      value: { note: '经回听录音，来电人反映的是不同小区的多起问题，属正常诉求。' },
    },
  })
  clear(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.review.review(flagId(id), 'cleared', parseOrThrow(reviewSchema, body), principal.subject);
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a caller flag: 恶意重复来电, abuse of the line (with a note)' })
  @ApiZodBody(reviewSchema, undefined, {
    malicious: {
      summary: '确认恶意重复来电',
      value: { note: '同一号码一天内来电二十余次，内容相同且无新情况，按条例第三十七条处理。' },
    },
  })
  confirm(@CurrentPrincipal() principal: Principal, @Param('id') id: string, @Body() body: unknown) {
    return this.review.review(flagId(id), 'confirmed', parseOrThrow(reviewSchema, body), principal.subject);
  }
}
