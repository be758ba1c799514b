import { loadConfig } from '@jsjb/platform';
import { intakeConfigSchema } from '../config';
import { PersonalDataCipher } from './personal-data';
import { DEVELOPMENT_PII_HASH_KEY, DEVELOPMENT_PII_KEYS } from './privacy.config';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jsjb_intake',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
};
const k1 = `k1:${Buffer.alloc(32, 1).toString('base64')}`;
const k2 = `k2:${Buffer.alloc(32, 2).toString('base64')}`;
const production = {
  ...base,
  NODE_ENV: 'production',
  SMS_SENDER: 'http',
  SMS_GATEWAY_URL: 'https://sms.example/send',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  PII_ENCRYPTION_KEYS: k1,
  PII_HASH_KEY: 'h'.repeat(32),
};
const load = (env: Record<string, string>) => loadConfig(intakeConfigSchema, env);

describe('personal-data configuration', () => {
  it('uses the development keys outside production, the first key active', () => {
    const sut = PersonalDataCipher.fromConfig(load(base));
    expect(sut.activeKeyId).toBe(DEVELOPMENT_PII_KEYS.split(':')[0]);
  });

  it('takes a rotation: every key, the active one named; empty means the first', () => {
    expect(
      PersonalDataCipher.fromConfig(
        load({ ...production, PII_ENCRYPTION_KEYS: `${k1},${k2}`, PII_ACTIVE_KEY_ID: 'k2' }),
      ).activeKeyId,
    ).toBe('k2');
    expect(PersonalDataCipher.fromConfig(load({ ...production, PII_ACTIVE_KEY_ID: '' })).activeKeyId).toBe(
      'k1',
    );
    expect(() => load({ ...production, PII_ACTIVE_KEY_ID: 'k9' })).toThrow(/PII_ACTIVE_KEY_ID: no key k9/);
  });

  it('refuses the development keys in production, and malformed keys anywhere', () => {
    expect(() => load({ ...production, PII_ENCRYPTION_KEYS: DEVELOPMENT_PII_KEYS })).toThrow(
      /PII_ENCRYPTION_KEYS/,
    );
    expect(() => load({ ...production, PII_HASH_KEY: DEVELOPMENT_PII_HASH_KEY })).toThrow(/PII_HASH_KEY/);
    expect(() => load({ ...base, PII_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toThrow(/PII_ENCRYPTION_KEYS/);
    expect(() => load({ ...base, PII_ENCRYPTION_KEYS: `${k1},${k1}` })).toThrow(/PII_ENCRYPTION_KEYS/);
  });
});
