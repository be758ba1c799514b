import { Module } from '@nestjs/common';
import { AssessmentFigures } from './assessment-figures.service';
import { AssessmentConsumer } from './assessment.consumer';
import { AssessmentController } from './assessment.controller';
import { AssessmentRepository } from './assessment.repository';
import { AssessmentRecorder } from './assessment.service';

export { assessmentCommands } from './assessment.commands';

/** 考评: order facts and daily counters from the events, manager figures, rulings, weight sets. */
@Module({
  controllers: [AssessmentController],
  providers: [AssessmentRepository, AssessmentRecorder, AssessmentConsumer, AssessmentFigures],
  exports: [AssessmentRecorder],
})
export class AssessmentModule {}
