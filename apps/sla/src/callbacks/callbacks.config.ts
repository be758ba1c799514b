import { hkdfSync } from 'node:crypto';
import { z } from 'zod';

/** 回访 callback and rating-link settings, spread into the sla configuration (apps/sla/src/config.ts). */
export const callbacksConfigShape = {
  /** Unanswered call attempts after which a callback closes as unreachable (an invalid callback). */
  SLA_CALLBACK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /**
   * HMAC-SHA256 key of the residents' rating links. Unset: a key derived from AUTH_JWT_SECRET
   * (whose development default production already refuses), so no deployment needs a new secret;
   * set it to rotate links independently of bearer tokens.
   */
  SLA_RATING_LINK_SECRET: z.string().min(32).optional(),
  /** How long a rating link works after its callback opens. */
  SLA_RATING_LINK_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(72),
  /** Where the rating page lives; a link is `<base>/<token>` (default: this service's own endpoint). */
  SLA_RATING_LINK_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .default('http://localhost:3003/ratings')
    .transform((url) => url.replace(/\/+$/, '')),
};

/** The key that signs rating links: the configured one, else one derived from the bearer-token key (HKDF-SHA256). */
export function ratingLinkSecret(config: {
  SLA_RATING_LINK_SECRET?: string | undefined;
  AUTH_JWT_SECRET: string;
}): string {
  if (config.SLA_RATING_LINK_SECRET !== undefined) return config.SLA_RATING_LINK_SECRET;
  return Buffer.from(
    hkdfSync('sha256', config.AUTH_JWT_SECRET, 'jsjb', 'jsjb.sla.rating-link.v1', 32),
  ).toString('base64url');
}
