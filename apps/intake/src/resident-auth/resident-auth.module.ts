import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import type { IntakeConfig } from '../config';
import { PersonalDataCipher } from '../privacy/personal-data';
import { OtpRepository } from './otp.repository';
import { ResidentAuthController } from './resident-auth.controller';
import { ResidentAuthService } from './resident-auth.service';
import { SMS_SENDER, smsSenderFrom } from './sms.sender';

/** Residents' login by one-time SMS code (issue 7): /auth/resident/code and /auth/resident/token. */
@Module({
  controllers: [ResidentAuthController],
  providers: [
    ResidentAuthService,
    OtpRepository,
    { provide: SMS_SENDER, useFactory: smsSenderFrom, inject: [PLATFORM_CONFIG] },
    // Only its keyed hash is used here. To be replaced by the privacy module's provider when it exists.
    {
      provide: PersonalDataCipher,
      useFactory: (config: IntakeConfig) =>
        new PersonalDataCipher({
          keys: config.PII_ENCRYPTION_KEYS,
          activeKeyId: config.PII_ACTIVE_KEY_ID,
          hashKey: config.PII_HASH_KEY,
        }),
      inject: [PLATFORM_CONFIG],
    },
  ],
})
export class ResidentAuthModule {}
