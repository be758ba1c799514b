import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { IntakeConfig } from '../config';
import { CallerData } from './caller-data.service';
import { PersonalDataCipher } from './personal-data';
import { PersonalDataAccessController } from './personal-data-access.controller';
import { PersonalDataAccessRepository } from './personal-data-access.repository';
import { PersonalDataAccessService } from './personal-data-access.service';

/** Callers' personal data at rest (sealed, hashed for lookups) and the log of every unmasked read. */
@Module({
  controllers: [PersonalDataAccessController],
  providers: [
    {
      provide: PersonalDataCipher,
      useFactory: (config: IntakeConfig) => PersonalDataCipher.fromConfig(config),
      inject: [PLATFORM_CONFIG],
    },
    CallerData,
    PersonalDataAccessRepository,
    PersonalDataAccessService,
  ],
  exports: [PersonalDataCipher, CallerData, PersonalDataAccessService],
})
export class PrivacyModule {}
