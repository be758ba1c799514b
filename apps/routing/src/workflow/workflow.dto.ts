import {
  CONTACT_METHODS,
  CONTACT_RESULTS,
  DISPUTE_DECISIONS,
  DISPUTE_REASONS,
  EXTENSION_DECISIONS,
  REPLY_RESULTS,
} from '@jsjb/contracts';
import { z } from 'zod';
import { ASSIGNMENT_STATUSES } from './assignment.domain';

const isoTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().trim().min(1).max(max);
const unitId = z.string().min(1).max(100);
const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

/** 待办 — a unit's inbox query. */
export const inboxQuerySchema = z
  .object({
    status: z
      .string()
      .transform((s) => s.split(','))
      .pipe(z.array(z.enum(ASSIGNMENT_STATUSES)).min(1))
      .optional()
      .describe('comma-separated statuses; default dispatched,signed,disputed'),
    role: z.enum(['lead', 'co', 'copy']).optional(),
    overdue: booleanQuery.optional().describe('only open assignments past their deadline'),
    dueBefore: isoTime.optional(),
    emergency: booleanQuery.optional().describe('only 紧急工单 not yet signed'),
    unitId: unitId.optional().describe('dispatchers and managers: whose inbox'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const returnSchema = z
  .object({
    reason: z.enum(DISPUTE_REASONS),
    note: text(4000),
    suggestedUnitId: unitId.optional(),
  })
  .strict();

export const contactSchema = z
  .object({
    method: z.enum(CONTACT_METHODS),
    result: z.enum(CONTACT_RESULTS),
    note: z.string().trim().max(4000).default(''),
    /** When the contact happened, if not now (a call logged afterwards); never in the future. */
    contactedAt: isoTime.optional(),
  })
  .strict();

export const progressSchema = z.object({ note: text(4000) }).strict();

export const extensionRequestSchema = z
  .object({
    reason: text(4000),
    requestedDueAt: isoTime,
    /** Art. 15: an extension must be explained to the resident before it is asked for. */
    explainedToResident: z.literal(true, {
      message: 'explain the extension to the resident first (条例 Art. 15)',
    }),
  })
  .strict();

export const reportSchema = z.object({ content: text(4000) }).strict();

export const replySchema = z
  .object({
    result: z.enum(REPLY_RESULTS),
    content: text(4000),
    attachments: z
      .array(z.url({ protocol: /^https?$/ }).max(2000))
      .max(20)
      .default([]),
  })
  .strict();

export const disputeDecisionSchema = z
  .object({
    decision: z.enum(DISPUTE_DECISIONS),
    /** 改派 target: required when approving. */
    correctedUnitId: unitId.optional(),
    note: z.string().trim().max(4000).default(''),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.decision === 'approved' && body.correctedUnitId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['correctedUnitId'],
        message: 'required when the return is approved',
      });
    }
    if (body.decision === 'rejected' && body.correctedUnitId !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['correctedUnitId'],
        message: 'only an approved return is redispatched',
      });
    }
  });

export const extensionDecisionSchema = z
  .object({
    decision: z.enum(EXTENSION_DECISIONS),
    /** The approved deadline; defaults to the requested one. */
    newDueAt: isoTime.optional(),
    note: z.string().trim().max(4000).default(''),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.decision === 'refused' && body.newDueAt !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['newDueAt'], message: 'only an approval sets a deadline' });
    }
  });

export const subAssignSchema = z
  .object({
    teamId: z.uuid(),
    dueAt: isoTime,
    instructions: text(4000),
  })
  .strict();

export const subResultSchema = z.object({ result: text(4000) }).strict();

export const queueQuerySchema = z
  .object({
    status: z.enum(['pending', 'decided']).default('pending'),
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
