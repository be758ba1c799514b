import { Module } from '@nestjs/common';
import { ReferenceData, sampleReferenceData } from './reference-data';

/** Provides the reference data dispatch reads, built once at boot. */
@Module({
  providers: [{ provide: ReferenceData, useFactory: sampleReferenceData }],
  exports: [ReferenceData],
})
export class ReferenceModule {}
