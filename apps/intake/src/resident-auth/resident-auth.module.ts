import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG } from '@jsjb/platform';
import { PrivacyModule } from '../privacy/privacy.module';
import { OtpRepository } from './otp.repository';
import { ResidentAuthController } from './resident-auth.controller';
import { ResidentAuthService } from './resident-auth.service';
import { SMS_SENDER, smsSenderFrom } from './sms.sender';

/** Residents' login by one-time SMS code (issue 7): /auth/resident/code and /auth/resident/token. */
@Module({
  imports: [PrivacyModule],
  controllers: [ResidentAuthController],
  providers: [
    ResidentAuthService,
    OtpRepository,
    { provide: SMS_SENDER, useFactory: smsSenderFrom, inject: [PLATFORM_CONFIG] },
  ],
})
export class ResidentAuthModule {}
