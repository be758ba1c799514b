import { z } from 'zod';

const unitId = z.string().trim().min(1).max(100);
const code = (max: number) => z.string().trim().min(1).max(max);

/** 人工派单 queue query. */
export const manualQueueQuerySchema = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

/** The units a dispatcher chooses: a lead (主办) and co-handlers (协办); a street lead is copied to its district. */
const unitChoice = {
  leadUnitId: unitId,
  coUnitIds: z.array(unitId).max(20).default([]),
};

export const manualDispatchSchema = z
  .object({ ...unitChoice, note: z.string().trim().max(4000).default('') })
  .strict();

/** A corrected location replaces the one received; fields left out are unknown (null). */
const correctedLocationSchema = z
  .object({
    districtCode: code(32).nullable().default(null),
    streetCode: code(32).nullable().default(null),
    communityCode: code(32).nullable().default(null),
    address: code(500).nullable().default(null),
    lng: z.number().min(-180).max(180).nullable().default(null),
    lat: z.number().min(-90).max(90).nullable().default(null),
  })
  .strict()
  .refine((l) => (l.lng === null) === (l.lat === null), {
    message: 'give both lng and lat, or neither',
    path: ['lng'],
  });

export const manualCorrectionSchema = z
  .object({
    categoryCode: code(64).optional().describe('a code of the dispatch catalogue in force'),
    location: correctedLocationSchema.optional(),
  })
  .strict()
  .refine((b) => b.categoryCode !== undefined || b.location !== undefined, {
    message: 'correct the category, the location, or both',
    path: ['categoryCode'],
  });

/** 改派 by the center: the units that take over the ticket's current cycle, and why. */
export const redispatchSchema = z
  .object({ ...unitChoice, note: z.string().trim().min(1).max(4000) })
  .strict();

export type ManualDispatchBody = z.infer<typeof manualDispatchSchema>;
export type ManualCorrectionBody = z.infer<typeof manualCorrectionSchema>;
export type RedispatchBody = z.infer<typeof redispatchSchema>;
