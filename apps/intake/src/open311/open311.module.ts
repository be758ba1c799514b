import { Module } from '@nestjs/common';
import { ReferenceModule } from '../reference/reference.module';
import { TicketsModule } from '../tickets/tickets.module';
import { Open311FormParser } from './open311-form.parser';
import { Open311Controller } from './open311.controller';
import { Open311Repository } from './open311.repository';
import { Open311Service } from './open311.service';

/**
 * Open311 GeoReport v2 at /open311/v2: services from the dispatch catalogue, requests as tickets of
 * the open311 channel, the public view of tickets, JSON and XML, errors in the specification's format.
 */
@Module({
  imports: [ReferenceModule, TicketsModule],
  controllers: [Open311Controller],
  providers: [Open311Repository, Open311Service, Open311FormParser],
})
export class Open311Module {}
