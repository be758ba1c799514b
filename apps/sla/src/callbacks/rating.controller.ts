import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, parseOrThrow, RateLimit } from '@jsjb/platform';
import { ratingSchema } from './callback.dto';
import { RATING_EXAMPLES } from './callback.examples';
import { CallbackService } from './callback.service';

/**
 * The resident's rating through the link sent when the callback opened. No bearer token: the
 * link's signature is the credential (401 RATING.LINK_INVALID, 410 RATING.LINK_EXPIRED). Rate-limited
 * per client address (RATE_LIMIT_PUBLIC_PER_MINUTE; 429 HTTP.RATE_LIMITED with Retry-After).
 */
@ApiTags('ratings')
@RateLimit('rating-link')
@Controller('ratings')
export class RatingController {
  constructor(private readonly callbacks: CallbackService) {}

  @Get(':token')
  @ApiOperation({
    summary: 'What the signed link rates: the ticket number, its category and the unit’s reply',
  })
  view(@Param('token') token: string) {
    return this.callbacks.ratingView(token);
  }

  @Post(':token')
  @ApiOperation({
    summary:
      'The resident rates the handling: 是否解决 / 满意度 / 意见 (once; 409 RATING.ALREADY_ANSWERED after)',
  })
  @ApiZodBody(ratingSchema, undefined, RATING_EXAMPLES)
  rate(@Param('token') token: string, @Body() body: unknown) {
    return this.callbacks.rate(token, parseOrThrow(ratingSchema, body), body);
  }
}
