import { z } from 'zod';
import { PlatformError } from '../errors/platform.error';
import { baseConfigSchema, loadConfig } from './config';

describe('loadConfig', () => {
  const valid = {
    PORT: '3001',
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/jsjb_intake',
    REDIS_URL: 'redis://127.0.0.1:6379',
  };

  it('parses, coerces and applies defaults', () => {
    const config = loadConfig(baseConfigSchema, valid);
    expect(config.PORT).toBe(3001);
    expect(config.NODE_ENV).toBe('development');
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.MIGRATE_ON_START).toBe(false);
    expect(config.HTTP_BODY_LIMIT_BYTES).toBe(1_048_576);
    expect(config.HTTP_TRUST_PROXY).toBe(false);
    expect(config.HTTP_MAX_IN_FLIGHT).toBe(256);
  });

  it.each([
    ['true', true],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8,127.0.0.1', '10.0.0.0/8,127.0.0.1'],
  ])('reads HTTP_TRUST_PROXY=%s as Fastify expects it', (value, expected) => {
    expect(loadConfig(baseConfigSchema, { ...valid, HTTP_TRUST_PROXY: value }).HTTP_TRUST_PROXY).toBe(
      expected,
    );
  });

  it('reads the OpenTelemetry variables: no export unless an endpoint is set, all new traces sampled', () => {
    const none = loadConfig(baseConfigSchema, { ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    expect(none.OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(none.OTEL_SERVICE_NAME).toBeUndefined();
    expect(none.OTEL_TRACES_SAMPLER_ARG).toBe(1);
    const set = loadConfig(baseConfigSchema, {
      ...valid,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318',
      OTEL_SERVICE_NAME: 'intake-blue',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(set.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(set.OTEL_SERVICE_NAME).toBe('intake-blue');
    expect(set.OTEL_TRACES_SAMPLER_ARG).toBe(0.25);
    expect(() =>
      loadConfig(baseConfigSchema, { ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig(baseConfigSchema, { ...valid, OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG/,
    );
  });

  it('stops with a message naming a missing variable', () => {
    const { DATABASE_URL: _omitted, ...env } = valid;
    expect(() => loadConfig(baseConfigSchema, env)).toThrow(/DATABASE_URL: .*\(not set\)/);
  });

  it('names every bad variable at once, with a stable code', () => {
    let caught: unknown;
    try {
      loadConfig(baseConfigSchema, {
        ...valid,
        PORT: 'eighty',
        REDIS_URL: 'http://localhost',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlatformError);
    const error = caught as PlatformError;
    expect(error.code).toBe('CONFIG.INVALID');
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).toContain('LOG_LEVEL');
    expect(error.details['variables']).toEqual(expect.arrayContaining(['PORT', 'REDIS_URL', 'LOG_LEVEL']));
  });

  it('rejects a database URL of another scheme', () => {
    expect(() => loadConfig(baseConfigSchema, { ...valid, DATABASE_URL: 'mysql://x@y/z' })).toThrow(
      /DATABASE_URL/,
    );
  });

  it('lets a service extend the schema', () => {
    const schema = baseConfigSchema.extend({
      PORT: baseConfigSchema.shape.PORT.default(3002),
      EXTRA: z.string().default('x'),
    });
    const { PORT: _p, ...env } = valid;
    expect(loadConfig(schema, env)).toMatchObject({ PORT: 3002, EXTRA: 'x' });
  });
});
