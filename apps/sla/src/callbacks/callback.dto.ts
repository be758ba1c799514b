import { SATISFACTION_LEVELS } from '@jsjb/contracts';
import { z } from 'zod';
import { CALLBACK_STATUSES } from './callback.domain';

const isoTime = z.iso.datetime({ offset: true });
const comment = z.string().trim().min(1).max(2000);

/** 回访 — one call: was the resident reached, and if so their answers. */
export const answerSchema = z
  .object({
    /** 是否联系上 */
    contacted: z.boolean(),
    /** 是否解决 — required when contacted. */
    resolved: z.boolean().optional(),
    /** 满意 / 基本满意 / 不满意 — required when contacted. */
    satisfaction: z.enum(SATISFACTION_LEVELS).optional(),
    /** 群众意见, or why nobody was reached. */
    comment: comment.optional(),
  })
  .strict();
export type AnswerBody = z.infer<typeof answerSchema>;

/** The resident's own rating through the signed link. */
export const ratingSchema = z
  .object({
    resolved: z.boolean(),
    satisfaction: z.enum(SATISFACTION_LEVELS),
    comment: comment.optional(),
  })
  .strict();
export type RatingBody = z.infer<typeof ratingSchema>;

export const listQuerySchema = z
  .object({
    status: z.enum(CALLBACK_STATUSES).default('open'),
    dueBefore: isoTime.optional().describe('callbacks due before this time'),
    unitId: z.string().min(1).max(100).optional().describe('the lead unit whose reply is called back'),
    ticketId: z.string().min(1).max(100).optional(),
    mine: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => v === 'true')
      .describe('only the callbacks claimed by the caller'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type ListQuery = z.infer<typeof listQuerySchema>;
