import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import type { BaseConfig } from '../config/config';
import { AppError } from '../errors/app.error';
import { PlatformError } from '../errors/platform.error';
import { MetricsRegistry } from '../metrics/metrics';
import { PLATFORM_CONFIG } from '../platform.tokens';
import { Clock } from '../time/clock';
import { ipSubject } from './client-address';
import { RateLimiter } from './rate-limiter';
import { rateLimitStatus } from './sliding-window';

const RATE_LIMIT_KEY = 'jsjb:rate-limit';

export interface RateLimitOptions<C extends BaseConfig = BaseConfig> {
  /**
   * Requests allowed per client within the window: a number, or read from the service's
   * configuration. Default: RATE_LIMIT_PUBLIC_PER_MINUTE.
   */
  limit?: number | ((config: C) => number);
  /** Default 60. A route with its own window names its own limit too. */
  windowSeconds?: number;
  /** What a client is: its address (`request.ip`, which honours HTTP_TRUST_PROXY; IPv6 by /64). */
  key?: 'ip';
}

interface RateLimitPolicy {
  name: string;
  limit: number | ((config: BaseConfig) => number) | undefined;
  windowSeconds: number;
  key: 'ip';
}

/**
 * Limits the requests a client may make to a route (or every route of a controller) with a sliding
 * window in Redis. Routes sharing a name share a budget. Over the limit: 429 HTTP.RATE_LIMITED with
 * Retry-After; every answer carries RateLimit-Limit, -Remaining and -Reset.
 */
export function RateLimit<C extends BaseConfig = BaseConfig>(
  name: string,
  options: RateLimitOptions<C> = {},
): MethodDecorator & ClassDecorator {
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(name)) {
    throw new PlatformError(
      'RATE_LIMIT.BAD_NAME',
      `rate limit name "${name}": lowercase letters, digits, "-"`,
    );
  }
  if (options.windowSeconds !== undefined && options.limit === undefined) {
    throw new PlatformError(
      'RATE_LIMIT.BAD_WINDOW',
      `rate limit ${name}: RATE_LIMIT_PUBLIC_PER_MINUTE is per minute; a route with its own window names its limit`,
    );
  }
  const windowSeconds = options.windowSeconds ?? 60;
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1) {
    throw new PlatformError(
      'RATE_LIMIT.BAD_WINDOW',
      `rate limit ${name}: windowSeconds must be a whole number ≥ 1`,
    );
  }
  const policy: RateLimitPolicy = {
    name,
    // The configuration handed to it is the running service's own, of type C.
    limit: options.limit as RateLimitPolicy['limit'],
    windowSeconds,
    key: options.key ?? 'ip',
  };
  return SetMetadata(RATE_LIMIT_KEY, policy);
}

/**
 * Global guard (registered by PlatformModule): acts only on routes decorated with @RateLimit.
 * When Redis is slow or down it fails open — a public service stays up unthrottled — with a warning
 * and `http_rate_limit_requests_total{outcome="unchecked"}`.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger('RateLimit');
  private readonly outcomes: Counter<'limit' | 'outcome'>;

  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: BaseConfig,
    metrics: MetricsRegistry,
  ) {
    this.outcomes = new Counter({
      name: 'http_rate_limit_requests_total',
      help: 'Requests to rate-limited routes by limit name and outcome: allowed, refused, unchecked (Redis unavailable: let through)',
      labelNames: ['limit', 'outcome'],
      registers: [metrics.registry],
    });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy = this.reflector.getAllAndOverride<RateLimitPolicy | undefined>(RATE_LIMIT_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!policy) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const limit = this.limitOf(policy);
    const windowMs = policy.windowSeconds * 1000;
    const client = ipSubject(request.ip) ?? request.ip;
    const now = this.clock.now();

    let hit;
    try {
      hit = await this.limiter.hit([{ key: `ratelimit:${policy.name}:${client}`, limit, windowMs }], {
        at: now,
        timeoutMs: this.config.RATE_LIMIT_TIMEOUT_MS,
      });
    } catch (error) {
      this.outcomes.inc({ limit: policy.name, outcome: 'unchecked' });
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`rate limit ${policy.name} not checked, request let through (${reason})`);
      return true;
    }
    const [reading] = hit.windows;
    if (!reading) return true;
    const status = rateLimitStatus({ limit, windowMs }, reading, hit.refused, now.getTime());
    void reply.header('ratelimit-limit', String(status.limit));
    void reply.header('ratelimit-remaining', String(status.remaining));
    void reply.header('ratelimit-reset', String(status.resetSeconds));
    if (status.retryAfterSeconds === null) {
      this.outcomes.inc({ limit: policy.name, outcome: 'allowed' });
      return true;
    }
    this.outcomes.inc({ limit: policy.name, outcome: 'refused' });
    if (reading.firstRefusal) {
      this.logger.warn(`rate limit ${policy.name}: ${client} is over ${limit} per ${policy.windowSeconds} s`);
    }
    throw new AppError('HTTP.RATE_LIMITED', `Too many requests; retry after ${status.retryAfterSeconds} s.`, {
      status: 429,
      title: 'Too Many Requests',
      retryAfterSeconds: status.retryAfterSeconds,
    });
  }

  private limitOf(policy: RateLimitPolicy): number {
    const limit =
      policy.limit === undefined
        ? this.config.RATE_LIMIT_PUBLIC_PER_MINUTE
        : typeof policy.limit === 'number'
          ? policy.limit
          : policy.limit(this.config);
    if (!Number.isInteger(limit) || limit < 1) {
      throw new PlatformError(
        'RATE_LIMIT.BAD_LIMIT',
        `rate limit ${policy.name}: ${limit} is not a whole number ≥ 1`,
      );
    }
    return limit;
  }
}
