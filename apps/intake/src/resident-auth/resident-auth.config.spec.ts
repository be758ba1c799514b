import { loadConfig } from '@jsjb/platform';
import { intakeConfigSchema } from '../config';

const BASE = {
  PORT: '0',
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jsjb_intake',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('resident login configuration', () => {
  it('defaults: 5-minute codes, 60 s between them, 10 a day, 5 tries, day-long tokens, the log sender', () => {
    expect(loadConfig(intakeConfigSchema, BASE)).toMatchObject({
      OTP_TTL_SECONDS: 300,
      OTP_RESEND_SECONDS: 60,
      OTP_PHONE_DAILY_LIMIT: 10,
      OTP_MAX_ATTEMPTS: 5,
      RESIDENT_TOKEN_TTL_HOURS: 24,
      SMS_SENDER: 'log',
    });
  });

  it('needs the gateway with SMS_SENDER=http', () => {
    expect(() => loadConfig(intakeConfigSchema, { ...BASE, SMS_SENDER: 'http' })).toThrow(
      /SMS_GATEWAY_URL: required with SMS_SENDER=http/,
    );
    expect(
      loadConfig(intakeConfigSchema, {
        ...BASE,
        SMS_SENDER: 'http',
        SMS_GATEWAY_URL: 'https://sms.example.gov.cn/send',
      }).SMS_GATEWAY_URL,
    ).toBe('https://sms.example.gov.cn/send');
  });

  it('refuses the log sender in production', () => {
    expect(() => loadConfig(intakeConfigSchema, { ...BASE, NODE_ENV: 'production' })).toThrow(
      /SMS_SENDER: production sends one-time codes by SMS/,
    );
  });
});
