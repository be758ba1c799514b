import { z } from 'zod';

/**
 * 重复诉求 (duplicate) detection settings. No public source fixes these values: the defaults follow
 * the project's domain notes (72 h for the same caller, 24 h and 200 m for the same place).
 * Spread into the intake configuration (apps/intake/src/config.ts).
 */
export const duplicatesConfigShape = {
  /** Hours back in which a ticket from the same caller (phone or resident account) may be the master. */
  DUPLICATE_CALLER_WINDOW_HOURS: z.coerce.number().positive().max(720).default(72),
  /** Hours back in which a ticket at the same place in the same category may be the master. */
  DUPLICATE_PLACE_WINDOW_HOURS: z.coerce.number().positive().max(720).default(24),
  /** Least text similarity (0–1, character bigrams) for the same caller. */
  DUPLICATE_CALLER_SIMILARITY: z.coerce.number().min(0).max(1).default(0.6),
  /** Least text similarity for the same place and category: lower, since place and category already agree. */
  DUPLICATE_PLACE_SIMILARITY: z.coerce.number().min(0).max(1).default(0.35),
  /** Coordinates within this many metres are the same place (when the community differs or is unknown). */
  DUPLICATE_PLACE_RADIUS_METRES: z.coerce.number().positive().max(10_000).default(200),
  /** Merge (并单) at intake without an operator when the similarity reaches DUPLICATE_AUTO_MERGE_SIMILARITY. */
  DUPLICATE_AUTO_MERGE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  DUPLICATE_AUTO_MERGE_SIMILARITY: z.coerce.number().min(0).max(1).default(0.85),
  /** Most earlier tickets read per rule (same caller, same place) for one new ticket: bounds the scan. */
  DUPLICATE_MAX_CANDIDATES: z.coerce.number().int().min(1).max(500).default(50),
};

export type DuplicatesConfig = z.infer<z.ZodObject<typeof duplicatesConfigShape>>;
