import {
  type CalendarDateEntry,
  changedDates,
  checkYearDates,
  overrideChanges,
  parseSeed,
  yearChecksum,
} from './calendar-data.domain';
import type { DayKind, LocalDate } from './calendar.domain';

const entry = (date: string, kind: DayKind, name = '春节'): CalendarDateEntry => ({
  date,
  kind,
  name,
  nameEn: null,
});
const kinds = (pairs: Record<LocalDate, DayKind>) => new Map(Object.entries(pairs));

describe('parseSeed', () => {
  const file = {
    calendarId: 'cn',
    package: 'chinese-days',
    version: '9.9.9',
    source: 'chinese-days@9.9.9',
    years: {
      '2026': {
        holidays: { '2026-02-16': 'Spring Festival,春节,4' },
        workdays: { '2026-02-14': 'Spring Festival,春节,4' },
      },
    },
  };

  it('splits the package text into names and records the source per year', () => {
    const sut = parseSeed(file);
    expect(sut.source).toBe('chinese-days@9.9.9');
    expect(sut.years.get(2026)).toMatchObject({
      calendarId: 'cn',
      year: 2026,
      source: 'chinese-days@9.9.9',
      version: '9.9.9',
      dates: [
        { date: '2026-02-14', kind: 'workday', name: '春节', nameEn: 'Spring Festival' },
        { date: '2026-02-16', kind: 'holiday', name: '春节', nameEn: 'Spring Festival' },
      ],
    });
  });

  it('refuses a date that is both a holiday and a make-up day, or outside its year', () => {
    const both = {
      ...file,
      years: { '2026': { holidays: { '2026-02-14': 'x,春节,4' }, workdays: { '2026-02-14': 'x,春节,4' } } },
    };
    expect(() => parseSeed(both)).toThrow(/2026-02-14: listed twice/);
    const outside = { ...file, years: { '2026': { holidays: { '2027-01-01': 'x,元旦,1' }, workdays: {} } } };
    expect(() => parseSeed(outside)).toThrow(/not in 2026/);
    expect(() =>
      parseSeed({ ...file, years: { '2026': { holidays: { '2026-02-30': 'x' }, workdays: {} } } }),
    ).toThrow();
  });
});

describe('yearChecksum', () => {
  it('depends on the dates, kinds and names, not their order', () => {
    const a = [entry('2026-02-14', 'workday'), entry('2026-02-16', 'holiday')];
    expect(yearChecksum(a)).toBe(yearChecksum([...a].reverse()));
    expect(yearChecksum(a)).not.toBe(
      yearChecksum([entry('2026-02-14', 'holiday'), entry('2026-02-16', 'holiday')]),
    );
  });
});

describe('checkYearDates', () => {
  it('lists every problem', () => {
    expect(checkYearDates(2027, [entry('2027-13-01', 'holiday'), entry('2026-12-31', 'holiday')])).toEqual([
      '2027-13-01: not a date YYYY-MM-DD',
      '2026-12-31: not in 2027',
    ]);
  });
});

describe('changedDates', () => {
  it('lists every date of a year newly loaded', () => {
    const sut = changedDates(2026, null, kinds({}), kinds({}));
    expect(sut).toHaveLength(365);
    expect(sut[0]).toBe('2026-01-01');
    expect(sut[364]).toBe('2026-12-31');
  });

  it('lists only the dates whose status changes on a replacement', () => {
    const before = kinds({ '2026-02-14': 'workday', '2026-02-16': 'holiday', '2026-02-15': 'holiday' });
    // 02-14 no longer a make-up day (Saturday → off), 02-15 Sunday stays off, 02-24 Tuesday becomes a holiday
    const after = kinds({ '2026-02-16': 'holiday', '2026-02-24': 'holiday' });
    expect(changedDates(2026, before, after, kinds({}))).toEqual(['2026-02-14', '2026-02-24']);
  });

  it('ignores a change that a local override masks', () => {
    const before = kinds({ '2026-02-14': 'workday' });
    expect(changedDates(2026, before, kinds({}), kinds({ '2026-02-14': 'workday' }))).toEqual([]);
  });
});

describe('overrideChanges', () => {
  it('is true only when the working status flips', () => {
    expect(overrideChanges('2026-02-24', null, null, 'holiday')).toBe(true); // Tuesday off
    expect(overrideChanges('2026-02-24', null, null, 'workday')).toBe(false); // already a working day
    expect(overrideChanges('2026-02-14', 'workday', null, 'holiday')).toBe(true); // make-up Saturday cancelled
    expect(overrideChanges('2026-02-14', 'workday', 'holiday', null)).toBe(true); // override removed
    expect(overrideChanges('2026-02-15', 'holiday', null, 'holiday')).toBe(false);
  });
});
