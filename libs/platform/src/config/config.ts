import { z } from 'zod';
import { PlatformError } from '../errors/platform.error';

/** Signs development and test tokens only: a production service refuses to start with it. */
export const DEVELOPMENT_JWT_SECRET = 'jsjb-development-secret-never-use-in-production';

/** An environment flag: `true` or `false`, with a default. */
export const envFlag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((v) => v === 'true');

/** Variables every service reads. Services extend this with their own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  REDIS_KEY_PREFIX: z.string().default('jsjb:'),
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (per-IP limits, logs):
   * `false` (none, the default), `true` (any), a hop count, or comma-separated addresses/CIDRs.
   */
  HTTP_TRUST_PROXY: z
    .string()
    .trim()
    .min(1)
    .default('false')
    .transform((v): boolean | number | string =>
      v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v,
    ),
  /**
   * Browser origins allowed to call the API (CORS), comma-separated, e.g.
   * `https://app.12345.example,https://wx.12345.example`. Empty (the default): no CORS headers, so
   * browsers on other origins cannot call the service.
   */
  HTTP_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/ }))),
  /**
   * Load shedding: at most this many API requests in progress at once; past it a request is answered
   * at once with `503 SERVICE.OVERLOADED` and `Retry-After`, instead of queueing until clients time
   * out (and retry, adding load). Probes and metrics are never shed. 0: no bound.
   */
  HTTP_MAX_IN_FLIGHT: z.coerce.number().int().min(0).default(256),
  /** Requests per client address per minute on public routes marked @RateLimit without a limit of their own. */
  RATE_LIMIT_PUBLIC_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  /** Longest wait (ms) for the rate-limit counters; past it (or with Redis down) the request goes through, logged. */
  RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  READINESS_TIMEOUT_MS: z.coerce.number().int().min(50).default(2000),
  /** HS256 key of bearer tokens. The development default is refused in production. */
  AUTH_JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET),
  AUTH_JWT_ISSUER: z.string().min(1).default('jsjb'),
  /** The OIDC provider's JWKS: RS256 tokens signed with its keys are accepted too. */
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Seconds a token's exp/nbf may be off, for clocks that disagree a little. */
  AUTH_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  MIGRATE_ON_START: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Development and tests: `POST /dev/clock` (admin) moves the service's time forward, so system
   * tests and the demo need not wait for deadlines. Refused in production.
   */
  DEV_CLOCK_CONTROL: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** With DEV_CLOCK_CONTROL: the service's time at boot (e.g. a week before Spring Festival), then it runs on. */
  DEV_CLOCK_START: z.iso.datetime({ offset: true }).optional(),
  /**
   * OTLP/HTTP endpoint of a trace collector (an OpenTelemetry Collector, Jaeger, Tempo), e.g.
   * `http://otel-collector:4318`: spans go to `<endpoint>/v1/traces`. Unset or empty: no export.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.url({ protocol: /^https?$/ }).optional(),
  ),
  /** The service name traces carry (default: the service's own, e.g. `intake`). */
  OTEL_SERVICE_NAME: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).max(100).optional()),
  /** Share of new traces sampled (0–1) when exporting; a caller's sampling decision is kept. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The one place that reads the environment. Validates once; a missing or bad variable
 * stops boot with a message naming each offending variable.
 */
export function loadConfig<S extends z.ZodType<BaseConfig>>(schema: S, env: Env = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) {
    if (result.data.NODE_ENV === 'production' && result.data.AUTH_JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
      throw new PlatformError(
        'CONFIG.INVALID',
        'Invalid configuration:\n  - AUTH_JWT_SECRET: the development secret cannot be used in production',
        { details: { variables: ['AUTH_JWT_SECRET'] } },
      );
    }
    if (result.data.DEV_CLOCK_START !== undefined && !result.data.DEV_CLOCK_CONTROL) {
      throw new PlatformError(
        'CONFIG.INVALID',
        'Invalid configuration:\n  - DEV_CLOCK_START: only with DEV_CLOCK_CONTROL=true',
        { details: { variables: ['DEV_CLOCK_START'] } },
      );
    }
    if (result.data.NODE_ENV === 'production' && result.data.DEV_CLOCK_CONTROL) {
      throw new PlatformError(
        'CONFIG.INVALID',
        'Invalid configuration:\n  - DEV_CLOCK_CONTROL: moving the clock is for development and tests, never production',
        { details: { variables: ['DEV_CLOCK_CONTROL'] } },
      );
    }
    return result.data;
  }
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return value === undefined ? `${name}: ${issue.message} (not set)` : `${name}: ${issue.message}`;
  });
  throw new PlatformError('CONFIG.INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, {
    details: { variables: result.error.issues.map((i) => i.path.join('.')) },
  });
}

/** The bearer-token settings of the environment, for tools that issue development tokens. */
export function authSettingsFromEnv(env: Env = process.env): { secret: string; issuer: string } {
  const parsed = baseConfigSchema.pick({ AUTH_JWT_SECRET: true, AUTH_JWT_ISSUER: true }).parse(env);
  return { secret: parsed.AUTH_JWT_SECRET, issuer: parsed.AUTH_JWT_ISSUER };
}
