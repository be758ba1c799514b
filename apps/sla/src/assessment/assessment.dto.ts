import { z } from 'zod';
import { UNIT_CLASSES } from '../units/units.domain';
import { daysIn, isValidDay, monthPeriod, type Period, RULING_REASONS } from './assessment.domain';

const MAX_PERIOD_DAYS = 366;

const month = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM')
  .describe('a calendar month, e.g. 2026-03');
const day = z.string().refine(isValidDay, 'a date, YYYY-MM-DD');

/** A period: one month, or a range of days (both included). */
const periodShape = {
  month: month.optional(),
  from: day.optional().describe('first day, YYYY-MM-DD (with `to`, instead of `month`)'),
  to: day.optional().describe('last day, YYYY-MM-DD, included'),
};

type PeriodInput = { month?: string | undefined; from?: string | undefined; to?: string | undefined };

function checkPeriod(q: PeriodInput, ctx: z.core.$RefinementCtx): void {
  const range = q.from !== undefined || q.to !== undefined;
  if ((q.month === undefined) === !range) {
    ctx.addIssue({ code: 'custom', path: ['month'], message: 'give either month, or from and to' });
  } else if (range && (q.from === undefined || q.to === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [q.from === undefined ? 'from' : 'to'],
      message: 'give both from and to',
    });
  } else if (range && q.from !== undefined && q.to !== undefined) {
    if (q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    else if (daysIn({ from: q.from, to: q.to, month: null }) > MAX_PERIOD_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `a period is at most ${MAX_PERIOD_DAYS} days` });
    }
  }
}

/** The period a validated query names. */
export function periodOf(q: PeriodInput): Period {
  if (q.month !== undefined) return monthPeriod(q.month);
  return { from: q.from ?? '', to: q.to ?? '', month: null };
}

const unitClass = z
  .enum(UNIT_CLASSES)
  .describe('街乡 street, 区 district, 市级部门 city-department, 企业 enterprise');

export const ratesQuerySchema = z
  .object({ ...periodShape, unitClass })
  .strict()
  .superRefine(checkPeriod);

export const rankingsQuerySchema = z.object({ month, unitClass: unitClass.optional() }).strict();

export const trendsQuerySchema = z
  .object({
    ...periodShape,
    unitId: z.string().trim().min(1).max(100).optional(),
    unitClass: unitClass.optional(),
    granularity: z.enum(['month', 'day']).default('month'),
  })
  .strict()
  .superRefine((q, ctx) => {
    checkPeriod(q, ctx);
    if ((q.unitId === undefined) === (q.unitClass === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'give either unitId or unitClass' });
    }
  });

export const hotspotsQuerySchema = z
  .object({
    ...periodShape,
    level: z.enum(['district', 'street']).default('street').describe('areas by district or by street'),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  })
  .strict()
  .superRefine(checkPeriod);

export const whistlesQuerySchema = z.object(periodShape).strict().superRefine(checkPeriod);

/** A manager's ruling: the ticket is excluded from every unit's assessment. */
export const exclusionSchema = z
  .object({
    ticketId: z.string().trim().min(1).max(100),
    reason: z.enum(RULING_REASONS).describe('恶意诉求 malicious, 不合理诉求 unreasonable'),
    note: z.string().trim().min(1).max(2000),
  })
  .strict();

const classWeights = z
  .object({
    response: z.number().min(0).max(100),
    resolution: z.number().min(0).max(100),
    satisfaction: z.number().min(0).max(100),
  })
  .strict()
  .refine((w) => Math.abs(w.response + w.resolution + w.satisfaction - 100) < 1e-9, {
    message: 'the three weights add up to 100',
  });

/** A new weight-set version: the classes it changes, from a month on. */
export const weightSetSchema = z
  .object({
    effectiveFrom: month,
    weights: z
      .object({
        street: classWeights.optional(),
        district: classWeights.optional(),
        'city-department': classWeights.optional(),
        enterprise: classWeights.optional(),
      })
      .strict()
      .refine((w) => Object.values(w).some((v) => v !== undefined), {
        message: 'give the weights of a class at least',
      }),
    basicSatisfiedWeight: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('基本满意 weight; default ASSESSMENT_BASIC_SATISFIED_WEIGHT'),
    note: z.string().trim().max(2000).default(''),
  })
  .strict();

export type RatesQuery = z.infer<typeof ratesQuerySchema>;
export type TrendsQuery = z.infer<typeof trendsQuerySchema>;
export type HotspotsQuery = z.infer<typeof hotspotsQuerySchema>;
export type ExclusionBody = z.infer<typeof exclusionSchema>;
export type WeightSetBody = z.infer<typeof weightSetSchema>;
