import type { EventType, SlaBreachedV1, TicketDispatchedV1, TicketRatedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { assessmentCommands } from '../../src/assessment/assessment.commands';
import { commandJson } from '../support/command-json';
import { deliverReference } from '../support/reference-fixture';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';
import { jianwaiLocation } from '../support/ticket-events';

/**
 * A hand-computed month (2026-03, Asia/Shanghai) for three streets and a city department.
 *
 * street-a (建外街道, 朝阳): 8 orders — A6 returned (dispute approved, 改派 to dept-housing), A7 merged
 *   → 6 assessable; A3 responded late → 5 on time; valid callbacks A1–A4 (A5 not reached, A8 none):
 *   resolved 3, 满意 2, 基本满意 1, 不满意 1.
 *   响应率 5/6 = 0.833333, 解决率 3/4 = 0.75, 满意率 (2 + 0.8)/4 = 0.7,
 *   composite 0.1 × 5/6 + 0.45 × 0.75 + 0.45 × 0.7 = 0.735833.
 * street-b (朝外街道, 朝阳): 7 orders — B6 (late, no callback) ruled malicious by a manager → 6
 *   assessable; B7 late → 5 on time; 6 valid callbacks: resolved 5, 满意 4, 基本满意 1, 不满意 1.
 *   响应率 5/6, 解决率 5/6, 满意率 (4 + 0.8)/6 = 0.8, composite 0.083333 + 0.375 + 0.36 = 0.818333.
 *   Before the ruling: 响应率 5/7, composite 0.1 × 5/7 + 0.375 + 0.36 = 0.806429.
 * street-c (东华门街道, 东城): 6 March orders with street-a's counts (C1 late; callbacks C1–C4 as A1–A4)
 *   → the same composite, a shared rank; C7 dispatched 2026-04-01 00:30 local (still March in UTC) counts in April.
 * street-d: no orders, unranked.
 * dept-housing (city department): A6's new order, on time, resolved and satisfied → all rates 1.
 */
const manager: TokenClaims = { sub: 'mgr-city', role: 'manager' };
const chaoyang: TokenClaims = { sub: 'mgr-chaoyang', role: 'manager', district: '110105' };
const admin: TokenClaims = { sub: 'admin-1', role: 'admin' };

type Answers = Pick<TicketRatedV1, 'contacted' | 'resolved' | 'satisfaction'>;
const SATISFIED: Answers = { contacted: true, resolved: true, satisfaction: 'satisfied' };
const BASIC: Answers = { contacted: true, resolved: true, satisfaction: 'basically-satisfied' };
const UNRESOLVED: Answers = { contacted: true, resolved: false, satisfaction: 'unsatisfied' };
const NOT_REACHED: Answers = { contacted: false, resolved: null, satisfaction: null };

const at = (day: string, time = '10:00'): string => `${day}T${time}:00+08:00`;

interface Order {
  ticketId: string;
  assignmentId: string;
  unitId: string;
}

describe('assessment (考评)', () => {
  let h: SlaHarness;
  const orders = new Map<string, Order>();

  const dispatch = async (name: string, unitId: string, dispatchedAt: string): Promise<Order> => {
    const order = { ticketId: `T-${name}`, assignmentId: `AS-${name}`, unitId };
    const event: TicketDispatchedV1 = {
      ticketId: order.ticketId,
      assignments: [
        { assignmentId: order.assignmentId, unitId, role: 'lead', emergency: false, onDutyStaffId: null },
        // A co-handler is not an order of its own.
        {
          assignmentId: `AS-${name}-co`,
          unitId: 'dept-police',
          role: 'co',
          emergency: false,
          onDutyStaffId: null,
        },
      ],
      rule: 'territorial',
      catalogVersion: 'c1',
      cycle: 1,
      dispatchedAt,
    };
    await h.deliver('ticket.dispatched.v1', order.ticketId, event);
    orders.set(name, order);
    return order;
  };

  const order = (name: string): Order => {
    const o = orders.get(name);
    if (!o) throw new Error(`no order ${name}`);
    return o;
  };

  const breachEvent = (name: string): SlaBreachedV1 => {
    const o = order(name);
    return {
      clockId: `CL-${name}`,
      kind: 'response',
      ticketId: o.ticketId,
      whistleId: null,
      assignmentId: o.assignmentId,
      cycle: 1,
      startedAt: at('2026-03-02'),
      dueAt: at('2026-03-03'),
      policyVersion: 'p1',
      ruleId: 'general',
      escalation: { unitId: o.unitId, headUnitId: null, districtCode: null },
      breachedAt: at('2026-03-03'),
    };
  };

  const rateEvent = (name: string, answers: Answers): TicketRatedV1 => ({
    ticketId: order(name).ticketId,
    cycle: 1,
    ...answers,
    ratedAt: at('2026-03-20'),
  });

  const get = async (url: string, caller: TokenClaims = manager) => {
    const res = await h.http('GET', url, caller);
    expect(res.status).toBe(200);
    return res.body;
  };

  const streetRates = async (caller: TokenClaims = manager, month = '2026-03') => {
    const body = await get(`/assessment/rates?month=${month}&unitClass=street`, caller);
    return body as { weights: { version: number }; units: Record<string, unknown>[] };
  };

  const unitRow = (rows: Record<string, unknown>[], unitId: string) =>
    rows.find((r) => r['unitId'] === unitId);

  /** The counters table, for comparing before and after. */
  const counters = () =>
    h.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT day::text, unit_id, orders, excluded, assessable, on_time, callbacks, uncontacted, resolved, satisfied,
         basically_satisfied, unsatisfied FROM assessment_unit_day ORDER BY day, unit_id`,
    );

  const hotspotRows = () =>
    h.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT day::text, category_code, district_code, street_code, tickets FROM assessment_hotspot_day
       ORDER BY day, category_code, district_code, street_code`,
    );

  /** Produces an event without waiting: a later event on the same ticket shows it was handled. */
  const redeliver = async (type: EventType, subject: string, data: unknown, eventId?: string) => {
    await h.produce(type, subject, data, eventId === undefined ? {} : { eventId });
  };

  beforeAll(async () => {
    // The orders are dated March 2026, their clocks long overdue by the service clock: the breaches
    // this month counts are the 督办 events delivered below, so the timers stay off.
    h = await startSlaHarness({ SLA_TIMERS_ENABLED: 'false' });
    await deliverReference(h);

    // street-a
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) await dispatch(`A${n}`, 'street-a', at(`2026-03-0${n}`));
    // street-b
    for (const n of [1, 2, 3, 4, 5, 6, 7]) await dispatch(`B${n}`, 'street-b', at(`2026-03-1${n}`));
    // street-c (C7 on 1 April local time, 31 March in UTC)
    for (const n of [1, 2, 3, 4, 5, 6]) await dispatch(`C${n}`, 'street-c', at(`2026-03-2${n}`));
    await dispatch('C7', 'street-c', at('2026-04-01', '00:30'));

    // 退单 approved for A6, 改派 to the city housing department.
    const a6 = order('A6');
    await h.deliver('dispute.decided.v1', a6.ticketId, {
      ticketId: a6.ticketId,
      assignmentId: a6.assignmentId,
      unitId: 'street-a',
      disputeId: 'D-A6',
      decision: 'approved',
      correctedUnitId: 'dept-housing',
      note: '属市级部门职责',
      decidedBy: 'dispatcher-1',
      decidedAt: at('2026-03-06', '12:00'),
    });
    await h.deliver('ticket.redispatched.v1', a6.ticketId, {
      ticketId: a6.ticketId,
      reason: 'dispute-approved',
      replaced: [{ assignmentId: a6.assignmentId, unitId: 'street-a' }],
      assignments: [
        {
          assignmentId: 'AS-A6-2',
          unitId: 'dept-housing',
          role: 'lead',
          emergency: false,
          onDutyStaffId: null,
        },
      ],
      rule: 'dispute:D-A6',
      catalogVersion: 'c1',
      cycle: 1,
      redispatchedAt: at('2026-03-06', '12:00'),
    });
    orders.set('A6', { ...a6, assignmentId: 'AS-A6-2', unitId: 'dept-housing' });

    // 并单 of A7's ticket.
    await h.deliver('ticket.merged.v1', order('A7').ticketId, {
      ticketId: order('A7').ticketId,
      number: '20260307000007',
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: 'C03',
      urgency: 'general',
      districtCode: '110105',
      receivedAt: at('2026-03-07', '09:00'),
      operatorId: null,
      masterTicketId: 'T-MASTER',
      masterNumber: '20260301000001',
      reason: 'same-place',
      similarity: 0.93,
      automatic: true,
      mergedAt: at('2026-03-07', '11:00'),
    });

    // 督办 of response clocks.
    for (const name of ['A3', 'B6', 'B7', 'C1']) {
      await h.deliver('sla.breached.v1', order(name).ticketId, breachEvent(name));
    }
    // A co-handler's response breach: not an order, nothing counted.
    await h.deliver('sla.breached.v1', order('A1').ticketId, {
      ...breachEvent('A1'),
      assignmentId: 'AS-A1-co',
      escalation: { unitId: 'dept-police', headUnitId: null, districtCode: null },
    });

    // 回访
    const callbacks: [string, Answers][] = [
      ['A1', SATISFIED],
      ['A2', SATISFIED],
      ['A3', BASIC],
      ['A4', UNRESOLVED],
      ['A5', NOT_REACHED],
      ['A6', SATISFIED],
      ['A7', SATISFIED], // merged: does not count
      ['B1', SATISFIED],
      ['B2', SATISFIED],
      ['B3', SATISFIED],
      ['B4', SATISFIED],
      ['B5', BASIC],
      ['B7', UNRESOLVED],
      ['C1', SATISFIED],
      ['C2', SATISFIED],
      ['C3', BASIC],
      ['C4', UNRESOLVED],
    ];
    for (const [name, answers] of callbacks) {
      await h.deliver('ticket.rated.v1', order(name).ticketId, rateEvent(name, answers));
    }
  }, 180_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('computes the hand-computed rates, composite and ranks for the month', async () => {
    const body = await streetRates();
    expect(body.weights).toMatchObject({ version: 1, response: 10, resolution: 45, satisfaction: 45 });
    expect(body.units.map((u) => [u['unitId'], u['rank']])).toEqual([
      ['street-b', 1],
      // equal composites share rank 2; then by name
      ['street-c', 2],
      ['street-a', 2],
      ['street-d', null],
    ]);
    expect(unitRow(body.units, 'street-a')).toMatchObject({
      name: '建外街道',
      orders: 8,
      excluded: 2,
      assessable: 6,
      onTime: 5,
      callbacks: 4,
      uncontacted: 1,
      resolved: 3,
      satisfied: 2,
      basicallySatisfied: 1,
      unsatisfied: 1,
      responseRate: 0.833333,
      resolutionRate: 0.75,
      satisfactionRate: 0.7,
      composite: 0.735833,
    });
    expect(unitRow(body.units, 'street-b')).toMatchObject({
      orders: 7,
      excluded: 0,
      assessable: 7,
      onTime: 5,
      callbacks: 6,
      responseRate: 0.714286,
      resolutionRate: 0.833333,
      satisfactionRate: 0.8,
      composite: 0.806429,
    });
    expect(unitRow(body.units, 'street-c')).toMatchObject({ orders: 6, composite: 0.735833 });
    expect(unitRow(body.units, 'street-d')).toMatchObject({ orders: 0, composite: null, responseRate: null });

    const april = await streetRates(manager, '2026-04');
    expect(unitRow(april.units, 'street-c')).toMatchObject({
      orders: 1,
      assessable: 1,
      onTime: 1,
      composite: 1,
    });
  });

  it('ranks every class: a city department on its redispatched order, a district with no orders unranked', async () => {
    const body = (await get('/assessment/rankings?month=2026-03')) as {
      classes: { unitClass: string; units: Record<string, unknown>[] }[];
    };
    expect(body.classes.map((c) => c.unitClass)).toEqual([
      'street',
      'district',
      'city-department',
      'enterprise',
    ]);
    const city = body.classes.find((c) => c.unitClass === 'city-department');
    expect(city?.units[0]).toMatchObject({
      unitId: 'dept-housing',
      rank: 1,
      orders: 1,
      responseRate: 1,
      resolutionRate: 1,
      satisfactionRate: 1,
      composite: 1,
    });
    // dept-police was only a co-handler (and its response breach is not an order)
    expect(unitRow(city?.units ?? [], 'dept-police')).toMatchObject({ orders: 0, rank: null });
    const district = body.classes.find((c) => c.unitClass === 'district');
    expect(district?.units.every((u) => u['rank'] === null)).toBe(true);
  });

  it('changes nothing when events are delivered again, under the same id or a new one', async () => {
    const before = await counters();
    const a3 = order('A3');
    // the same dispatch, breach and callback with new ids (a re-read of the log), and one with its old id
    await redeliver('ticket.dispatched.v1', a3.ticketId, {
      ticketId: a3.ticketId,
      assignments: [{ assignmentId: a3.assignmentId, unitId: 'street-a', role: 'lead' }],
      rule: 'territorial',
      catalogVersion: 'c1',
      cycle: 1,
      dispatchedAt: at('2026-03-03'),
    });
    await redeliver('sla.breached.v1', a3.ticketId, breachEvent('A3'));
    await redeliver('ticket.rated.v1', a3.ticketId, rateEvent('A3', BASIC));
    const first = await h.produce('ticket.rated.v1', order('A4').ticketId, rateEvent('A4', UNRESOLVED));
    await h.processed(first);
    await redeliver('ticket.rated.v1', order('A4').ticketId, rateEvent('A4', UNRESOLVED), first);
    await h.deliver('ticket.merged.v1', order('A7').ticketId, {
      ticketId: order('A7').ticketId,
      number: '20260307000007',
      channel: 'hotline',
      requestType: 'complaint',
      categoryCode: 'C03',
      urgency: 'general',
      districtCode: '110105',
      receivedAt: at('2026-03-07', '09:00'),
      operatorId: null,
      masterTicketId: 'T-MASTER',
      masterNumber: '20260301000001',
      reason: 'same-place',
      similarity: 0.93,
      automatic: true,
      mergedAt: at('2026-03-07', '11:00'),
    });
    // a marker on A3's ticket: everything before it on that ticket was handled
    await h.deliver('ticket.rated.v1', a3.ticketId, rateEvent('A3', BASIC));
    expect(await counters()).toEqual(before);
  });

  it('excludes a ticket a manager rules malicious and corrects the counters', async () => {
    const res = await h.http('POST', '/assessment/exclusions', manager, {
      ticketId: order('B6').ticketId,
      reason: 'malicious',
      note: '同一来电人反复就同一事项辱骂承办人员，经核实为恶意诉求',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      ticketId: order('B6').ticketId,
      reason: 'malicious',
      decidedBy: 'mgr-city',
      orders: [{ assignmentId: 'AS-B6', unitId: 'street-b', cycle: 1, day: '2026-03-16' }],
    });
    const b = unitRow((await streetRates()).units, 'street-b');
    expect(b).toMatchObject({
      orders: 7,
      excluded: 1,
      assessable: 6,
      onTime: 5,
      responseRate: 0.833333,
      resolutionRate: 0.833333,
      satisfactionRate: 0.8,
      composite: 0.818333,
      rank: 1,
    });
    // the same ruling again changes nothing; another reason conflicts
    const again = await h.http('POST', '/assessment/exclusions', manager, {
      ticketId: order('B6').ticketId,
      reason: 'malicious',
      note: '重复提交',
    });
    expect(again.status).toBe(201);
    expect(unitRow((await streetRates()).units, 'street-b')).toMatchObject({ excluded: 1, assessable: 6 });
    const conflict = await h.http('POST', '/assessment/exclusions', manager, {
      ticketId: order('B6').ticketId,
      reason: 'unreasonable',
      note: '改为不合理诉求',
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body['code']).toBe('SLA.ALREADY_EXCLUDED');
  });

  it('lets only managers rule, and a district manager only on its district’s tickets', async () => {
    const body = { ticketId: order('C2').ticketId, reason: 'unreasonable', note: '无政策依据' };
    const staff = await h.http(
      'POST',
      '/assessment/exclusions',
      { sub: 's1', role: 'unit_staff', unit: 'street-c' },
      body,
    );
    expect(staff.status).toBe(403);
    const scoped = await h.http('POST', '/assessment/exclusions', chaoyang, body);
    expect(scoped.status).toBe(403);
    expect(scoped.body['code']).toBe('SLA.OUT_OF_SCOPE');
    const invalid = await h.http('POST', '/assessment/exclusions', manager, {
      ticketId: 'T-x',
      reason: 'rude',
    });
    expect(invalid.status).toBe(400);
    expect((invalid.body['errors'] as { field: string }[]).map((e) => e.field).sort()).toEqual([
      'note',
      'reason',
    ]);
  });

  it('shows a district manager only its district’s units, with their ranks in the whole class', async () => {
    const body = await streetRates(chaoyang);
    expect(body.units.map((u) => [u['unitId'], u['rank']])).toEqual([
      ['street-b', 1],
      ['street-a', 2],
      ['street-d', null],
    ]);
    const outside = await h.http('GET', '/assessment/trends?unitId=street-c&month=2026-03', chaoyang);
    expect(outside.status).toBe(403);
  });

  it('gives trends of a unit and of a class, monthly and daily', async () => {
    const monthly = (await get('/assessment/trends?unitId=street-a&from=2026-02-01&to=2026-03-31')) as {
      unitClass: string;
      series: Record<string, unknown>[];
      total: Record<string, unknown>;
    };
    expect(monthly.unitClass).toBe('street');
    expect(monthly.series).toHaveLength(2);
    expect(monthly.series[0]).toMatchObject({ period: '2026-02', orders: 0, composite: null });
    expect(monthly.series[1]).toMatchObject({ period: '2026-03', orders: 8, composite: 0.735833 });
    expect(monthly.total).toMatchObject({ orders: 8, composite: 0.735833 });

    const daily = (await get(
      '/assessment/trends?unitId=street-a&from=2026-03-01&to=2026-03-04&granularity=day',
    )) as {
      series: Record<string, unknown>[];
    };
    expect(daily.series.map((s) => [s['period'], s['orders'], s['onTime']])).toEqual([
      ['2026-03-01', 1, 1],
      ['2026-03-02', 1, 1],
      ['2026-03-03', 1, 0],
      ['2026-03-04', 1, 1],
    ]);

    const byClass = (await get('/assessment/trends?unitClass=street&month=2026-03')) as {
      units: number;
      total: Record<string, unknown>;
    };
    // A 6 + B 6 + C 6 assessable; on time 5 + 5 + 5; callbacks 4 + 6 + 4, resolved 3 + 5 + 3
    expect(byClass.units).toBe(4);
    expect(byClass.total).toMatchObject({
      orders: 21,
      assessable: 18,
      onTime: 15,
      callbacks: 14,
      resolved: 11,
      responseRate: 0.833333,
      resolutionRate: 0.785714,
    });
    const bad = await h.http('GET', '/assessment/trends?month=2026-03', manager);
    expect(bad.status).toBe(400);
  });

  it('applies a new weight-set version from its month on, without a recompute', async () => {
    const denied = await h.http('POST', '/assessment/weight-sets', manager, {
      effectiveFrom: '2026-03',
      weights: { street: { response: 50, resolution: 25, satisfaction: 25 } },
    });
    expect(denied.status).toBe(403);
    const wrong = await h.http('POST', '/assessment/weight-sets', admin, {
      effectiveFrom: '2026-03',
      weights: { street: { response: 50, resolution: 25, satisfaction: 20 } },
    });
    expect(wrong.status).toBe(400);
    const res = await h.http('POST', '/assessment/weight-sets', admin, {
      effectiveFrom: '2026-03',
      weights: { street: { response: 50, resolution: 25, satisfaction: 25 } },
      basicSatisfiedWeight: 0.5,
      note: '街乡响应率权重调整',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 2, effectiveFrom: '2026-03-01' });

    const march = await streetRates();
    expect(march.weights).toMatchObject({ version: 2, response: 50, basicSatisfiedWeight: 0.5 });
    // street-a: 满意率 (2 + 0.5)/4 = 0.625; composite 0.5 × 5/6 + 0.25 × 0.75 + 0.25 × 0.625 = 0.760417
    expect(unitRow(march.units, 'street-a')).toMatchObject({
      satisfactionRate: 0.625,
      composite: 0.760417,
      rank: 2,
    });
    // street-b: 满意率 (4 + 0.5)/6 = 0.75; composite 0.5 × 5/6 + 0.25 × 5/6 + 0.25 × 0.75 = 0.8125
    expect(unitRow(march.units, 'street-b')).toMatchObject({
      satisfactionRate: 0.75,
      composite: 0.8125,
      rank: 1,
    });
    // February keeps version 1; other classes keep version 1 in March
    expect((await streetRates(manager, '2026-02')).weights.version).toBe(1);
    const city = (await get('/assessment/rates?month=2026-03&unitClass=city-department')) as {
      weights: { version: number };
    };
    expect(city.weights.version).toBe(1);
    const list = (await get('/assessment/weight-sets')) as { weightSets: { version: number }[] };
    expect(list.weightSets.map((w) => w.version)).toEqual([1, 1, 1, 1, 2]);
  });

  it('finds hot spots: top categories × areas with growth from the period before (主动治理)', async () => {
    let n = 0;
    const received = async (
      categoryCode: string | null,
      districtCode: string,
      streetCode: string | null,
      receivedAt: string,
    ) => {
      n += 1;
      const ticketId = `H-${n}`;
      const data = {
        ticketId,
        number: `2026030100${String(n).padStart(4, '0')}`,
        channel: 'hotline',
        requestType: 'complaint',
        categoryCode,
        urgency: 'general',
        content: '夜间施工噪音扰民',
        location: { districtCode, streetCode, communityCode: null, address: null, lng: null, lat: null },
        confidential: false,
        receivedAt,
      };
      await h.deliver('ticket.received.v1', ticketId, data);
      return data;
    };
    await received('A01', '110105', '110105001', at('2026-02-20'));
    await received('A01', '110105', '110105001', at('2026-02-25'));
    for (const day of ['2026-03-02', '2026-03-05', '2026-03-10', '2026-03-20']) {
      await received('A01', '110105', '110105001', at(day));
    }
    const last = await received('A01', '110105', '110105001', at('2026-03-31', '23:30'));
    await received('A01', '110105', '110105001', at('2026-04-01', '00:10')); // April
    for (const day of ['2026-03-03', '2026-03-04', '2026-03-25'])
      await received('B02', '110101', '110101001', at(day));
    const intake = {
      number: '20260301009999',
      channel: 'hotline',
      requestType: 'consultation',
      urgency: 'general',
      districtCode: '110105',
      receivedAt: at('2026-03-08'),
      operatorId: 'op-1',
      closedAt: at('2026-03-08', '10:05'),
    };
    await h.deliver('ticket.closed-directly.v1', 'H-direct', {
      ...intake,
      ticketId: 'H-direct',
      categoryCode: 'A01',
      reply: '已告知夜间施工许可查询渠道',
    });
    await h.deliver('ticket.diverted.v1', 'H-diverted', {
      ...intake,
      ticketId: 'H-diverted',
      categoryCode: null,
      reason: 'emergency-119',
      note: '已转119',
    });
    // the same ticket received again (a re-read): counted once
    await h.deliver('ticket.received.v1', last.ticketId, last);

    const streets = (await get('/assessment/hotspots?month=2026-03')) as {
      previousPeriod: Record<string, unknown>;
      items: Record<string, unknown>[];
    };
    expect(streets.previousPeriod).toEqual({ from: '2026-02-01', to: '2026-02-28', month: '2026-02' });
    expect(streets.items).toEqual([
      {
        categoryCode: 'A01',
        categoryName: '施工噪声',
        categoryPath: ['环境保护', '施工噪声'],
        districtCode: '110105',
        districtName: '朝阳区',
        streetCode: '110105001',
        streetName: '建外街道',
        tickets: 5,
        previousTickets: 2,
        growth: 1.5,
      },
      expect.objectContaining({
        categoryCode: 'B02',
        streetName: '东华门街道',
        tickets: 3,
        previousTickets: 0,
        growth: null,
      }),
      expect.objectContaining({ categoryCode: null, districtCode: '110105', streetCode: null, tickets: 1 }),
      expect.objectContaining({ categoryCode: 'A01', districtCode: '110105', streetCode: null, tickets: 1 }),
      // the merged ticket of A7
      expect.objectContaining({
        categoryCode: 'C03',
        categoryName: '供暖不热',
        districtCode: '110105',
        tickets: 1,
      }),
    ]);
    const districts = (await get('/assessment/hotspots?month=2026-03&level=district&limit=2')) as {
      items: Record<string, unknown>[];
    };
    expect(districts.items).toEqual([
      {
        categoryCode: 'A01',
        categoryName: '施工噪声',
        categoryPath: ['环境保护', '施工噪声'],
        districtCode: '110105',
        districtName: '朝阳区',
        tickets: 6,
        previousTickets: 2,
        growth: 2,
      },
      expect.objectContaining({ categoryCode: 'B02', districtCode: '110101', tickets: 3 }),
    ]);
    const scoped = (await get('/assessment/hotspots?month=2026-03&level=district', chaoyang)) as {
      items: Record<string, unknown>[];
    };
    expect(scoped.items.map((i) => [i['categoryCode'], i['tickets']])).toEqual([
      ['A01', 6],
      [null, 1],
      ['C03', 1],
    ]);
    const range = (await get('/assessment/hotspots?from=2026-03-01&to=2026-03-15&limit=1')) as {
      previousPeriod: Record<string, unknown>;
      items: Record<string, unknown>[];
    };
    expect(range.previousPeriod).toEqual({ from: '2026-02-14', to: '2026-02-28', month: null });
    expect(range.items).toEqual([
      expect.objectContaining({ categoryCode: 'A01', tickets: 3, previousTickets: 2, growth: 0.5 }),
    ]);
  });

  it('gives 吹哨报到 双考核 figures: summoned units on time, late, absent; streets blown and resolved', async () => {
    const blown = (whistleId: string, streetUnitId: string, unitIds: string[], blownAt: string) => ({
      whistleId,
      streetUnitId,
      ticketId: null,
      urgency: 'urgent',
      description: '建外街道某小区地下管网破裂，需住建、公安联合处置',
      location: jianwaiLocation(),
      summoned: unitIds.map((unitId) => ({
        unitId,
        dueAt: new Date(Date.parse(blownAt) + 30 * 60_000).toISOString(),
      })),
      staffId: 'street-staff-1',
      blownAt,
    });
    const checkIn = (whistleId: string, unitId: string, checkedInAt: string, late: boolean) => ({
      whistleId,
      ticketId: null,
      unitId,
      dueAt: checkedInAt,
      checkedInAt,
      late,
      place: { lng: null, lat: null, address: '现场' },
      staffId: `${unitId}-staff`,
    });
    await h.deliver(
      'whistle.blown.v1',
      'W1',
      blown('W1', 'street-a', ['dept-housing', 'dept-police'], at('2026-03-10')),
    );
    await h.deliver(
      'whistle.checked-in.v1',
      'W1',
      checkIn('W1', 'dept-housing', at('2026-03-10', '10:20'), false),
    );
    await h.deliver('whistle.closed.v1', 'W1', {
      whistleId: 'W1',
      ticketId: null,
      streetUnitId: 'street-a',
      resolved: true,
      summary: '管网已修复',
      absentUnitIds: ['dept-police'],
      staffId: 'street-staff-1',
      closedAt: at('2026-03-10', '15:00'),
    });
    await h.deliver('whistle.blown.v1', 'W2', blown('W2', 'street-a', ['dept-housing'], at('2026-03-12')));
    await h.deliver(
      'whistle.checked-in.v1',
      'W2',
      checkIn('W2', 'dept-housing', at('2026-03-12', '11:00'), true),
    );
    // a second check-in does not replace the first
    await h.deliver(
      'whistle.checked-in.v1',
      'W2',
      checkIn('W2', 'dept-housing', at('2026-03-12', '12:00'), true),
    );
    await h.deliver('whistle.blown.v1', 'W3', blown('W3', 'street-c', ['dept-police'], at('2026-02-28')));

    const body = (await get('/assessment/whistles?month=2026-03')) as {
      summoned: Record<string, unknown>[];
      streets: Record<string, unknown>[];
    };
    expect(body.summoned).toEqual([
      {
        unitId: 'dept-housing',
        name: '市住房和城乡建设委员会',
        unitClass: 'city-department',
        districtCode: null,
        summoned: 2,
        onTime: 1,
        late: 1,
        absent: 0,
        pending: 0,
        onTimeRate: 0.5,
      },
      expect.objectContaining({
        unitId: 'dept-police',
        summoned: 1,
        onTime: 0,
        absent: 1,
        pending: 0,
        onTimeRate: 0,
      }),
    ]);
    expect(body.streets).toEqual([
      {
        unitId: 'street-a',
        name: '建外街道',
        unitClass: 'street',
        districtCode: '110105',
        blown: 2,
        closed: 1,
        resolved: 1,
        resolutionRate: 1,
        summoned: 3,
        checkedInOnTime: 1,
      },
    ]);
    const scoped = (await get('/assessment/whistles?month=2026-03', chaoyang)) as {
      summoned: unknown[];
      streets: Record<string, unknown>[];
    };
    expect(scoped.summoned).toEqual([]);
    expect(scoped.streets.map((s) => s['unitId'])).toEqual(['street-a']);
  });

  it('finds counters that differ from a recount (verify-assessment) and rebuilds them (recompute-assessment)', async () => {
    const commands = assessmentCommands();
    const verify = commands['verify-assessment'];
    const command = commands['recompute-assessment'];
    /** verify-assessment --json: its exit code and the report it printed. */
    const verified = () => commandJson(verify && (() => verify(h.sut.config, ['--json'])));
    expect(await verified()).toMatchObject({ code: 0, ok: true, mismatchCount: 0 });
    const before = await counters();
    const rates = await streetRates();
    const hotspots = await hotspotRows();
    const hotspotFigures = await get('/assessment/hotspots?month=2026-03');
    // damage the counters: the recompute must not depend on them
    await h.prisma.$executeRawUnsafe(
      `UPDATE assessment_unit_day SET on_time = 0, callbacks = 99 WHERE day >= '2026-03-01'`,
    );
    await h.prisma.$executeRawUnsafe(
      `UPDATE assessment_hotspot_day SET tickets = tickets + 5 WHERE day >= '2026-03-01'`,
    );
    const damagedUnitDays = await h.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM assessment_unit_day WHERE day >= '2026-03-01'`,
    );
    const damagedHotspots = await h.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM assessment_hotspot_day WHERE day >= '2026-03-01'`,
    );
    const damaged = await verified();
    expect(damaged).toMatchObject({
      code: 1,
      ok: false,
      mismatchCount: (damagedUnitDays[0]?.n ?? 0) + (damagedHotspots[0]?.n ?? 0),
    });
    // the first 20 differing rows are printed, unit-days first
    expect((damaged['mismatches'] as unknown[]).length).toBe(20);
    expect((damaged['mismatches'] as unknown[])[0]).toMatchObject({
      table: 'assessment_unit_day',
      stored: { callbacks: 99, on_time: 0 },
      recount: { callbacks: 1, on_time: 1 },
    });
    expect(await command?.(h.sut.config, ['--from', '2026-03'])).toBe(0);
    expect(await counters()).toEqual(before);
    expect(await verified()).toMatchObject({ code: 0, ok: true, mismatchCount: 0 });
    expect(await streetRates()).toEqual(rates);
    expect(await hotspotRows()).toEqual(hotspots);
    expect(await get('/assessment/hotspots?month=2026-03')).toEqual(hotspotFigures);
    await h.prisma.$executeRawUnsafe(`DELETE FROM assessment_unit_day`);
    await h.prisma.$executeRawUnsafe(`DELETE FROM assessment_hotspot_day`);
    expect(await command?.(h.sut.config, [])).toBe(0);
    expect(await counters()).toEqual(before);
    expect(await hotspotRows()).toEqual(hotspots);
    await expect(command?.(h.sut.config, ['--from', '2026-3'])).rejects.toThrow('YYYY-MM');
  });

  it('documents the manager API in OpenAPI, each JSON body with examples in Chinese', async () => {
    const res = await h.http('GET', '/docs/openapi.json', null);
    const paths = res.body['paths'] as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/assessment/rates',
        '/assessment/rankings',
        '/assessment/trends',
        '/assessment/hotspots',
        '/assessment/whistles',
        '/assessment/exclusions',
        '/assessment/weight-sets',
      ]),
    );
    const bodies = Object.entries(paths)
      .filter(([path]) => path.startsWith('/assessment'))
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => op['requestBody'] !== undefined)
          .map(([method, op]) => {
            const content = (op['requestBody'] as { content: Record<string, { examples?: unknown }> })
              .content;
            const examples = JSON.stringify(Object.values(content)[0]?.examples ?? null);
            return { route: `${method} ${path}`, chinese: /[\u4e00-\u9fff]/.test(examples) };
          }),
      );
    expect(bodies).toEqual([
      { route: 'post /assessment/exclusions', chinese: true },
      { route: 'post /assessment/weight-sets', chinese: true },
    ]);
  });

  it('answers only managers and admins, and checks the period', async () => {
    expect((await h.http('GET', '/assessment/rankings?month=2026-03', null)).status).toBe(401);
    const operator = await h.http('GET', '/assessment/rankings?month=2026-03', {
      sub: 'op',
      role: 'operator',
    });
    expect(operator.status).toBe(403);
    expect((await h.http('GET', '/assessment/rankings?month=2026-03', admin)).status).toBe(200);
    const both = await h.http(
      'GET',
      '/assessment/rates?month=2026-03&from=2026-03-01&to=2026-03-02&unitClass=street',
      manager,
    );
    expect(both.status).toBe(400);
    const reversed = await h.http(
      'GET',
      '/assessment/rates?from=2026-03-05&to=2026-03-01&unitClass=street',
      manager,
    );
    expect(reversed.status).toBe(400);
  });
});
