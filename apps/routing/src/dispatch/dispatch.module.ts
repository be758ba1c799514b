import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisation/organisation.module';
import { ReferenceModule } from '../reference/reference.module';
import { DispatchRepository } from './dispatch.repository';
import { DispatchService } from './dispatch.service';
import { DispatcherController } from './dispatcher.controller';
import { DispatcherService } from './dispatcher.service';
import { DutyService } from './duty.service';
import { TicketReceivedConsumer } from './ticket-received.consumer';
import { TicketReopenedConsumer } from './ticket-reopened.consumer';

/** Automatic dispatch of received tickets, the dispatch center's queue and 改派, 重办, 值班 (issue 4). */
@Module({
  imports: [ReferenceModule, OrganisationModule],
  controllers: [TicketReceivedConsumer, TicketReopenedConsumer, DispatcherController],
  providers: [DispatchRepository, DispatchService, DispatcherService, DutyService],
  exports: [DispatchService, DutyService],
})
export class DispatchModule {}
