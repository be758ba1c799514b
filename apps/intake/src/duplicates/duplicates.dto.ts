import { z } from 'zod';
import { SUGGESTION_STATUSES } from './duplicate.domain';

export const suggestionQuerySchema = z
  .object({
    status: z.enum(SUGGESTION_STATUSES).default('open'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type SuggestionQuery = z.infer<typeof suggestionQuerySchema>;
