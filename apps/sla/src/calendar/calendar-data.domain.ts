import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  datesOfYear,
  DAY_KINDS,
  type DayKind,
  isLocalDate,
  isWorkingDate,
  type LocalDate,
  yearOf,
} from './calendar.domain';

/**
 * A calendar's data per year: parsing the build-time seed (src/generated/cn-calendar.json, written
 * from the `chinese-days` package by scripts/generate-calendar-seed.mts), checksums, and which dates
 * change status when a year is loaded or replaced or an override is set. Pure.
 */

/** One date of a year that departs from Monday–Friday. */
export interface CalendarDateEntry {
  date: LocalDate;
  kind: DayKind;
  /** e.g. 春节 */
  name: string;
  /** e.g. Spring Festival (packaged data only) */
  nameEn: string | null;
}

/** A year of a calendar, ready to store: where it came from and its dates. */
export interface CalendarYearData {
  calendarId: string;
  year: number;
  /** e.g. `chinese-days@1.5.7`, or an administrator's description of a manual import. */
  source: string;
  version: string;
  /** sha256 of the year's canonical dates (date, kind, name), to spot a package update that changes a loaded year. */
  checksum: string;
  dates: CalendarDateEntry[];
}

export interface CalendarSeed {
  calendarId: string;
  source: string;
  version: string;
  years: ReadonlyMap<number, CalendarYearData>;
}

export const CALENDAR_ID_PATTERN = /^[a-z][a-z0-9-]{0,49}$/;

const dateMap = z.record(z.string().refine(isLocalDate, 'a date YYYY-MM-DD'), z.string().min(1).max(200));

const seedFileSchema = z.object({
  calendarId: z.string().regex(CALENDAR_ID_PATTERN),
  package: z.string().min(1),
  version: z.string().min(1).max(50),
  source: z.string().min(1).max(200),
  years: z.record(z.string().regex(/^\d{4}$/), z.object({ holidays: dateMap, workdays: dateMap })),
});

/** `"Spring Festival,春节,4"` (English, Chinese, statutory days) → names. */
function packagedNames(text: string): { name: string; nameEn: string | null } {
  const [en, zh] = text.split(',');
  const name = zh?.trim() || en?.trim() || text;
  const nameEn = en?.trim() || null;
  return { name, nameEn };
}

/** The checksum of a year's dates, independent of their order. */
export function yearChecksum(dates: readonly CalendarDateEntry[]): string {
  const canonical = [...dates]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => [d.date, d.kind, d.name]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Checks a year's dates: real dates, inside the year, each once. */
export function checkYearDates(year: number, dates: readonly CalendarDateEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of dates) {
    if (!isLocalDate(d.date)) problems.push(`${d.date}: not a date YYYY-MM-DD`);
    else if (yearOf(d.date) !== year) problems.push(`${d.date}: not in ${year}`);
    if (seen.has(d.date)) problems.push(`${d.date}: listed twice`);
    seen.add(d.date);
    if (!DAY_KINDS.includes(d.kind)) problems.push(`${d.date}: kind must be holiday or workday`);
  }
  return problems;
}

export function yearData(input: Omit<CalendarYearData, 'checksum'>): CalendarYearData {
  const dates = [...input.dates].sort((a, b) => a.date.localeCompare(b.date));
  return { ...input, dates, checksum: yearChecksum(dates) };
}

/**
 * The build-time seed file, checked. A date both a holiday and a make-up working day, or a date
 * outside its year, is a broken build: it throws.
 */
export function parseSeed(raw: unknown): CalendarSeed {
  const file = seedFileSchema.parse(raw);
  const years = new Map<number, CalendarYearData>();
  for (const [yearText, { holidays, workdays }] of Object.entries(file.years)) {
    const year = Number(yearText);
    const dates: CalendarDateEntry[] = [
      ...Object.entries(holidays).map(([date, text]) => ({
        date,
        kind: 'holiday' as const,
        ...packagedNames(text),
      })),
      ...Object.entries(workdays).map(([date, text]) => ({
        date,
        kind: 'workday' as const,
        ...packagedNames(text),
      })),
    ];
    const problems = checkYearDates(year, dates);
    if (problems.length > 0) throw new Error(`calendar seed ${file.source}, ${year}: ${problems.join('; ')}`);
    years.set(
      year,
      yearData({ calendarId: file.calendarId, year, source: file.source, version: file.version, dates }),
    );
  }
  return { calendarId: file.calendarId, source: file.source, version: file.version, years };
}

/**
 * The dates of `year` whose working/non-working status differs between two states of the calendar.
 * `before` null = the year was not loaded: every date of the year changes (from unknown to known).
 * Overrides apply on both sides, so a change an override masks is no change.
 */
export function changedDates(
  year: number,
  before: ReadonlyMap<LocalDate, DayKind> | null,
  after: ReadonlyMap<LocalDate, DayKind>,
  overrides: ReadonlyMap<LocalDate, DayKind>,
): LocalDate[] {
  const all = datesOfYear(year);
  if (before === null) return all;
  return all.filter((date) => {
    const override = overrides.get(date) ?? null;
    const was = isWorkingDate(date, override ?? before.get(date) ?? null);
    const is = isWorkingDate(date, override ?? after.get(date) ?? null);
    return was !== is;
  });
}

/** Whether setting (`next` a kind) or removing (`next` null) an override changes the date's status. */
export function overrideChanges(
  date: LocalDate,
  table: DayKind | null,
  current: DayKind | null,
  next: DayKind | null,
): boolean {
  return isWorkingDate(date, current ?? table) !== isWorkingDate(date, next ?? table);
}
