import { Module } from '@nestjs/common';
import { CallbackEventsConsumer } from './callback-events.consumer';
import { CallbackController } from './callback.controller';
import { CallbackRepository } from './callback.repository';
import { CallbackService } from './callback.service';
import { RatingController } from './rating.controller';

/** 回访 callbacks and ratings (issue 6, item 5). Exports CallbackService: the reply timer opens tasks with it. */
@Module({
  controllers: [CallbackController, RatingController],
  providers: [CallbackRepository, CallbackService, CallbackEventsConsumer],
  exports: [CallbackService],
})
export class CallbackModule {}
