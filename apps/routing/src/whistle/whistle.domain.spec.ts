import type { UnitKind } from '../dispatch/units.domain';
import {
  absentUnitIds,
  type AssessedWhistle,
  assess,
  checkInLimitMs,
  checkInRefusal,
  closeRefusal,
  isLate,
  isOverdue,
  mayBlow,
  summonIssue,
  summonsDueAt,
  summonsState,
  WHISTLE_STATUSES,
} from './whistle.domain';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const limits = { urgentMinutes: 30, normalHours: 24 };
const blownAt = new Date('2026-11-21T10:00:00+08:00');
const at = (ms: number) => new Date(blownAt.getTime() + ms);
const UNIT_KINDS: readonly UnitKind[] = ['street', 'district-government', 'department', 'utility'];

describe('check-in limits', () => {
  it('gives an urgent whistle 30 minutes and a normal one 24 hours by default', () => {
    expect(checkInLimitMs('urgent', limits)).toBe(30 * MINUTE);
    expect(checkInLimitMs('normal', limits)).toBe(24 * HOUR);
  });

  it('follows the configured limits', () => {
    expect(checkInLimitMs('urgent', { urgentMinutes: 15, normalHours: 2.5 })).toBe(15 * MINUTE);
    expect(checkInLimitMs('normal', { urgentMinutes: 15, normalHours: 2.5 })).toBe(150 * MINUTE);
  });

  it('counts the due time from the moment the whistle was blown', () => {
    expect(summonsDueAt(blownAt, 'urgent', limits)).toEqual(at(30 * MINUTE));
    expect(summonsDueAt(blownAt, 'normal', limits)).toEqual(at(24 * HOUR));
  });
});

describe('who blows and who is summoned', () => {
  it.each(UNIT_KINDS.map((kind) => [kind, kind === 'street'] as const))(
    '%s may blow the whistle: %s',
    (kind, allowed) => {
      expect(mayBlow(kind)).toBe(allowed);
    },
  );

  it('an unknown unit may not blow the whistle', () => {
    expect(mayBlow(undefined)).toBe(false);
  });

  it.each([
    ['department', undefined],
    ['district-government', undefined],
    ['utility', undefined],
    ['street', 'street_unit'],
    [undefined, 'unknown_unit'],
  ] as const)('summoning %s: %s', (kind, issue) => {
    expect(summonIssue(kind)).toBe(issue);
  });
});

describe('late and summons states', () => {
  const due = at(30 * MINUTE);

  it('is on time up to and including the due instant, late one millisecond after', () => {
    expect(isLate(at(0), due)).toBe(false);
    expect(isLate(due, due)).toBe(false);
    expect(isLate(at(30 * MINUTE + 1), due)).toBe(true);
  });

  /** status × (not checked in, on time, late) → state */
  const TABLE: Record<(typeof WHISTLE_STATUSES)[number], [string, string, string]> = {
    open: ['pending', 'on-time', 'late'],
    closed: ['absent', 'on-time', 'late'],
  };
  it.each(WHISTLE_STATUSES)('%s whistle: not checked in / on time / late', (status) => {
    const states = [null, at(10 * MINUTE), at(31 * MINUTE)].map((checkedInAt) =>
      summonsState({ dueAt: due, checkedInAt }, status),
    );
    expect(states).toEqual(TABLE[status]);
  });

  it('is overdue only while pending and past its due time', () => {
    const pending = { dueAt: due, checkedInAt: null };
    expect(isOverdue(pending, 'open', due)).toBe(false);
    expect(isOverdue(pending, 'open', at(31 * MINUTE))).toBe(true);
    expect(isOverdue(pending, 'closed', at(31 * MINUTE))).toBe(false);
    expect(isOverdue({ dueAt: due, checkedInAt: at(40 * MINUTE) }, 'open', at(50 * MINUTE))).toBe(false);
  });
});

describe('check-in refusals', () => {
  const pending = { dueAt: at(30 * MINUTE), checkedInAt: null };
  const checkedIn = { dueAt: at(30 * MINUTE), checkedInAt: at(5 * MINUTE) };

  /** (whistle status, the caller's summons) → refusal, written out for every case. */
  it.each([
    ['open', 'not summoned', 'WHISTLE.NOT_SUMMONED'],
    ['closed', 'not summoned', 'WHISTLE.NOT_SUMMONED'],
    ['open', 'pending', undefined],
    ['closed', 'pending', 'WHISTLE.CLOSED'],
    ['open', 'checked in', 'WHISTLE.ALREADY_CHECKED_IN'],
    ['closed', 'checked in', 'WHISTLE.ALREADY_CHECKED_IN'],
  ] as const)('%s whistle, summons %s → %s', (status, summons, refusal) => {
    const facts = summons === 'not summoned' ? undefined : summons === 'pending' ? pending : checkedIn;
    expect(checkInRefusal(status, facts)).toBe(refusal);
  });

  it('accepts a late check-in on an open whistle', () => {
    expect(checkInRefusal('open', { dueAt: at(30 * MINUTE), checkedInAt: null })).toBeUndefined();
  });
});

describe('close refusals', () => {
  it.each([
    ['street-1', 'open', undefined],
    ['street-1', 'closed', 'WHISTLE.CLOSED'],
    ['city-housing', 'open', 'WHISTLE.NOT_YOURS'],
    ['city-housing', 'closed', 'WHISTLE.NOT_YOURS'],
    [null, 'open', 'WHISTLE.NOT_YOURS'],
  ] as const)('unit %s closing a whistle that is %s → %s', (unitId, status, refusal) => {
    expect(closeRefusal({ streetUnitId: 'street-1', status }, unitId)).toBe(refusal);
  });

  it('lists the units that never checked in as absent, in summons order', () => {
    expect(
      absentUnitIds([
        { unitId: 'b', dueAt: at(HOUR), checkedInAt: null },
        { unitId: 'a', dueAt: at(HOUR), checkedInAt: at(2 * HOUR) },
        { unitId: 'c', dueAt: at(HOUR), checkedInAt: null },
      ]),
    ).toEqual(['b', 'c']);
    expect(absentUnitIds([])).toEqual([]);
  });
});

describe('双考核 assessment', () => {
  const due = at(30 * MINUTE);
  const summons = (unitId: string, checkedInAfterMin: number | null) => ({
    unitId,
    dueAt: due,
    checkedInAt: checkedInAfterMin === null ? null : at(checkedInAfterMin * MINUTE),
  });

  it('is empty without whistles', () => {
    expect(assess([])).toEqual({ summonedUnits: [], streets: [] });
  });

  it('counts each summoned unit’s on-time, late, absent and pending check-ins and each street’s whistles', () => {
    const whistles: AssessedWhistle[] = [
      {
        streetUnitId: 'street-2',
        status: 'closed',
        resolved: true,
        summons: [summons('city-housing', 10), summons('city-transport', 45)],
      },
      {
        streetUnitId: 'street-2',
        status: 'closed',
        resolved: false,
        summons: [summons('city-housing', null), summons('gov-1', 30)],
      },
      {
        streetUnitId: 'street-1',
        status: 'open',
        resolved: null,
        summons: [summons('city-housing', null), summons('city-transport', 5)],
      },
    ];
    expect(assess(whistles)).toEqual({
      summonedUnits: [
        {
          unitId: 'city-housing',
          summoned: 3,
          onTime: 1,
          late: 0,
          absent: 1,
          pending: 1,
          onTimeRate: 0.5,
        },
        {
          unitId: 'city-transport',
          summoned: 2,
          onTime: 1,
          late: 1,
          absent: 0,
          pending: 0,
          onTimeRate: 0.5,
        },
        { unitId: 'gov-1', summoned: 1, onTime: 1, late: 0, absent: 0, pending: 0, onTimeRate: 1 },
      ],
      streets: [
        { unitId: 'street-1', blown: 1, closed: 0, resolved: 0, resolvedRate: null },
        { unitId: 'street-2', blown: 2, closed: 2, resolved: 1, resolvedRate: 0.5 },
      ],
    });
  });

  it('leaves the on-time rate null while every summons is pending', () => {
    const [unit] = assess([
      { streetUnitId: 's', status: 'open', resolved: null, summons: [summons('u', null)] },
    ]).summonedUnits;
    expect(unit).toEqual({
      unitId: 'u',
      summoned: 1,
      onTime: 0,
      late: 0,
      absent: 0,
      pending: 1,
      onTimeRate: null,
    });
  });

  it('keeps the counts whole: summoned = on time + late + absent + pending', () => {
    const statuses = ['open', 'closed'] as const;
    const whistles: AssessedWhistle[] = Array.from({ length: 40 }, (_, i) => ({
      streetUnitId: `street-${i % 3}`,
      status: statuses[i % 2] ?? 'open',
      resolved: i % 2 === 1 ? i % 4 === 1 : null,
      summons: [summons(`u-${i % 5}`, i % 3 === 0 ? null : i), summons(`u-${(i + 1) % 5}`, i % 7)],
    }));
    const result = assess(whistles);
    for (const u of result.summonedUnits) {
      expect(u.onTime + u.late + u.absent + u.pending).toBe(u.summoned);
    }
    expect(result.summonedUnits.reduce((n, u) => n + u.summoned, 0)).toBe(80);
    expect(result.streets.reduce((n, s) => n + s.blown, 0)).toBe(40);
    expect(result.streets.reduce((n, s) => n + s.closed, 0)).toBe(20);
  });
});
