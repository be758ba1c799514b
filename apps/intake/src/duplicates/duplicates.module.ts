import { Module } from '@nestjs/common';
import { DuplicateRepository } from './duplicate.repository';
import { DuplicateService } from './duplicate.service';

/**
 * 重复诉求 detection, used by the ticket core inside its create transaction. The operators' endpoints
 * need the ticket core in turn, so they live in DuplicateReviewModule (no module cycle).
 */
@Module({
  providers: [DuplicateRepository, DuplicateService],
  exports: [DuplicateRepository, DuplicateService],
})
export class DuplicatesModule {}
