import { TOPICS } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { type RoutingHarness, startRoutingHarness } from '../support/routing-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const manager: TokenClaims = { sub: 'manager-1', role: 'manager' };
const dispatcher: TokenClaims = { sub: 'dispatcher-1', role: 'dispatcher' };
const staffOf = (unitId: string): TokenClaims => ({
  sub: `staff-${unitId}`,
  role: 'unit_staff',
  unit: unitId,
});
const HOUSING = 'city-housing';
const ENFORCEMENT = 'city-urban-enforcement';
const TRANSPORT = 'city-transport';
const place = { lng: 116.4, lat: 39.9, address: '现场东门' };

type Json = Record<string, unknown>;

describe('街道吹哨·部门报到 (whistles) and 双考核', () => {
  let h: RoutingHarness;
  let grid = 200;

  beforeAll(async () => {
    h = await startRoutingHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  afterEach(() => h.clock.reset());

  /** A territorial (属地) matter in a grid of the sample city: dispatched through Kafka with a street as lead. */
  async function streetTicket(): Promise<{ ticketId: string; streetUnitId: string }> {
    grid += 53;
    const t = await h.dispatchTerritorial(grid);
    return { ticketId: t.ticketId, streetUnitId: t.lead.unitId };
  }

  /** Any street of the sample city other than those given. */
  function anotherStreet(...not: string[]): { id: string; streetCode: string; districtCode: string } {
    for (const unit of h.reference().directory.all()) {
      if (unit.kind === 'street' && !not.includes(unit.id)) return unit;
    }
    throw new Error('no other street');
  }

  async function whistleState() {
    return {
      whistles: await h.prisma.whistle.count(),
      summons: await h.prisma.whistleSummons.count({ where: { checkedInAt: { not: null } } }),
      closed: await h.prisma.whistle.count({ where: { status: 'closed' } }),
      events: await h.prisma.outboxEvent.count({ where: { topic: TOPICS.whistle } }),
    };
  }

  async function blow(street: string, body: Json): Promise<Json> {
    const response = await h.http('POST', '/whistles', staffOf(street), body);
    expect(response.status).toBe(201);
    return response.body;
  }

  it('summons two departments to a ticket: one checks in on time, one late; events and 双考核 record both', async () => {
    const t = await streetTicket();
    const blownAt = new Date('2031-03-02T09:00:00.000Z');
    h.clock.setFixed(blownAt);

    const whistle = await blow(t.streetUnitId, {
      ticketId: t.ticketId,
      urgency: 'urgent',
      description: '占道经营与违建交织，需住建、城管执法联合执法',
      location: { address: '幸福路12号', lng: place.lng, lat: place.lat },
      summon: [HOUSING, ENFORCEMENT],
    });
    const id = whistle['id'] as string;
    const dueAt = new Date(blownAt.getTime() + 30 * MINUTE).toISOString();
    expect(whistle).toMatchObject({
      streetUnitId: t.streetUnitId,
      ticketId: t.ticketId,
      urgency: 'urgent',
      status: 'open',
      blownAt: blownAt.toISOString(),
      summons: [
        { unitId: HOUSING, dueAt, checkedInAt: null, late: null, state: 'pending', overdue: false },
        { unitId: ENFORCEMENT, dueAt, checkedInAt: null, late: null, state: 'pending', overdue: false },
      ],
    });

    // 住建 arrives after 12 minutes: on time.
    h.clock.advance(12 * MINUTE);
    const onTime = await h.http('POST', `/whistles/${id}/check-in`, staffOf(HOUSING), { place });
    expect(onTime).toMatchObject({
      status: 200,
      body: { unitId: HOUSING, late: false, state: 'on-time', place },
    });

    // Past the 30-minute limit, 城管执法 is overdue; it arrives at 41 minutes: accepted, recorded as late.
    h.clock.advance(19 * MINUTE);
    const overdue = await h.http('GET', `/whistles/${id}`, staffOf(t.streetUnitId));
    expect((overdue.body['summons'] as Json[]).find((s) => s['unitId'] === ENFORCEMENT)).toMatchObject({
      state: 'pending',
      overdue: true,
    });
    h.clock.advance(10 * MINUTE);
    const late = await h.http('POST', `/whistles/${id}/check-in`, staffOf(ENFORCEMENT), {
      place: { address: '幸福路12号西侧' },
    });
    expect(late).toMatchObject({
      status: 200,
      body: {
        unitId: ENFORCEMENT,
        late: true,
        state: 'late',
        checkedInAt: new Date(blownAt.getTime() + 41 * MINUTE).toISOString(),
        place: { lng: null, lat: null, address: '幸福路12号西侧' },
      },
    });

    // Published on jsjb.whistle.v1, keyed by the whistle.
    const blown = await h.event('whistle.blown.v1', id);
    expect(blown.topic).toBe(TOPICS.whistle);
    expect(blown.data).toMatchObject({
      whistleId: id,
      streetUnitId: t.streetUnitId,
      ticketId: t.ticketId,
      urgency: 'urgent',
      summoned: [
        { unitId: HOUSING, dueAt },
        { unitId: ENFORCEMENT, dueAt },
      ],
      staffId: `staff-${t.streetUnitId}`,
      blownAt: blownAt.toISOString(),
    });
    const housingIn = await h.event('whistle.checked-in.v1', id, (d) => d['unitId'] === HOUSING);
    expect(housingIn).toMatchObject({ topic: TOPICS.whistle, data: { late: false, dueAt, place } });
    const enforcementIn = await h.event('whistle.checked-in.v1', id, (d) => d['unitId'] === ENFORCEMENT);
    expect(enforcementIn).toMatchObject({
      topic: TOPICS.whistle,
      data: { late: true, ticketId: t.ticketId },
    });

    // The detail shows one on time and one late.
    const detail = await h.http('GET', `/whistles/${id}`, dispatcher);
    expect(detail.status).toBe(200);
    expect((detail.body['summons'] as Json[]).map((s) => [s['unitId'], s['state'], s['late']])).toEqual([
      [HOUSING, 'on-time', false],
      [ENFORCEMENT, 'late', true],
    ]);

    // 双考核 over this whistle's window.
    const window = `from=${encodeURIComponent(blownAt.toISOString())}&to=${encodeURIComponent(
      new Date(blownAt.getTime() + HOUR).toISOString(),
    )}`;
    const assessment = await h.http('GET', `/whistles/assessment?${window}`, manager);
    expect(assessment.status).toBe(200);
    expect(assessment.body['summonedUnits']).toEqual([
      expect.objectContaining({ unitId: HOUSING, summoned: 1, onTime: 1, late: 0, absent: 0, pending: 0 }),
      expect.objectContaining({
        unitId: ENFORCEMENT,
        summoned: 1,
        onTime: 0,
        late: 1,
        absent: 0,
        pending: 0,
      }),
    ]);
    expect(assessment.body['streets']).toEqual([
      expect.objectContaining({ unitId: t.streetUnitId, kind: 'street', blown: 1, closed: 0, resolved: 0 }),
    ]);

    // The street closes it, resolved, nobody absent.
    const closed = await h.http('POST', `/whistles/${id}/close`, staffOf(t.streetUnitId), {
      resolved: true,
      summary: '违建已拆除，占道经营已清理',
    });
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed', resolved: true } });
    expect((await h.event('whistle.closed.v1', id)).data).toMatchObject({
      streetUnitId: t.streetUnitId,
      ticketId: t.ticketId,
      resolved: true,
      absentUnitIds: [],
    });
    const after = await h.http('GET', `/whistles/assessment?${window}`, dispatcher);
    expect(after.body['streets']).toEqual([
      expect.objectContaining({ unitId: t.streetUnitId, blown: 1, closed: 1, resolved: 1, resolvedRate: 1 }),
    ]);
  });

  it('a standalone whistle (no ticket) closed with a unit that never checked in: absent', async () => {
    const street = anotherStreet();
    const water = `util-water-${street.districtCode}`;
    const blownAt = new Date('2031-04-10T02:00:00.000Z');
    h.clock.setFixed(blownAt);

    const whistle = await blow(street.id, {
      urgency: 'normal',
      description: '老旧小区供水管网漏水，路面塌陷隐患',
      summon: [TRANSPORT, water],
    });
    const id = whistle['id'] as string;
    // Without a location, the street's own codes; a normal whistle gives 24 hours.
    expect(whistle).toMatchObject({
      ticketId: null,
      location: {
        districtCode: street.districtCode,
        streetCode: street.streetCode,
        communityCode: null,
        address: null,
        lng: null,
        lat: null,
      },
    });
    expect((whistle['summons'] as Json[]).map((s) => s['dueAt'])).toEqual([
      new Date(blownAt.getTime() + 24 * HOUR).toISOString(),
      new Date(blownAt.getTime() + 24 * HOUR).toISOString(),
    ]);

    h.clock.advance(3 * HOUR);
    expect(
      (await h.http('POST', `/whistles/${id}/check-in`, staffOf(water), { place: { address: '小区北门' } }))
        .status,
    ).toBe(200);
    h.clock.advance(2 * HOUR);
    const closed = await h.http('POST', `/whistles/${id}/close`, staffOf(street.id), {
      resolved: false,
      summary: '管网改造需立项，已报区政府',
    });
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed', resolved: false } });
    expect((closed.body['summons'] as Json[]).map((s) => [s['unitId'], s['state']])).toEqual([
      [TRANSPORT, 'absent'],
      [water, 'on-time'],
    ]);
    const event = await h.event('whistle.closed.v1', id);
    expect(event.data).toMatchObject({ ticketId: null, resolved: false, absentUnitIds: [TRANSPORT] });

    const assessment = await h.http(
      'GET',
      `/whistles/assessment?from=${encodeURIComponent(blownAt.toISOString())}&to=${encodeURIComponent(
        new Date(blownAt.getTime() + HOUR).toISOString(),
      )}`,
      manager,
    );
    expect(assessment.body).toMatchObject({
      summonedUnits: [
        { unitId: TRANSPORT, summoned: 1, onTime: 0, late: 0, absent: 1, pending: 0, onTimeRate: 0 },
        { unitId: water, kind: 'utility', summoned: 1, onTime: 1, absent: 0, onTimeRate: 1 },
      ],
      streets: [{ unitId: street.id, blown: 1, closed: 1, resolved: 0, resolvedRate: 0 }],
    });
  });

  it('refuses a whistle from a non-street, with unknown or street units, or on a ticket the street does not hold, storing nothing', async () => {
    const t = await streetTicket();
    const other = anotherStreet(t.streetUnitId);
    const valid = { urgency: 'urgent', description: '联合执法', summon: [HOUSING] };
    const before = await whistleState();

    expect(await h.http('POST', '/whistles', staffOf(HOUSING), valid)).toMatchObject({
      status: 403,
      body: { code: 'WHISTLE.STREET_ONLY' },
    });
    expect(await h.http('POST', '/whistles', dispatcher, valid)).toMatchObject({ status: 403 });
    const unknown = await h.http('POST', '/whistles', staffOf(t.streetUnitId), {
      ...valid,
      summon: [HOUSING, 'city-nonexistent', other.id],
    });
    expect(unknown).toMatchObject({
      status: 422,
      body: {
        code: 'WHISTLE.SUMMON_INVALID',
        errors: [
          expect.objectContaining({ field: 'summon.1', code: 'unknown_unit' }),
          expect.objectContaining({ field: 'summon.2', code: 'street_unit' }),
        ],
      },
    });
    expect(
      await h.http('POST', '/whistles', staffOf(t.streetUnitId), { ...valid, summon: [HOUSING, HOUSING] }),
    ).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [expect.objectContaining({ field: 'summon.1' })] },
    });
    expect(
      (await h.http('POST', '/whistles', staffOf(t.streetUnitId), { ...valid, summon: [] })).status,
    ).toBe(400);
    expect(
      await h.http('POST', '/whistles', staffOf(t.streetUnitId), { ...valid, ticketId: 'T-does-not-exist' }),
    ).toMatchObject({ status: 404, body: { code: 'TICKET.NOT_FOUND' } });
    expect(
      await h.http('POST', '/whistles', staffOf(other.id), { ...valid, ticketId: t.ticketId }),
    ).toMatchObject({ status: 403, body: { code: 'WHISTLE.TICKET_NOT_HELD' } });

    expect(await whistleState()).toEqual(before);
  });

  it('refuses a second check-in, a unit not summoned, a check-in after closing and a close by anyone but the street, changing nothing', async () => {
    const street = anotherStreet();
    const id = (
      await blow(street.id, { urgency: 'urgent', description: '井盖缺失', summon: [HOUSING, TRANSPORT] })
    )['id'] as string;
    expect((await h.http('POST', `/whistles/${id}/check-in`, staffOf(HOUSING), { place })).status).toBe(200);
    const before = await whistleState();

    expect(await h.http('POST', `/whistles/${id}/check-in`, staffOf(HOUSING), { place })).toMatchObject({
      status: 409,
      body: { code: 'WHISTLE.ALREADY_CHECKED_IN' },
    });
    // A unit that has nothing to do with the whistle does not see it; the street is not summoned.
    expect(await h.http('POST', `/whistles/${id}/check-in`, staffOf(ENFORCEMENT), { place })).toMatchObject({
      status: 404,
      body: { code: 'WHISTLE.NOT_FOUND' },
    });
    expect(await h.http('POST', `/whistles/${id}/check-in`, staffOf(street.id), { place })).toMatchObject({
      status: 403,
      body: { code: 'WHISTLE.NOT_SUMMONED' },
    });
    expect(
      await h.http('POST', `/whistles/${id}/check-in`, staffOf(TRANSPORT), { place: { lng: 116.4 } }),
    ).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
    expect(await h.http('POST', `/whistles/${id}/check-in`, staffOf(TRANSPORT), { place: {} })).toMatchObject(
      {
        status: 400,
        body: { code: 'REQUEST.INVALID' },
      },
    );
    expect(
      await h.http('POST', `/whistles/not-a-uuid/check-in`, staffOf(TRANSPORT), { place }),
    ).toMatchObject({ status: 404, body: { code: 'WHISTLE.NOT_FOUND' } });
    expect(
      await h.http('POST', `/whistles/${id}/close`, staffOf(HOUSING), { resolved: true, summary: '已处理' }),
    ).toMatchObject({ status: 403, body: { code: 'WHISTLE.NOT_YOURS' } });
    expect(await whistleState()).toEqual(before);

    expect(
      (
        await h.http('POST', `/whistles/${id}/close`, staffOf(street.id), {
          resolved: true,
          summary: '已处理',
        })
      ).status,
    ).toBe(200);
    const closed = await whistleState();
    expect(await h.http('POST', `/whistles/${id}/check-in`, staffOf(TRANSPORT), { place })).toMatchObject({
      status: 409,
      body: { code: 'WHISTLE.CLOSED' },
    });
    expect(
      await h.http('POST', `/whistles/${id}/close`, staffOf(street.id), { resolved: false, summary: '再关' }),
    ).toMatchObject({ status: 409, body: { code: 'WHISTLE.CLOSED' } });
    expect(await whistleState()).toEqual(closed);
    const summons = await h.prisma.whistleSummons.findUnique({
      where: { whistleId_unitId: { whistleId: id, unitId: TRANSPORT } },
    });
    expect(summons?.checkedInAt).toBeNull();
  });

  it('documents every whistle route in OpenAPI, with the zod bodies and queries', async () => {
    const doc = (await h.sut.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>>;
    }>();
    expect(doc.paths['/whistles']?.['post']?.requestBody).toBeDefined();
    expect(doc.paths['/whistles']?.['get']?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(['status', 'from', 'to', 'page', 'pageSize']),
    );
    expect(doc.paths['/whistles/{id}']?.['get']).toBeDefined();
    expect(doc.paths['/whistles/{id}/check-in']?.['post']?.requestBody).toBeDefined();
    expect(doc.paths['/whistles/{id}/close']?.['post']?.requestBody).toBeDefined();
    expect(doc.paths['/whistles/assessment']?.['get']?.parameters?.map((p) => p.name)).toEqual([
      'from',
      'to',
    ]);
  });

  it('scopes the list: a street sees its own, a unit its summonses, the center all', async () => {
    const first = anotherStreet();
    const second = anotherStreet(first.id);
    h.clock.setFixed(new Date('2031-06-01T00:00:00.000Z'));
    const a = (await blow(first.id, { urgency: 'normal', description: 'A', summon: [TRANSPORT] }))['id'];
    h.clock.advance(MINUTE);
    const b = (await blow(second.id, { urgency: 'normal', description: 'B', summon: [ENFORCEMENT] }))['id'];
    const range = 'from=2031-06-01T00:00:00.000Z&to=2031-06-02T00:00:00.000Z';
    const ids = async (caller: TokenClaims, query = '') => {
      const response = await h.http('GET', `/whistles?${range}${query}`, caller);
      expect(response.status).toBe(200);
      return (response.body['items'] as Json[]).map((w) => w['id']);
    };

    expect(await ids(staffOf(first.id))).toEqual([a]);
    expect(await ids(staffOf(ENFORCEMENT))).toEqual([b]);
    expect(await ids(staffOf(HOUSING))).toEqual([]);
    expect(await ids(dispatcher)).toEqual([b, a]);
    expect(await ids(manager, `&unitId=${TRANSPORT}`)).toEqual([a]);
    expect(await ids(manager, '&status=closed')).toEqual([]);
    expect(await h.http('GET', `/whistles?unitId=${TRANSPORT}`, staffOf(first.id))).toMatchObject({
      status: 403,
      body: { code: 'UNIT.NOT_YOURS' },
    });
    expect(await h.http('GET', `/whistles/${String(a)}`, staffOf(HOUSING))).toMatchObject({
      status: 404,
      body: { code: 'WHISTLE.NOT_FOUND' },
    });
    expect((await h.http('GET', '/whistles/assessment', staffOf(first.id))).status).toBe(403);
    expect(
      await h.http('GET', '/whistles/assessment?from=2031-06-02T00:00:00Z&to=2031-06-01T00:00:00Z', manager),
    ).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
  });
});
