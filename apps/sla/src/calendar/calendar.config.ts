import { z } from 'zod';
import { CALENDAR_ID_PATTERN } from './calendar-data.domain';

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Working-day calendars. Spread into the sla configuration (apps/sla/src/config.ts). */
export const calendarConfigShape = {
  /** The IANA time zone whose local dates the calendars describe (a working day runs local 00:00–24:00). */
  SLA_TIME_ZONE: z
    .string()
    .refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai')
    .default('Asia/Shanghai'),
  /** The calendar of the default working-day schedule (`workdays:<id>`) and of the boot coverage warning. */
  SLA_DEFAULT_CALENDAR: z.string().regex(CALENDAR_ID_PATTERN).default('cn'),
  /** How often each instance checks for calendar changes made by another instance (one indexed query). */
  SLA_CALENDAR_REFRESH_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
};

export type CalendarConfig = z.infer<z.ZodObject<typeof calendarConfigShape>>;
