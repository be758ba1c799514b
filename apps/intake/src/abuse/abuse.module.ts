import { Module } from '@nestjs/common';
import { PrivacyModule } from '../privacy/privacy.module';
import { AbuseCounterRepository } from './abuse-counter.repository';
import { AbuseReviewService } from './abuse-review.service';
import { AbuseController } from './abuse.controller';
import { AbuseRepository } from './abuse.repository';
import { AbuseService } from './abuse.service';

/** Abuse control at intake (Arts. 9, 37): screening, caller flags and their review (issue 5, item 6). */
@Module({
  imports: [PrivacyModule],
  controllers: [AbuseController],
  providers: [AbuseCounterRepository, AbuseRepository, AbuseService, AbuseReviewService],
  exports: [AbuseService],
})
export class AbuseModule {}
