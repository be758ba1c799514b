import { createPublicKey, type KeyObject } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { z } from 'zod';

const jwksSchema = z.object({
  keys: z.array(
    z.looseObject({
      kty: z.string(),
      kid: z.string().optional(),
      use: z.string().optional(),
      alg: z.string().optional(),
    }),
  ),
});

export interface JwksOptions {
  url: string;
  /** Keys are refetched after this long. */
  ttlMs?: number;
  /** An unknown key id refetches at most this often (a flood of forged kids cannot hammer the provider). */
  minRefreshMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * The identity provider's RS256 signing keys from its JWKS URL, by key id: fetched on first use,
 * refreshed after `ttlMs`, and at once (rate-limited) when a token names a key not seen yet — how
 * providers roll keys. A failed fetch keeps the keys already known.
 */
export class JwksKeys {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | undefined;
  private readonly logger = new Logger('Jwks');

  constructor(private readonly options: JwksOptions) {}

  /** The key of `kid` if known now (call `ensure` first). */
  key(kid: string): KeyObject | undefined {
    return this.keys.get(kid);
  }

  /** Makes sure the keys are fresh and, if possible, that `kid` is among them. */
  async ensure(kid: string): Promise<void> {
    const age = this.now() - this.fetchedAt;
    const stale = age > (this.options.ttlMs ?? 600_000);
    const unknown = !this.keys.has(kid) && age > (this.options.minRefreshMs ?? 30_000);
    if (stale || unknown) await this.refresh();
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.fetchKeys().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async fetchKeys(): Promise<void> {
    this.fetchedAt = this.now();
    try {
      const response = await fetch(this.options.url, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const jwks = jwksSchema.parse(await response.json());
      const keys = new Map<string, KeyObject>();
      for (const jwk of jwks.keys) {
        if (jwk.kty !== 'RSA' || !jwk.kid || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
        if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      }
      this.keys = keys;
    } catch (error) {
      this.logger.warn(
        `cannot fetch the JWKS at ${this.options.url}: ${(error as Error).message}; keeping ${this.keys.size} known keys`,
      );
    }
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
