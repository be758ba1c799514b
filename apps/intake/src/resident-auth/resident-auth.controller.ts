import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, type BaseConfig, parseOrThrow, RateLimit } from '@jsjb/platform';
import type { ResidentAuthConfig } from './resident-auth.config';
import {
  CODE_REQUEST_EXAMPLES,
  codeRequestSchema,
  TOKEN_REQUEST_EXAMPLES,
  tokenRequestSchema,
} from './resident-auth.dto';
import { type CodeSent, ResidentAuthService, type ResidentToken } from './resident-auth.service';

const PROBLEM = { description: 'problem details with a code', content: { 'application/problem+json': {} } };

/**
 * Residents sign in with their mobile number: a one-time code by SMS, exchanged for a resident
 * bearer token (the resident API: /resident/tickets). No token needed to get one; both routes are
 * rate-limited per client address.
 */
@ApiTags('resident-auth')
@Controller('auth/resident')
export class ResidentAuthController {
  constructor(private readonly auth: ResidentAuthService) {}

  @Post('code')
  @HttpCode(202)
  @RateLimit<BaseConfig & ResidentAuthConfig>('resident-code', {
    limit: (config) => config.OTP_IP_HOURLY_LIMIT,
    windowSeconds: 3600,
  })
  @ApiOperation({
    summary: '发送验证码 — send a one-time login code by SMS to a mobile number',
    description:
      'A new six-digit code, valid OTP_TTL_SECONDS (300 s); an earlier code stops working. Per phone: one code per OTP_RESEND_SECONDS (429 AUTH.OTP_COOLDOWN) and OTP_PHONE_DAILY_LIMIT a day (429 AUTH.OTP_DAILY_LIMIT); per client address OTP_IP_HOURLY_LIMIT an hour (429 HTTP.RATE_LIMITED); all with Retry-After. 503 AUTH.SMS_UNAVAILABLE when the SMS gateway fails (the code is discarded).',
  })
  @ApiZodBody(codeRequestSchema, undefined, CODE_REQUEST_EXAMPLES)
  @ApiResponse({
    status: 202,
    description: 'the code is on its way',
    content: {
      'application/json': {
        example: { expiresAt: '2026-11-21T08:05:00.000Z', resendAfterSeconds: 60 },
      },
    },
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 429, ...PROBLEM })
  @ApiResponse({ status: 503, ...PROBLEM })
  requestCode(@Body() body: unknown): Promise<CodeSent> {
    const { phone } = parseOrThrow(codeRequestSchema, body);
    return this.auth.requestCode(phone);
  }

  @Post('token')
  @HttpCode(200)
  @RateLimit('resident-token')
  @ApiOperation({
    summary: '验证码登录 — exchange the code for a resident bearer token',
    description:
      'A code works once. 401 AUTH.OTP_INVALID for a wrong code (with the attempts left), AUTH.OTP_EXHAUSTED after OTP_MAX_ATTEMPTS (5) wrong ones (the code is burned), AUTH.OTP_EXPIRED when there is no valid code. The token (role resident, valid RESIDENT_TOKEN_TTL_HOURS) is sent as `Authorization: Bearer …`.',
  })
  @ApiZodBody(tokenRequestSchema, undefined, TOKEN_REQUEST_EXAMPLES)
  @ApiResponse({
    status: 200,
    description: 'the resident token',
    content: {
      'application/json': {
        example: {
          accessToken: 'eyJhbGciOiJIUzI1NiIs…',
          tokenType: 'Bearer',
          expiresAt: '2026-11-22T08:00:00.000Z',
        },
      },
    },
  })
  @ApiResponse({ status: 400, ...PROBLEM })
  @ApiResponse({ status: 401, ...PROBLEM })
  @ApiResponse({ status: 429, ...PROBLEM })
  token(@Body() body: unknown): Promise<ResidentToken> {
    const { phone, code } = parseOrThrow(tokenRequestSchema, body);
    return this.auth.issueToken(phone, code);
  }
}
