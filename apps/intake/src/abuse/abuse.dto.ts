import { z } from 'zod';
import { CALLER_FLAG_STATUSES } from './abuse.domain';

export const callerFlagQuerySchema = z
  .object({
    status: z.enum(CALLER_FLAG_STATUSES).default('open'),
    subjectKind: z.enum(['phone', 'ip']).optional(),
    subject: z.string().trim().min(1).max(64).optional().describe('a phone number or an address'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type CallerFlagQuery = z.infer<typeof callerFlagQuerySchema>;

/** A review decision says why. */
export const reviewSchema = z.object({ note: z.string().trim().min(1).max(2000) }).strict();
export type ReviewBody = z.infer<typeof reviewSchema>;
