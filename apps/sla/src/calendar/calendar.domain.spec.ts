import seedFile from '../generated/cn-calendar.json';
import { parseSeed } from './calendar-data.domain';
import {
  AllDaySchedule,
  calendarIdOf,
  CalendarYearNotLoaded,
  type DayKind,
  InvalidSpan,
  type LocalDate,
  SpanNotOnSchedule,
  TimeZone,
  WorkingDayCalendar,
  WorkingDaySchedule,
} from './calendar.domain';

/** The calendar as the service builds it from the build-time seed (chinese-days). */
const seed = parseSeed(seedFile);
function cnCalendar(overrides: Record<LocalDate, DayKind> = {}, years?: number[]): WorkingDayCalendar {
  const exceptions = new Map<LocalDate, DayKind>();
  for (const year of seed.years.values()) for (const d of year.dates) exceptions.set(d.date, d.kind);
  for (const [date, kind] of Object.entries(overrides)) exceptions.set(date, kind);
  return new WorkingDayCalendar({ id: 'cn', loadedYears: years ?? seed.years.keys(), exceptions });
}

const shanghai = new TimeZone('Asia/Shanghai');
/** A Beijing-time instant. */
const bj = (local: string) => new Date(`${local}+08:00`);
const days = (n: number) => ({ unit: 'working-days' as const, value: n });
function caught(work: () => unknown): CalendarYearNotLoaded {
  try {
    work();
  } catch (error) {
    if (error instanceof CalendarYearNotLoaded) return error;
    throw error;
  }
  throw new Error('expected CalendarYearNotLoaded');
}
const minutes = (n: number) => ({ unit: 'minutes' as const, value: n });

describe('the chinese-days seed', () => {
  it('has Spring Festival 2026 with the make-up Saturdays and National Day with its make-up days', () => {
    const y2026 = seed.years.get(2026);
    expect(seed.source).toMatch(/^chinese-days@\d+\.\d+\.\d+$/);
    expect(y2026?.dates.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    const springFestival = y2026?.dates
      .filter((d) => d.name === '春节' && d.kind === 'holiday')
      .map((d) => d.date);
    expect(springFestival).toEqual([
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
      '2026-02-23',
    ]);
    expect(y2026?.dates.find((d) => d.date === '2026-10-01')).toEqual({
      date: '2026-10-01',
      kind: 'holiday',
      name: '国庆节',
      nameEn: 'National Day',
    });
    expect(y2026?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('WorkingDayCalendar', () => {
  const sut = cnCalendar();

  it('reads make-up Saturdays as working days and the holidays (also on weekdays) as not', () => {
    expect(sut.isWorkingDay('2026-02-13')).toBe(true); // Friday
    expect(sut.isWorkingDay('2026-02-14')).toBe(true); // Saturday, 调休
    expect(sut.isWorkingDay('2026-02-16')).toBe(false); // Monday, 春节
    expect(sut.isWorkingDay('2026-02-23')).toBe(false); // Monday, 春节
    expect(sut.isWorkingDay('2026-02-24')).toBe(true);
    expect(sut.isWorkingDay('2026-02-28')).toBe(true); // Saturday, 调休
    expect(sut.isWorkingDay('2026-03-01')).toBe(false); // Sunday
    expect(sut.isWorkingDay('2026-09-25')).toBe(false); // Friday, 中秋
    expect(sut.isWorkingDay('2026-10-09')).toBe(true);
  });

  it('fails closed for a year it has not loaded, never guessing Monday–Friday', () => {
    expect(() => sut.isWorkingDay('2027-01-04')).toThrow(CalendarYearNotLoaded); // a Monday
    expect(caught(() => sut.isWorkingDay('2027-01-04'))).toMatchObject({ calendarId: 'cn', year: 2027 });
  });

  it('applies local overrides over the loaded dates', () => {
    const overridden = cnCalendar({ '2026-02-24': 'holiday', '2026-03-01': 'workday' });
    expect(overridden.isWorkingDay('2026-02-24')).toBe(false);
    expect(overridden.isWorkingDay('2026-03-01')).toBe(true);
  });
});

describe('WorkingDaySchedule across Spring Festival 2026', () => {
  const sut = new WorkingDaySchedule(cnCalendar(), shanghai);

  it('is named workdays:<calendar>', () => {
    expect(sut.id).toBe('workdays:cn');
    expect(calendarIdOf(sut.id)).toBe('cn');
    expect(calendarIdOf('24x7')).toBeNull();
  });

  it('counts working days after the receipt day and ends at local 24:00 of the last one', () => {
    // Fri 02-13 received; 1 = Sat 02-14 (调休), 02-15..02-23 春节, 2 = Tue 02-24, 3 = Wed 02-25.
    expect(sut.dueAt(bj('2026-02-13T10:00:00'), days(3))).toEqual(bj('2026-02-26T00:00:00'));
    expect(sut.dueAt(bj('2026-02-13T10:00:00'), days(3)).toISOString()).toBe('2026-02-25T16:00:00.000Z');
    expect(sut.dueAt(bj('2026-02-13T10:00:00'), days(1))).toEqual(bj('2026-02-15T00:00:00'));
    expect(sut.dueAt(bj('2026-02-12T23:59:00'), days(2))).toEqual(bj('2026-02-15T00:00:00'));
    // received during the holiday: the first working day is 02-24
    expect(sut.dueAt(bj('2026-02-17T09:00:00'), days(1))).toEqual(bj('2026-02-25T00:00:00'));
    // the second make-up Saturday: received Fri 02-27, due end of Sat 02-28; two days: end of Mon 03-02
    expect(sut.dueAt(bj('2026-02-27T16:00:00'), days(1))).toEqual(bj('2026-03-01T00:00:00'));
    expect(sut.dueAt(bj('2026-02-27T16:00:00'), days(2))).toEqual(bj('2026-03-03T00:00:00'));
  });

  it('takes the receipt day from local time, not UTC', () => {
    // 2026-02-13T17:00Z is Sat 02-14 01:00 in Beijing: the receipt day is the Saturday
    expect(sut.dueAt(new Date('2026-02-13T17:00:00Z'), days(1))).toEqual(bj('2026-02-25T00:00:00'));
  });

  it('counts minutes only inside working days', () => {
    expect(sut.dueAt(bj('2026-02-13T22:00:00'), minutes(240))).toEqual(bj('2026-02-14T02:00:00'));
    expect(sut.dueAt(bj('2026-02-14T23:00:00'), minutes(120))).toEqual(bj('2026-02-24T01:00:00'));
    expect(sut.dueAt(bj('2026-02-16T10:00:00'), minutes(60))).toEqual(bj('2026-02-24T01:00:00'));
    // exactly the rest of a working day: the end of that day, not after the holiday
    expect(sut.dueAt(bj('2026-02-14T20:00:00'), minutes(240))).toEqual(bj('2026-02-15T00:00:00'));
    expect(sut.dueAt(bj('2026-02-13T10:00:00'), minutes(0))).toEqual(bj('2026-02-13T10:00:00'));
  });

  it('measures elapsed time across the holiday in working-day minutes', () => {
    const from = bj('2026-02-13T10:00:00');
    const to = bj('2026-02-24T10:00:00');
    expect(sut.elapsedMinutes(from, to)).toBe(840 + 1440 + 600);
    expect(sut.elapsedMinutes(to, from)).toBe(-(840 + 1440 + 600));
    expect(sut.elapsedMinutes(bj('2026-02-16T08:00:00'), bj('2026-02-20T08:00:00'))).toBe(0);
    expect(sut.elapsedMinutes(from, from)).toBe(0);
    expect(new AllDaySchedule().elapsedMinutes(from, to)).toBe(11 * 1440);
  });

  it('places the 50 % and 75 % warnings in working-day time, the receipt day’s rest included', () => {
    const start = bj('2026-02-13T10:00:00');
    // total = Fri 10:00–24:00 (840) + 02-14 + 02-24 + 02-25 (3 × 1440) = 5160 minutes
    expect(sut.elapsedMinutes(start, sut.dueAt(start, days(3)))).toBe(5160);
    expect(sut.pointAt(start, days(3), 0.5)).toEqual(bj('2026-02-24T05:00:00')); // 2580 = 840 + 1440 + 300
    expect(sut.pointAt(start, days(3), 0.75)).toEqual(bj('2026-02-25T02:30:00')); // 3870 = 840 + 2 × 1440 + 150
    expect(sut.pointAt(start, days(3), 1)).toEqual(sut.dueAt(start, days(3)));
    expect(sut.pointAt(start, days(3), 0)).toEqual(start);
    expect(sut.pointAt(bj('2026-02-13T22:00:00'), minutes(240), 0.5)).toEqual(bj('2026-02-14T00:00:00'));
    expect(sut.pointAt(bj('2026-02-14T23:00:00'), minutes(120), 0.75)).toEqual(bj('2026-02-24T00:30:00'));
  });

  it('refuses spans and fractions out of range', () => {
    const start = bj('2026-02-13T10:00:00');
    expect(() => sut.dueAt(start, days(0))).toThrow(InvalidSpan);
    expect(() => sut.dueAt(start, days(1.5))).toThrow(InvalidSpan);
    expect(() => sut.dueAt(start, minutes(-1))).toThrow(InvalidSpan);
    expect(() => sut.pointAt(start, days(1), 1.2)).toThrow(InvalidSpan);
  });
});

describe('WorkingDaySchedule across National Day 2026', () => {
  const sut = new WorkingDaySchedule(cnCalendar(), shanghai);

  it('skips 10-01..10-07 and counts the make-up Saturday 10-10', () => {
    const start = bj('2026-09-30T09:00:00');
    expect(sut.dueAt(start, days(1))).toEqual(bj('2026-10-09T00:00:00')); // Thu 10-08
    expect(sut.dueAt(start, days(2))).toEqual(bj('2026-10-10T00:00:00')); // Fri 10-09
    expect(sut.dueAt(start, days(3))).toEqual(bj('2026-10-11T00:00:00')); // Sat 10-10, 调休
    expect(sut.dueAt(start, days(4))).toEqual(bj('2026-10-13T00:00:00')); // Mon 10-12
  });

  it('counts the make-up Sunday 09-20 and skips Mid-autumn Friday 09-25', () => {
    expect(sut.dueAt(bj('2026-09-19T12:00:00'), days(1))).toEqual(bj('2026-09-21T00:00:00')); // Sun 09-20
    expect(sut.dueAt(bj('2026-09-24T12:00:00'), days(1))).toEqual(bj('2026-09-29T00:00:00')); // Mon 09-28
  });

  it('measures a week across the holiday', () => {
    // Wed 09-30 09:00 → Fri 10-09 09:00: 09-30 (900) + 10-08 (1440) + 10-09 (540)
    expect(sut.elapsedMinutes(bj('2026-09-30T09:00:00'), bj('2026-10-09T09:00:00'))).toBe(900 + 1440 + 540);
  });
});

describe('fail closed', () => {
  const sut = new WorkingDaySchedule(cnCalendar(), shanghai);

  it('throws for a deadline reaching into a year that is not loaded', () => {
    // Wed 2026-12-30: 1 = Thu 12-31, 2 would be in 2027
    expect(sut.dueAt(bj('2026-12-30T10:00:00'), days(1))).toEqual(bj('2027-01-01T00:00:00'));
    expect(() => sut.dueAt(bj('2026-12-30T10:00:00'), days(2))).toThrow(CalendarYearNotLoaded);
    expect(() => sut.dueAt(bj('2026-12-31T20:00:00'), minutes(600))).toThrow(CalendarYearNotLoaded);
    expect(() => sut.pointAt(bj('2026-12-30T10:00:00'), days(3), 0.5)).toThrow(CalendarYearNotLoaded);
    expect(() => sut.elapsedMinutes(bj('2026-12-31T10:00:00'), bj('2027-01-04T10:00:00'))).toThrow(
      CalendarYearNotLoaded,
    );
    // up to local 2027-01-01 00:00 nothing of 2027 is read
    expect(sut.elapsedMinutes(bj('2026-12-31T10:00:00'), bj('2027-01-01T00:00:00'))).toBe(840);
  });

  it('throws for a start in a year that is not loaded, and for a hole between loaded years', () => {
    expect(() => sut.dueAt(bj('2099-03-02T10:00:00'), days(1))).toThrow(CalendarYearNotLoaded);
    const holed = new WorkingDaySchedule(cnCalendar({}, [2024, 2026]), shanghai);
    expect(caught(() => holed.dueAt(bj('2024-12-31T10:00:00'), days(1)))).toMatchObject({
      calendarId: 'cn',
      year: 2025,
    });
  });
});

describe('AllDaySchedule (24x7)', () => {
  const sut = new AllDaySchedule();

  it('is wall-clock time', () => {
    const start = bj('2026-02-13T10:00:00');
    expect(sut.id).toBe('24x7');
    expect(sut.dueAt(start, minutes(7 * 1440))).toEqual(bj('2026-02-20T10:00:00'));
    expect(sut.pointAt(start, minutes(120), 0.75)).toEqual(bj('2026-02-13T11:30:00'));
    expect(sut.elapsedMinutes(start, bj('2026-02-13T12:30:00'))).toBe(150);
  });

  it('refuses working days rather than guessing N × 24 h', () => {
    expect(() => sut.dueAt(bj('2026-02-13T10:00:00'), days(3))).toThrow(SpanNotOnSchedule);
    expect(() => sut.pointAt(bj('2026-02-13T10:00:00'), days(3), 0.5)).toThrow(SpanNotOnSchedule);
  });
});

describe('TimeZone', () => {
  it('gives local dates and day starts in Asia/Shanghai', () => {
    expect(shanghai.localDate(new Date('2026-02-13T15:59:59Z'))).toBe('2026-02-13');
    expect(shanghai.localDate(new Date('2026-02-13T16:00:00Z'))).toBe('2026-02-14');
    expect(shanghai.startOfDay('2026-02-14').toISOString()).toBe('2026-02-13T16:00:00.000Z');
  });

  it('handles daylight saving days of 23 and 25 hours, and a gap at midnight', () => {
    const berlin = new TimeZone('Europe/Berlin');
    expect(berlin.startOfDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(berlin.startOfDay('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    const calendar = new WorkingDayCalendar({
      id: 'de',
      loadedYears: [2026],
      exceptions: new Map([['2026-03-29', 'workday']]),
    });
    const sut = new WorkingDaySchedule(calendar, berlin);
    expect(sut.elapsedMinutes(berlin.startOfDay('2026-03-29'), berlin.startOfDay('2026-03-30'))).toBe(
      23 * 60,
    );
    const saoPaulo = new TimeZone('America/Sao_Paulo');
    expect(saoPaulo.startOfDay('2018-11-04').toISOString()).toBe('2018-11-04T03:00:00.000Z'); // 00:00 skipped
    expect(saoPaulo.startOfDay('2019-02-17').toISOString()).toBe('2019-02-17T03:00:00.000Z'); // 23:00 repeated
    expect(saoPaulo.startOfDay('2019-02-16').toISOString()).toBe('2019-02-16T02:00:00.000Z');
  });

  it('rejects an unknown zone', () => {
    expect(() => new TimeZone('Mars/Olympus')).toThrow(RangeError);
  });
});
