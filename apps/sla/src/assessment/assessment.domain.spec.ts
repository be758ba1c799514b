import {
  buckets,
  computeRates,
  contribution,
  difference,
  exclude,
  growth,
  monthPeriod,
  type OrderState,
  previousPeriod,
  rankByComposite,
  type WeightSet,
  weightsInForce,
  ZERO,
} from './assessment.domain';

const open: OrderState = { excludedReason: null, responseLate: false, callback: null };
const weights: WeightSet = {
  version: 1,
  unitClass: 'street',
  effectiveFrom: '2026-01-01',
  response: 10,
  resolution: 45,
  satisfaction: 45,
  basicSatisfiedWeight: 0.8,
};

describe('order contribution', () => {
  it('counts an open order as assessable and on time', () => {
    expect(contribution(open)).toEqual({ ...ZERO, orders: 1, assessable: 1, onTime: 1 });
  });

  it('counts a valid callback by its answers, an uncontacted one apart', () => {
    const rated = {
      ...open,
      callback: { contacted: true, resolved: true, satisfaction: 'basically-satisfied' as const },
    };
    expect(contribution(rated)).toMatchObject({
      callbacks: 1,
      resolved: 1,
      basicallySatisfied: 1,
      satisfied: 0,
    });
    const missed = { ...open, callback: { contacted: false, resolved: null, satisfaction: null } };
    expect(contribution(missed)).toMatchObject({ callbacks: 0, uncontacted: 1, resolved: 0 });
  });

  it('counts an excluded order only as excluded, whatever its answers', () => {
    const late = {
      ...open,
      responseLate: true,
      callback: { contacted: true, resolved: true, satisfaction: null },
    };
    expect(contribution(exclude(late, 'malicious'))).toEqual({ ...ZERO, orders: 1, excluded: 1 });
  });

  it('keeps the first exclusion reason', () => {
    expect(exclude(exclude(open, 'merged'), 'malicious').excludedReason).toBe('merged');
  });

  it('gives the difference a change makes, zero for no change', () => {
    expect(difference(open, { ...open, responseLate: true })).toEqual({ ...ZERO, onTime: -1 });
    expect(difference(open, exclude(open, 'dispute-approved'))).toEqual({
      ...ZERO,
      excluded: 1,
      assessable: -1,
      onTime: -1,
    });
    expect(difference(open, open)).toEqual(ZERO);
  });
});

describe('rates and composite', () => {
  it('computes 响应率, 解决率, 满意率 with the 基本满意 weight, and the weighted composite', () => {
    const c = {
      ...ZERO,
      assessable: 8,
      onTime: 6,
      callbacks: 5,
      resolved: 4,
      satisfied: 2,
      basicallySatisfied: 2,
    };
    const r = computeRates(c, weights);
    expect(r.responseRate).toBe(0.75);
    expect(r.resolutionRate).toBe(0.8);
    expect(r.satisfactionRate).toBe(0.72); // (2 + 0.8 × 2) / 5
    expect(r.composite).toBe(0.759); // 0.1 × 0.75 + 0.45 × 0.8 + 0.45 × 0.72
  });

  it('scores a unit with no callback on its response rate alone, and none without orders', () => {
    expect(computeRates({ ...ZERO, assessable: 4, onTime: 3 }, weights)).toEqual({
      responseRate: 0.75,
      resolutionRate: null,
      satisfactionRate: null,
      composite: 0.75,
    });
    expect(computeRates(ZERO, weights).composite).toBeNull();
  });

  it('ranks with shared ranks for ties and unranked units last', () => {
    const rows = [
      { name: '乙', composite: 0.9 },
      { name: '甲', composite: null },
      { name: '丙', composite: 0.95 },
      { name: '丁', composite: 0.9 },
      { name: '戊', composite: 0.5 },
    ];
    expect(rankByComposite(rows).map((r) => [r.name, r.rank])).toEqual([
      ['丙', 1],
      ['丁', 2],
      ['乙', 2],
      ['戊', 4],
      ['甲', null],
    ]);
  });
});

describe('weight sets', () => {
  const sets: WeightSet[] = [
    weights,
    { ...weights, version: 2, effectiveFrom: '2026-07-01', response: 20, resolution: 40, satisfaction: 40 },
    { ...weights, version: 3, effectiveFrom: '2026-07-01', response: 30, resolution: 35, satisfaction: 35 },
    {
      ...weights,
      version: 2,
      unitClass: 'enterprise',
      effectiveFrom: '2026-03-01',
      response: 50,
      resolution: 25,
      satisfaction: 25,
    },
  ];

  it('takes the latest start on or before the day, then the latest version', () => {
    expect(weightsInForce(sets, 'street', '2026-06-30')?.version).toBe(1);
    expect(weightsInForce(sets, 'street', '2026-07-01')?.version).toBe(3);
    expect(weightsInForce(sets, 'enterprise', '2026-03-01')?.response).toBe(50);
    expect(weightsInForce(sets, 'district', '2026-03-01')).toBeNull();
    expect(weightsInForce(sets, 'street', '2025-12-31')).toBeNull();
  });
});

describe('periods', () => {
  it('knows months, the period before and growth', () => {
    expect(monthPeriod('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28', month: '2026-02' });
    expect(previousPeriod(monthPeriod('2026-01'))).toEqual({
      from: '2025-12-01',
      to: '2025-12-31',
      month: '2025-12',
    });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-10', month: null })).toEqual({
      from: '2026-02-19',
      to: '2026-02-28',
      month: null,
    });
    expect(buckets({ from: '2025-11-15', to: '2026-02-01', month: null }, 'month')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(buckets({ from: '2026-02-27', to: '2026-03-01', month: null }, 'day')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
    ]);
    expect(growth(15, 10)).toBe(0.5);
    expect(growth(3, 0)).toBeNull();
  });
});
