import { Module } from '@nestjs/common';
import { ReferenceModule } from '../reference/reference.module';
import { DispatchRepository } from './dispatch.repository';
import { DispatchService } from './dispatch.service';
import { TicketReceivedConsumer } from './ticket-received.consumer';

/** Automatic dispatch of received tickets (issue 4). */
@Module({
  imports: [ReferenceModule],
  controllers: [TicketReceivedConsumer],
  providers: [DispatchRepository, DispatchService],
  exports: [DispatchService],
})
export class DispatchModule {}
