import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { ReferenceModule } from '../reference/reference.module';
import { WorkflowController } from './workflow.controller';
import { WorkflowRepository } from './workflow.repository';
import { WorkflowService } from './workflow.service';

/** The units' work on their assignments, and the center's reviews of returns and extensions (issue 4). */
@Module({
  imports: [ReferenceModule, OrganisationModule, DispatchModule],
  controllers: [WorkflowController],
  providers: [WorkflowRepository, WorkflowService],
})
export class WorkflowModule {}
