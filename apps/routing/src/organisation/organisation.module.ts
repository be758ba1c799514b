import { Module } from '@nestjs/common';
import { ReferenceModule } from '../reference/reference.module';
import { OrganisationController } from './organisation.controller';
import { OrganisationRepository } from './organisation.repository';
import { OrganisationService } from './organisation.service';

/** Units' staff, grid teams (一格一长一警一专多兼) and duty rosters (值班). */
@Module({
  imports: [ReferenceModule],
  controllers: [OrganisationController],
  providers: [OrganisationRepository, OrganisationService],
  exports: [OrganisationRepository, OrganisationService],
})
export class OrganisationModule {}
