import { z } from 'zod';
import { PlatformError } from '../errors/platform.error';

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
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  READINESS_TIMEOUT_MS: z.coerce.number().int().min(50).default(2000),
  MIGRATE_ON_START: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The one place that reads the environment. Validates once; a missing or bad variable
 * stops boot with a message naming each offending variable.
 */
export function loadConfig<S extends z.ZodType<BaseConfig>>(schema: S, env: Env = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(root)';
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return value === undefined ? `${name}: ${issue.message} (not set)` : `${name}: ${issue.message}`;
  });
  throw new PlatformError('CONFIG.INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, {
    details: { variables: result.error.issues.map((i) => i.path.join('.')) },
  });
}
