import { Module } from '@nestjs/common';
import { ReferenceModule } from '../reference/reference.module';
import { StatusConsumer } from './status.consumer';
import { StatusRepository } from './status.repository';
import { StatusService } from './status.service';

export { STATUS_EVENT_TYPES } from './status.domain';

/**
 * The resident's status read model (办理进度): the timeline and status of intake's tickets, built
 * from routing's and sla's events. The app declares STATUS_EVENT_TYPES in MessagingModule's `consumes`.
 */
@Module({
  imports: [ReferenceModule],
  controllers: [StatusConsumer],
  providers: [StatusRepository, StatusService],
})
export class StatusModule {}
