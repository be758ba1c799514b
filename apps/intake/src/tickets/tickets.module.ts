import { Module } from '@nestjs/common';
import { AbuseModule } from '../abuse/abuse.module';
import { ClassificationModule } from '../classification/classification.module';
import { DuplicatesModule } from '../duplicates/duplicates.module';
import { PrivacyModule } from '../privacy/privacy.module';
import { ReferenceModule } from '../reference/reference.module';
import { ResidentController } from './resident.controller';
import { ClassifyController, TicketController } from './ticket.controller';
import { TicketNumbers } from './ticket-numbers';
import { TicketWriter } from './ticket-writer';
import { TicketRepository } from './ticket.repository';
import { TicketService } from './ticket.service';

/** 受理, triage and the resident's view of their tickets. */
@Module({
  imports: [ReferenceModule, ClassificationModule, DuplicatesModule, AbuseModule, PrivacyModule],
  controllers: [TicketController, ClassifyController, ResidentController],
  providers: [TicketRepository, TicketNumbers, TicketWriter, TicketService],
  exports: [TicketService, TicketRepository],
})
export class TicketsModule {}
