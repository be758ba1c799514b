import { loadConfig } from '@jsjb/platform';
import { intakeConfigSchema } from '../config';
import { DEVELOPMENT_OPEN311_CLIENT, DEVELOPMENT_OPEN311_KEY, open311Clients } from './open311.config';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jsjb_intake',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
};
const production = {
  ...base,
  NODE_ENV: 'production',
  SMS_SENDER: 'http',
  SMS_GATEWAY_URL: 'https://sms.example/send',
  AUTH_JWT_SECRET: 'x'.repeat(32),
  // Production refuses the development personal-data keys.
  PII_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  PII_HASH_KEY: 'h'.repeat(32),
};
const load = (env: Record<string, string>) => loadConfig(intakeConfigSchema, env);

describe('Open311 configuration', () => {
  it('defaults to the development client outside production, +08:00 and the local endpoint', () => {
    const sut = load(base);
    expect(open311Clients(sut)).toEqual([
      { clientId: DEVELOPMENT_OPEN311_CLIENT, key: DEVELOPMENT_OPEN311_KEY },
    ]);
    expect(sut.OPEN311_UTC_OFFSET_MINUTES).toBe(480);
    expect(sut.OPEN311_PUBLIC_URL).toBe('http://localhost:3001/open311/v2');
    expect(sut.OPEN311_JURISDICTION_ID).toBeUndefined();
  });

  it('has no client in production unless configured, and refuses the development key there', () => {
    expect(open311Clients(load(production))).toEqual([]);
    expect(() => load({ ...production, OPEN311_API_KEYS: `app:${DEVELOPMENT_OPEN311_KEY}` })).toThrow(
      /OPEN311_API_KEYS: the development key cannot be used in production/,
    );
  });

  it('reads clientId:key pairs; the key is what follows the first colon; empty means none', () => {
    const sut = load({
      ...production,
      OPEN311_API_KEYS: ' city-app:k3y:with:colons-0001 , fixmystreet:9a8b7c6d5e4f3a2b1c ',
    });
    expect(open311Clients(sut)).toEqual([
      { clientId: 'city-app', key: 'k3y:with:colons-0001' },
      { clientId: 'fixmystreet', key: '9a8b7c6d5e4f3a2b1c' },
    ]);
    expect(open311Clients(load({ ...base, OPEN311_API_KEYS: '' }))).toEqual([]);
  });

  it.each([
    ['a pair without a key', 'city-app'],
    ['a short key', 'city-app:short'],
    ['a key with a space', 'city-app:has a space in it!!'],
    ['a bad client id', 'city app:0123456789abcdef'],
    ['a client listed twice', 'a:0123456789abcdef,a:fedcba9876543210'],
    ['a key shared by two clients', 'a:0123456789abcdef,b:0123456789abcdef'],
  ])('stops at %s', (_what, keys) => {
    expect(() => load({ ...base, OPEN311_API_KEYS: keys })).toThrow(/OPEN311_API_KEYS/);
  });

  it('checks the offset and the public URL', () => {
    expect(() => load({ ...base, OPEN311_UTC_OFFSET_MINUTES: '900' })).toThrow(/OPEN311_UTC_OFFSET_MINUTES/);
    expect(() => load({ ...base, OPEN311_PUBLIC_URL: 'ftp://x' })).toThrow(/OPEN311_PUBLIC_URL/);
  });
});
