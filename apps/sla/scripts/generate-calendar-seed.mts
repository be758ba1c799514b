// Build step `nx run sla:calendar-seed` (build, typecheck, lint and test depend on it): copies the
// public holidays and 调休 make-up working days of the `chinese-days` package (a devDependency, so
// never read at run time and absent from the image's production dependencies) into
// src/generated/cn-calendar.json, which the service imports and compiles into dist. At boot the
// service loads the years of this file that its database lacks (src/calendar/calendar-seed.domain.ts
// parses and checks it). The file records its source: package name and version.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const PACKAGE = 'chinese-days';
const DATA_FILE = 'dist/chinese-days.json';
const OUTPUT = join(import.meta.dirname, '..', 'src', 'generated', 'cn-calendar.json');

type DateMap = Record<string, string>;

function isDateMap(value: unknown): value is DateMap {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.entries(value).every(([k, v]) => /^\d{4}-\d{2}-\d{2}$/.test(k) && typeof v === 'string')
  );
}

function sorted(map: DateMap): DateMap {
  return Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b)));
}

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve(`${PACKAGE}/package.json`));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: unknown };
if (typeof manifest.version !== 'string') throw new Error(`${PACKAGE}/package.json has no version`);
const data = JSON.parse(readFileSync(join(packageDir, DATA_FILE), 'utf8')) as Record<string, unknown>;
const { holidays, workdays } = data;
if (!isDateMap(holidays) || !isDateMap(workdays)) {
  throw new Error(`${PACKAGE}/${DATA_FILE}: expected "holidays" and "workdays" maps of YYYY-MM-DD → text`);
}

// Per year; `inLieuDays` (days off given in lieu, all inside `holidays`) is not needed.
const years: Record<string, { holidays: DateMap; workdays: DateMap }> = {};
const yearOf = (date: string) => (years[date.slice(0, 4)] ??= { holidays: {}, workdays: {} });
for (const [date, text] of Object.entries(holidays)) yearOf(date).holidays[date] = text;
for (const [date, text] of Object.entries(workdays)) yearOf(date).workdays[date] = text;

const seed = {
  calendarId: 'cn',
  package: PACKAGE,
  version: manifest.version,
  source: `${PACKAGE}@${manifest.version}`,
  file: DATA_FILE,
  years: Object.fromEntries(
    Object.keys(years)
      .sort()
      .map((year) => {
        const entry = years[year]!;
        return [year, { holidays: sorted(entry.holidays), workdays: sorted(entry.workdays) }];
      }),
  ),
};
mkdirSync(dirname(OUTPUT), { recursive: true });
writeFileSync(OUTPUT, `${JSON.stringify(seed, null, 1)}\n`);
console.log(`calendar seed: ${seed.source}, years ${Object.keys(seed.years).join(', ')} → ${OUTPUT}`);
