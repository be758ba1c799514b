import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodQuery, CurrentPrincipal, parseOrThrow, type Principal, uuidParam } from '@jsjb/platform';
import { DuplicateReviewService } from './duplicate-review.service';
import { suggestionQuerySchema } from './duplicates.dto';

function suggestionId(value: string): string {
  return uuidParam(value, 'DUPLICATE_SUGGESTION.NOT_FOUND', 'duplicate suggestion');
}

/** 重复诉求 — possible duplicates found at intake, for the center to merge (并单) or dismiss. */
@ApiTags('duplicates')
@ApiBearerAuth()
@Controller('duplicate-suggestions')
export class DuplicatesController {
  constructor(private readonly review: DuplicateReviewService) {}

  @Get()
  @ApiOperation({
    summary:
      '重复诉求 — duplicate suggestions by status (default open, oldest first) with both tickets and the similarity',
  })
  @ApiZodQuery(suggestionQuerySchema)
  list(@Query() query: unknown) {
    return this.review.list(parseOrThrow(suggestionQuerySchema, query));
  }

  @Post(':id/merge')
  @HttpCode(200)
  @ApiOperation({
    summary:
      '并单 — merge the ticket into its master (ticket.merged.v1); 409 and the suggestion turns stale if the ticket is no longer pending',
  })
  merge(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.review.merge(suggestionId(id), principal.subject);
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Dismiss a duplicate suggestion (not a 重复诉求); a resident’s ticket held for it is sent on for dispatch',
  })
  dismiss(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return this.review.dismiss(suggestionId(id), principal.subject);
  }
}
