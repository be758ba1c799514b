import { loadConfig } from '@jsjb/platform';
import { slaConfigSchema } from '../config';
import { ratingLinkSecret } from './callbacks.config';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jsjb_sla',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_BROKERS: '127.0.0.1:9092',
};
const production = { ...base, NODE_ENV: 'production', AUTH_JWT_SECRET: 'x'.repeat(32) };
const load = (env: Record<string, string>) => loadConfig(slaConfigSchema, env);

describe('callback configuration', () => {
  it('defaults to 3 attempts and 72-hour links to this service', () => {
    const sut = load(base);
    expect(sut.SLA_CALLBACK_MAX_ATTEMPTS).toBe(3);
    expect(sut.SLA_RATING_LINK_TTL_HOURS).toBe(72);
    expect(sut.SLA_RATING_LINK_BASE_URL).toBe('http://localhost:3003/ratings');
    expect(
      load({ ...base, SLA_RATING_LINK_BASE_URL: 'https://12345.example.cn/r/' }).SLA_RATING_LINK_BASE_URL,
    ).toBe('https://12345.example.cn/r');
  });

  it('signs links with the configured key, else with one derived from (never equal to) the bearer-token key', () => {
    const derived = ratingLinkSecret(load(production));
    expect(derived).toHaveLength(43);
    expect(derived).not.toContain('x'.repeat(8));
    expect(ratingLinkSecret(load({ ...production, AUTH_JWT_SECRET: 'y'.repeat(32) }))).not.toBe(derived);
    expect(ratingLinkSecret(load(production))).toBe(derived); // stable across restarts
    expect(ratingLinkSecret(load({ ...production, SLA_RATING_LINK_SECRET: 'r'.repeat(32) }))).toBe(
      'r'.repeat(32),
    );
    expect(() => load({ ...production, SLA_RATING_LINK_SECRET: 'short' })).toThrow(/SLA_RATING_LINK_SECRET/);
  });
});
