import {
  bd09ToGcj02,
  canTriage,
  distanceMetres,
  gcj02ToWgs84,
  localDay,
  maskName,
  maskPhone,
  normalizePhone,
  TICKET_STATUSES,
  ticketNumber,
  toWgs84,
  wgs84ToGcj02,
} from './ticket.domain';

describe('ticket numbers', () => {
  it('are the local day and a six-digit daily sequence', () => {
    expect(ticketNumber('20261121', 123)).toBe('20261121000123');
    expect(ticketNumber('20261121', 999_999)).toBe('20261121999999');
  });

  it('refuse a sequence outside 1–999,999 and a malformed day', () => {
    expect(() => ticketNumber('20261121', 0)).toThrow(RangeError);
    expect(() => ticketNumber('20261121', 1_000_000)).toThrow(RangeError);
    expect(() => ticketNumber('2026-11-21', 1)).toThrow(RangeError);
  });

  it('take the day in the city’s time zone, not UTC', () => {
    // 2026-11-21 17:30 UTC is already the 22nd in Beijing.
    expect(localDay(new Date('2026-11-21T17:30:00Z'), 'Asia/Shanghai')).toBe('20261122');
    expect(localDay(new Date('2026-11-21T15:59:59Z'), 'Asia/Shanghai')).toBe('20261121');
  });
});

describe('normalizePhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['86-19912345678', '19912345678'],
    ['010-62345678', '010-62345678'],
    ['(010)62345678', '010-62345678'],
    ['0755-2345678', '0755-2345678'],
    ['021 5555 1234', '021-55551234'],
    ['010-62345678转123', '010-62345678-123'],
  ])('accepts %s as %s', (raw, canonical) => {
    expect(normalizePhone(raw)).toBe(canonical);
  });

  it.each([
    '12345',
    '95598',
    '1381234567',
    '138123456789',
    '12812345678',
    '010-1234567',
    '0755-123456',
    'abc',
    '',
  ])('refuses %s', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });
});

describe('masking', () => {
  it('keeps the first three and last four digits of a mobile number', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('keeps the area code and last four digits of a landline', () => {
    expect(maskPhone('010-62345678-123')).toBe('010-****5678');
  });

  it('keeps the family name only', () => {
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('王')).toBe('*');
  });
});

describe('coordinate systems', () => {
  const tiananmen = { lng: 116.3912757, lat: 39.906217 };

  it('shifts WGS-84 by a few hundred metres into GCJ-02 inside China', () => {
    const [lng, lat] = wgs84ToGcj02(tiananmen.lng, tiananmen.lat);
    const shift = distanceMetres(tiananmen, { lng, lat });
    expect(shift).toBeGreaterThan(300);
    expect(shift).toBeLessThan(800);
  });

  it('inverts GCJ-02 to within a centimetre', () => {
    const [gLng, gLat] = wgs84ToGcj02(tiananmen.lng, tiananmen.lat);
    const [lng, lat] = gcj02ToWgs84(gLng, gLat);
    expect(distanceMetres(tiananmen, { lng, lat })).toBeLessThan(0.01);
  });

  it('leaves coordinates outside China unchanged', () => {
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85]);
    expect(toWgs84('GCJ02', 2.35, 48.85)).toEqual([2.35, 48.85]);
  });

  it('reads BD-09 through GCJ-02', () => {
    const [gLng, gLat] = wgs84ToGcj02(tiananmen.lng, tiananmen.lat);
    // The published BD-09 forward transform, to produce a Baidu coordinate for the test.
    const z = Math.sqrt(gLng * gLng + gLat * gLat) + 0.00002 * Math.sin((gLat * Math.PI * 3000) / 180);
    const theta = Math.atan2(gLat, gLng) + 0.000003 * Math.cos((gLng * Math.PI * 3000) / 180);
    const bd = [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006] as const;
    const [backLng, backLat] = bd09ToGcj02(bd[0], bd[1]);
    expect(distanceMetres({ lng: gLng, lat: gLat }, { lng: backLng, lat: backLat })).toBeLessThan(0.5);
    const [lng, lat] = toWgs84('BD09', bd[0], bd[1]);
    expect(distanceMetres(tiananmen, { lng, lat })).toBeLessThan(0.5);
  });

  it('passes WGS-84 through', () => {
    expect(toWgs84('WGS84', tiananmen.lng, tiananmen.lat)).toEqual([tiananmen.lng, tiananmen.lat]);
  });
});

describe('triage', () => {
  it('is taken only on a pending ticket', () => {
    expect(TICKET_STATUSES.filter(canTriage)).toEqual(['pending']);
  });
});
