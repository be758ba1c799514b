import { z } from 'zod';

/** Keys of development and tests only: a production service refuses to start with them. */
export const DEVELOPMENT_PII_KEYS = 'dev1:anNqYi1kZXZlbG9wbWVudC1waWkta2V5LTMyYnl0ZXM=';
export const DEVELOPMENT_PII_HASH_KEY = 'jsjb-development-pii-hash-key-never-in-production';

const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

/** `keyId:base64(32 bytes)` pairs separated by commas: every key still needed to read old rows. */
const encryptionKeys = z
  .string()
  .default(DEVELOPMENT_PII_KEYS)
  .transform((raw, ctx): Map<string, Buffer> => {
    const keys = new Map<string, Buffer>();
    for (const pair of raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')) {
      const colon = pair.indexOf(':');
      const id = colon < 0 ? '' : pair.slice(0, colon);
      const key = Buffer.from(colon < 0 ? '' : pair.slice(colon + 1), 'base64');
      if (!KEY_ID.test(id) || key.length !== 32 || keys.has(id)) {
        ctx.addIssue({
          code: 'custom',
          message: `each entry is keyId:base64 of 32 bytes, key ids unique (letters, digits, "_-", at most 16), not "${id || pair.slice(0, 8)}:…"`,
        });
        return z.NEVER;
      }
      keys.set(id, key);
    }
    if (keys.size === 0) {
      ctx.addIssue({ code: 'custom', message: 'at least one key is needed' });
      return z.NEVER;
    }
    return keys;
  });

/**
 * Personal data at rest (callers' names and phone numbers): AES-256-GCM keys by id, the id new data
 * is sealed with, and the key of the keyed hash used to look callers up. Spread into the intake
 * configuration (apps/intake/src/config.ts), whose refinement calls `checkPrivacyConfig`.
 */
export const privacyConfigShape = {
  /** Every AES-256-GCM key that may still be needed, `id:base64,id:base64`. Rotation adds one. */
  PII_ENCRYPTION_KEYS: encryptionKeys,
  /** The key new data is sealed with. Unset (or empty): the first of PII_ENCRYPTION_KEYS. */
  PII_ACTIVE_KEY_ID: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(KEY_ID).optional()),
  /** HMAC-SHA256 key of the lookup hashes (same caller, rate limits, resident subjects). Never rotated casually: hashes change with it. */
  PII_HASH_KEY: z.string().min(32).default(DEVELOPMENT_PII_HASH_KEY),
};

interface PrivacySettings {
  NODE_ENV: string;
  PII_ENCRYPTION_KEYS: Map<string, Buffer>;
  PII_ACTIVE_KEY_ID?: string | undefined;
  PII_HASH_KEY: string;
}

/** Cross-field checks: the active key exists; production uses none of the development keys. */
export function checkPrivacyConfig(config: PrivacySettings, ctx: z.RefinementCtx): void {
  if (config.PII_ACTIVE_KEY_ID !== undefined && !config.PII_ENCRYPTION_KEYS.has(config.PII_ACTIVE_KEY_ID)) {
    ctx.addIssue({
      code: 'custom',
      path: ['PII_ACTIVE_KEY_ID'],
      message: `no key ${config.PII_ACTIVE_KEY_ID} in PII_ENCRYPTION_KEYS`,
    });
  }
  if (config.NODE_ENV !== 'production') return;
  if (config.PII_ENCRYPTION_KEYS.has(DEVELOPMENT_PII_KEYS.split(':')[0] ?? '')) {
    ctx.addIssue({
      code: 'custom',
      path: ['PII_ENCRYPTION_KEYS'],
      message: 'the development key cannot be used in production',
    });
  }
  if (config.PII_HASH_KEY === DEVELOPMENT_PII_HASH_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['PII_HASH_KEY'],
      message: 'the development hash key cannot be used in production',
    });
  }
}
