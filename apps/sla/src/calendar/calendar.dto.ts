import { z } from 'zod';
import { CALENDAR_ID_PATTERN } from './calendar-data.domain';
import { DAY_KINDS, isLocalDate } from './calendar.domain';

const localDate = z.string().refine(isLocalDate, 'a date YYYY-MM-DD');
const reason = z.string().trim().min(1).max(500);

export const calendarIdSchema = z.string().regex(CALENDAR_ID_PATTERN, 'a calendar id, e.g. cn');
export const yearSchema = z.coerce.number().int().min(1900).max(2999);
export const dateParamSchema = localDate;

/** 本地调整 — an administrator marks one date a holiday or a working day, with a reason (audited). */
export const overrideSchema = z
  .object({
    kind: z
      .enum(DAY_KINDS)
      .describe('holiday: not a working day; workday: a working day (e.g. a 调休 make-up day)'),
    reason: reason.describe('why, for the audit trail'),
  })
  .strict();
export type OverrideBody = z.infer<typeof overrideSchema>;

export const removeOverrideQuerySchema = z
  .object({ reason: reason.describe('why the override is removed, for the audit trail') })
  .strict();

/**
 * Import or replace a year: from the data packaged at build time (`chinese-days`), or entered by
 * hand from the State Council's notice (国务院办公厅关于…部分节假日安排的通知) before a package has it.
 */
export const importYearSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('package') }).strict(),
  z
    .object({
      from: z.literal('manual'),
      source: z.string().trim().min(1).max(200).describe('where the dates come from, e.g. the notice'),
      version: z.string().trim().min(1).max(50),
      dates: z
        .array(
          z
            .object({
              date: localDate,
              kind: z.enum(DAY_KINDS),
              name: z.string().trim().min(1).max(100),
              nameEn: z.string().trim().min(1).max(100).nullable().default(null),
            })
            .strict(),
        )
        .max(366),
    })
    .strict(),
]);
export type ImportYearBody = z.infer<typeof importYearSchema>;

export const changesQuerySchema = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(50) })
  .strict();

export const overrideExamples = {
  holiday: {
    summary: '本地休息日',
    value: { kind: 'holiday', reason: '市政府通知：2026-03-02 全市暴雪停工一天' },
  },
  workday: {
    summary: '本地补班',
    value: { kind: 'workday', reason: '区政府通知：2026-03-07（周六）补班' },
  },
};

export const importExamples = {
  package: { summary: '用构建时打包的 chinese-days 数据导入或替换该年', value: { from: 'package' } },
  manual: {
    summary: '按国务院办公厅通知手工录入（节选）',
    value: {
      from: 'manual',
      source: '国务院办公厅关于2027年部分节假日安排的通知',
      version: '2027-1',
      dates: [
        { date: '2027-01-01', kind: 'holiday', name: '元旦', nameEn: "New Year's Day" },
        { date: '2027-02-07', kind: 'workday', name: '春节', nameEn: 'Spring Festival' },
      ],
    },
  },
};
