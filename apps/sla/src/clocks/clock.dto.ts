import { z } from 'zod';
import { CLOCK_KINDS } from '@jsjb/contracts';

const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
};

/** Overdue (督办) and at-risk (催办 sent, not yet due) deadlines. */
export const deadlineQuerySchema = z.object({
  kind: z.enum(CLOCK_KINDS).optional(),
  unitId: z.string().min(1).max(100).optional(),
  districtCode: z.string().min(1).max(32).optional(),
  ...page,
});

export const ticketClocksQuerySchema = z.object({ ticketId: z.string().min(1).max(100) });

export const trackingQuerySchema = z.object({ districtCode: z.string().min(1).max(32).optional(), ...page });
