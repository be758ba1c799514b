import { Body, Controller, Get, HttpCode, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiZodBody,
  ApiZodQuery,
  CurrentPrincipal,
  parseOrThrow,
  type Principal,
  uuidParam,
} from '@jsjb/platform';
import { AbuseReviewService } from './abuse-review.service';
import { callerFlagQuerySchema, reviewSchema } from './abuse.dto';

function flagId(value: string): string {
  return uuidParam(value, 'CALLER_FLAG.NOT_FOUND', 'caller flag');
}

/** 恶意重复来电 — callers flagged for review (Arts. 9, 37); their requests were recorded all the same. */
@ApiTags('abuse')
@ApiBearerAuth()
@Controller('caller-flags')
export class AbuseController {
  private readonly audit = new Logger('audit');

  constructor(private readonly review: AbuseReviewService) {}

  @Get()
  @ApiOperation({
    summary:
      '恶意重复来电 — flagged callers (phone or address) by status, latest first, with hits and tickets (audit-logged)',
  })
  @ApiZodQuery(callerFlagQuerySchema)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: unknown) {
    const page = await this.review.list(parseOrThrow(callerFlagQuerySchema, query));
    const phones = page.items.filter((f) => f.subjectKind === 'phone').map((f) => f.id);
    if (phones.length > 0) {
      // Phone numbers are personal data: each unmasked read is logged.
      this.audit.log({
        audit: 'personal-data.read',
        callerFlagIds: phones,
        subject: principal.subject,
        role: principal.role,
      });
    }
    return page;
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
