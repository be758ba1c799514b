import { z } from 'zod';
import { policyDocumentSchema } from './policy.domain';

/** A new policy version: its name, when it takes effect, and its rules. */
export const newPolicySchema = z.object({
  version: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits and . _ -'),
  description: z.string().trim().min(1).max(500),
  effectiveFrom: z.iso.datetime({ offset: true }),
  document: policyDocumentSchema,
});
export type NewPolicy = z.infer<typeof newPolicySchema>;

export const matchQuerySchema = z.object({
  urgency: z.enum(['urgent', 'utilities', 'general', 'complex']),
  categoryCode: z.string().min(1).max(64).optional(),
  requestType: z.string().min(1).max(20).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});
