import { Global, Module } from '@nestjs/common';
import { ReferenceReadModel } from './reference-read-model';
import { ReferenceConsumer } from './reference.consumer';
import { ReferenceController } from './reference.controller';
import { ReferenceRepository } from './reference.repository';
import { ReferenceService } from './reference.service';

export { type CatalogueListener, ReferenceReadModel } from './reference-read-model';
export type {
  AreaLevel,
  LocationCodeIssue,
  LocationCodes,
  ReferenceArea,
  ReferenceCatalogueItem,
  ReferenceIndex,
  ReferenceKind,
  ReferenceUnit,
} from './reference.domain';

/**
 * Intake's copy of routing's reference data (jsjb.reference.v1): consumed into intake's database and
 * held in memory by ReferenceReadModel, which is loaded before anything that injects it is built.
 * Global: validation, classification and Open311 all read it.
 */
@Global()
@Module({
  controllers: [ReferenceController, ReferenceConsumer],
  providers: [
    ReferenceRepository,
    ReferenceService,
    {
      provide: ReferenceReadModel,
      inject: [ReferenceRepository],
      useFactory: (repository: ReferenceRepository): Promise<ReferenceReadModel> =>
        new ReferenceReadModel(repository).start(),
    },
  ],
  exports: [ReferenceReadModel],
})
export class ReferenceModule {}
