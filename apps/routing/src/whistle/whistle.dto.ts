import { locationSchema, WHISTLE_URGENCIES } from '@jsjb/contracts';
import { z } from 'zod';
import { MAX_SUMMONED, WHISTLE_STATUSES } from './whistle.domain';

const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const unitId = z.string().min(1).max(100);

/** Coordinates come in pairs: a longitude without a latitude locates nothing. */
function bothOrNeither(value: { lng?: number | null; lat?: number | null }, ctx: z.RefinementCtx): void {
  const hasLng = value.lng !== undefined && value.lng !== null;
  const hasLat = value.lat !== undefined && value.lat !== null;
  if (hasLng !== hasLat) {
    ctx.addIssue({ code: 'custom', path: [hasLng ? 'lat' : 'lng'], message: 'give both lng and lat' });
  }
}

/** 吹哨 — a street summons units to a ticket it holds or to a standalone issue at a location. */
export const blowSchema = z
  .object({
    /** The ticket the whistle is about; omit for a standalone issue. */
    ticketId: z.string().min(1).max(100).optional(),
    urgency: z.enum(WHISTLE_URGENCIES),
    description: text(4000),
    /** Where the problem is; codes left out default to the street's own. */
    location: locationSchema.partial().strict().superRefine(bothOrNeither).optional(),
    /** The units summoned (departments, utilities, district governments), each once. */
    summon: z
      .array(unitId)
      .min(1)
      .max(MAX_SUMMONED)
      .superRefine((ids, ctx) => {
        ids.forEach((id, i) => {
          if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: [i], message: 'summoned twice' });
        });
      }),
  })
  .strict();
export type BlowBody = z.infer<typeof blowSchema>;

/** 报到 — where the summoned unit checked in: coordinates, an address, or both. */
export const checkInSchema = z
  .object({
    place: z
      .object({
        lng: z.number().min(-180).max(180).nullable().default(null),
        lat: z.number().min(-90).max(90).nullable().default(null),
        address: z.string().trim().min(1).max(500).nullable().default(null),
      })
      .strict()
      .superRefine(bothOrNeither)
      .refine((p) => p.lng !== null || p.address !== null, 'give the coordinates or an address'),
  })
  .strict();
export type CheckInBody = z.infer<typeof checkInSchema>;

export const closeSchema = z.object({ resolved: z.boolean(), summary: text(4000) }).strict();
export type CloseBody = z.infer<typeof closeSchema>;

export const listQuerySchema = z
  .object({
    status: z.enum(WHISTLE_STATUSES).optional(),
    from: isoTime.optional().describe('blown at or after'),
    to: isoTime.optional().describe('blown before'),
    unitId: unitId
      .optional()
      .describe('dispatchers, managers: whistles blown by or summoning this unit (unit staff: their own)'),
    ticketId: z.string().min(1).max(100).optional(),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;

export const assessmentQuerySchema = z
  .object({
    from: isoTime.optional().describe('whistles blown at or after; default 30 days before `to`'),
    to: isoTime.optional().describe('whistles blown before; default now'),
  })
  .strict();
export type AssessmentQuery = z.infer<typeof assessmentQuerySchema>;
