import { Module } from '@nestjs/common';
import { TicketClassifier } from '../tickets/ticket-classifier';
import { ClassificationService } from './classification.service';

/** 分类 — suggests request type, category and urgency from a request's text (TicketClassifier). */
@Module({
  providers: [ClassificationService, { provide: TicketClassifier, useExisting: ClassificationService }],
  exports: [TicketClassifier],
})
export class ClassificationModule {}
