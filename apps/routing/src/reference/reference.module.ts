import { Module } from '@nestjs/common';
import { ReferenceStore } from './reference-data';
import { ReferenceImportParsers } from './reference-import.parsers';
import { ReferenceController } from './reference.controller';
import { ReferenceRepository } from './reference.repository';
import { ReferenceService } from './reference.service';

/**
 * The reference data in force (territory, units, catalogue): loaded from the database at boot (seeded
 * on a fresh one) before anything that reads it is built, kept in step with other instances, imported
 * and published through the admin API.
 */
@Module({
  controllers: [ReferenceController],
  providers: [
    ReferenceRepository,
    ReferenceService,
    ReferenceImportParsers,
    {
      provide: ReferenceStore,
      inject: [ReferenceService],
      useFactory: (service: ReferenceService): Promise<ReferenceStore> => service.start(),
    },
  ],
  exports: [ReferenceStore],
})
export class ReferenceModule {}
