import { isOfficeHours, localTime, needsOnDuty, parseOfficeSchedule } from './duty.domain';

const SHANGHAI = 'Asia/Shanghai';
/** 2026-03-02 is a Monday; Shanghai is UTC+8 all year. */
const at = (local: string, offset = '+08:00'): Date => new Date(`${local}${offset}`);

describe('parseOfficeSchedule', () => {
  it('reads hours, days and zone', () => {
    const sut = parseOfficeSchedule('09:00-18:00', '1,2,3,4,5', SHANGHAI);
    expect(sut).toEqual({ timeZone: SHANGHAI, opensAt: 540, closesAt: 1080, days: new Set([1, 2, 3, 4, 5]) });
  });

  it('accepts 24:00 as a closing time and an overnight shift', () => {
    expect(parseOfficeSchedule('08:00-24:00', '1', SHANGHAI).closesAt).toBe(1440);
    expect(parseOfficeSchedule('22:00-06:00', '1', SHANGHAI)).toMatchObject({ opensAt: 1320, closesAt: 360 });
  });

  it.each([
    ['9:00-18:00', '1'],
    ['09:00-09:00', '1'],
    ['24:00-06:00', '1'],
    ['09:00-24:01', '1'],
    ['09:00-18:00', '0,1'],
    ['09:00-18:00', '1,8'],
    ['09:00-18:00', ''],
  ])('refuses hours %s / days "%s"', (hours, days) => {
    expect(() => parseOfficeSchedule(hours, days, SHANGHAI)).toThrow(RangeError);
  });

  it('refuses an unknown time zone at once', () => {
    expect(() => parseOfficeSchedule('09:00-18:00', '1', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('localTime', () => {
  it('gives the weekday and minutes in the zone, not in UTC', () => {
    // 2026-03-01T18:30Z is Monday 02:30 in Shanghai, still Sunday in UTC.
    expect(localTime(new Date('2026-03-01T18:30:00Z'), SHANGHAI)).toEqual({
      isoWeekday: 1,
      minuteOfDay: 150,
    });
    expect(localTime(new Date('2026-03-01T18:30:00Z'), 'UTC')).toEqual({ isoWeekday: 7, minuteOfDay: 1110 });
  });

  it('reads midnight as 0, not 24', () => {
    expect(localTime(at('2026-03-03T00:00:00'), SHANGHAI)).toEqual({ isoWeekday: 2, minuteOfDay: 0 });
  });

  it('follows daylight saving time where the zone has it', () => {
    // New York: 09:30 local is 14:30Z in winter, 13:30Z in summer.
    expect(localTime(new Date('2026-01-05T14:30:00Z'), 'America/New_York').minuteOfDay).toBe(570);
    expect(localTime(new Date('2026-07-06T13:30:00Z'), 'America/New_York').minuteOfDay).toBe(570);
  });
});

describe('isOfficeHours', () => {
  const sut = parseOfficeSchedule('09:00-18:00', '1,2,3,4,5', SHANGHAI);

  it.each([
    ['2026-03-02T08:59:59', false],
    ['2026-03-02T09:00:00', true],
    ['2026-03-02T12:00:00', true],
    ['2026-03-02T17:59:59', true],
    ['2026-03-02T18:00:00', false],
    ['2026-03-03T02:00:00', false],
    ['2026-03-06T10:00:00', true], // Friday
    ['2026-03-07T10:00:00', false], // Saturday
    ['2026-03-08T10:00:00', false], // Sunday
  ])('Shanghai %s → %s', (local, open) => {
    expect(isOfficeHours(at(local), sut)).toBe(open);
  });

  it('judges by the local clock whatever the instant’s offset', () => {
    // Monday 10:00 in Shanghai is Monday 02:00 UTC.
    expect(isOfficeHours(new Date('2026-03-02T02:00:00Z'), sut)).toBe(true);
    // Monday 02:00 UTC in a UTC office is closed.
    expect(isOfficeHours(new Date('2026-03-02T02:00:00Z'), { ...sut, timeZone: 'UTC' })).toBe(false);
  });

  it('opens weekends when the days say so', () => {
    const sevenDays = parseOfficeSchedule('09:00-18:00', '1,2,3,4,5,6,7', SHANGHAI);
    expect(isOfficeHours(at('2026-03-08T10:00:00'), sevenDays)).toBe(true);
  });

  it('counts the hours after midnight of an overnight shift to the day it opened', () => {
    const night = parseOfficeSchedule('22:00-06:00', '1,2,3,4,5', SHANGHAI);
    expect(isOfficeHours(at('2026-03-02T21:59:00'), night)).toBe(false); // Monday before opening
    expect(isOfficeHours(at('2026-03-02T22:00:00'), night)).toBe(true); // Monday night
    expect(isOfficeHours(at('2026-03-03T05:59:00'), night)).toBe(true); // Monday's shift, Tuesday morning
    expect(isOfficeHours(at('2026-03-03T06:00:00'), night)).toBe(false);
    expect(isOfficeHours(at('2026-03-07T03:00:00'), night)).toBe(true); // Friday's shift, Saturday morning
    expect(isOfficeHours(at('2026-03-07T23:00:00'), night)).toBe(false); // Saturday night: no shift
    expect(isOfficeHours(at('2026-03-02T03:00:00'), night)).toBe(false); // Sunday's (none), Monday morning
  });

  it('closes at 24:00 exclusive', () => {
    const late = parseOfficeSchedule('08:00-24:00', '1,2,3,4,5', SHANGHAI);
    expect(isOfficeHours(at('2026-03-02T23:59:00'), late)).toBe(true);
    expect(isOfficeHours(at('2026-03-03T00:00:00'), late)).toBe(false);
  });
});

describe('needsOnDuty', () => {
  const sut = parseOfficeSchedule('09:00-18:00', '1,2,3,4,5', SHANGHAI);
  const night = at('2026-03-03T02:00:00');
  const weekdayMorning = at('2026-03-03T10:00:00');
  const saturdayMorning = at('2026-03-07T10:00:00');

  it.each([
    ['urgent', night, true],
    ['utilities', night, true],
    ['urgent', saturdayMorning, true],
    ['urgent', weekdayMorning, false],
    ['utilities', weekdayMorning, false],
    ['general', night, false],
    ['complex', saturdayMorning, false],
  ])('%s at %s → %s', (urgency, when, expected) => {
    expect(needsOnDuty(urgency, when, sut)).toBe(expected);
  });
});
