import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { DuplicateReviewService } from './duplicate-review.service';
import { DuplicatesController } from './duplicates.controller';
import { DuplicatesModule } from './duplicates.module';

/** The center's duplicate-suggestion queue: 并单 or dismiss (issue 5, item 5). */
@Module({
  imports: [DuplicatesModule, TicketsModule],
  controllers: [DuplicatesController],
  providers: [DuplicateReviewService],
})
export class DuplicateReviewModule {}
