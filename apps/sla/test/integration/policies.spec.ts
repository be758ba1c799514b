import { randomUUID } from 'node:crypto';
import type { TicketReceivedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { defaultPolicyDocument } from '../../src/policy/policy.domain';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';
import { ticketReceived } from '../support/ticket-events';

const admin: TokenClaims = { sub: 'admin-1', role: 'admin' };
const manager: TokenClaims = { sub: 'manager-1', role: 'manager' };

interface ClockView {
  kind: string;
  state: string;
  policyVersion: string;
  ruleId: string;
  scheduleId: string;
  dueAt: string;
  changes: { reason: string }[];
}

/** A city that counts 供热 (heating) complaints in working days, from Spring Festival 2026. */
function heatingPolicy(version: string, effectiveFrom: string) {
  return {
    version,
    description: '供热诉求 3 个工作日内办结（按工作日计）',
    effectiveFrom,
    document: {
      warnings: [0.5, 0.75],
      rules: [
        {
          id: 'heating.workdays',
          match: { categories: ['urban.heating.*'] },
          schedule: 'workdays:cn',
          targets: {
            dispatch: { unit: 'minutes', value: 120 },
            'sign-in': { unit: 'minutes', value: 120 },
            response: { unit: 'minutes', value: 1440 },
            reply: { unit: 'working-days', value: 3 },
            callback: { unit: 'working-days', value: 2 },
          },
        },
        ...defaultPolicyDocument().rules,
      ],
    },
  };
}

describe('sla policies', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await startSlaHarness({ SLA_TIMER_SWEEP_MS: '0' });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  afterEach(() => h.clock.reset());

  /** A heating complaint on a district with no street (sla's ticket builder, with these defaults). */
  function received(at: Date, overrides: Partial<TicketReceivedV1> = {}): TicketReceivedV1 {
    return ticketReceived(at, {
      number: '20260213000001',
      categoryCode: 'urban.heating.no-heat',
      content: '家中暖气不热',
      location: {
        districtCode: '110105',
        streetCode: null,
        communityCode: null,
        address: null,
        lng: null,
        lat: null,
      },
      ...overrides,
    });
  }

  async function dispatchedReply(ticket: TicketReceivedV1, at: Date): Promise<ClockView> {
    await h.deliver('ticket.received.v1', ticket.ticketId, ticket);
    const lead = `A-${randomUUID()}`;
    await h.deliver('ticket.dispatched.v1', ticket.ticketId, {
      ticketId: ticket.ticketId,
      assignments: [
        { assignmentId: lead, unitId: 'street-a', role: 'lead', emergency: false, onDutyStaffId: null },
      ],
      rule: 'territorial',
      catalogVersion: '2026.1',
      cycle: 1,
      dispatchedAt: at.toISOString(),
    });
    const res = await h.http('GET', `/clocks?ticketId=${ticket.ticketId}`, manager);
    const reply = (res.body['items'] as ClockView[]).find((c) => c.kind === 'reply');
    if (!reply) throw new Error('no reply clock');
    return reply;
  }

  it('stores the DB11/T default and answers which rule a ticket runs on', async () => {
    const list = await h.http('GET', '/policies', manager);
    expect(list.status).toBe(200);
    expect((list.body['items'] as { version: string }[]).map((p) => p.version)).toEqual(['db11t-2023']);
    const match = await h.http('GET', '/policies/match?urgency=utilities', manager);
    expect(match.body).toMatchObject({
      policyVersion: 'db11t-2023',
      rule: { id: 'db11t.utilities', targets: { reply: { unit: 'minutes', value: 1440 } } },
    });
  });

  it('refuses bad versions with the field, a version in the past, and a taken name; only admins add', async () => {
    const start = new Date('2026-02-13T02:00:00Z');
    h.clock.setFixed(start);
    const good = heatingPolicy('city-2026.1', start.toISOString());
    expect((await h.http('POST', '/policies', manager, good)).status).toBe(403);

    const noCatchAll = { ...good, document: { rules: [good.document.rules[0]] } };
    const bad = await h.http('POST', '/policies', admin, noCatchAll);
    expect(bad.status).toBe(400);
    expect(bad.body['errors']).toEqual([expect.objectContaining({ field: 'document.rules.0.match' })]);
    const past = await h.http('POST', '/policies', admin, heatingPolicy('old', '2026-01-01T00:00:00+08:00'));
    expect(past).toMatchObject({ status: 422, body: { code: 'SLA.POLICY_IN_THE_PAST' } });
    expect((await h.http('POST', '/policies', admin, good)).status).toBe(201);
    const again = await h.http('POST', '/policies', admin, good);
    expect(again).toMatchObject({ status: 409, body: { code: 'SLA.POLICY_VERSION_EXISTS' } });
    expect((await h.http('GET', '/policies', manager)).body['items']).toHaveLength(2);
  });

  it('runs a working-day rule across Spring Festival 2026 (make-up Saturday 02-14), recording version and rule', async () => {
    // received Fri 2026-02-13 10:00 Beijing: Sat 02-14 is a 调休 working day, 02-15…02-23 春节, then Tue, Wed
    const at = new Date('2026-02-13T02:00:00Z');
    h.clock.setFixed(at);
    const reply = await dispatchedReply(received(at), at);
    expect(reply).toMatchObject({
      policyVersion: 'city-2026.1',
      ruleId: 'heating.workdays',
      scheduleId: 'workdays:cn',
      state: 'running',
      dueAt: '2026-02-25T16:00:00.000Z', // 2026-02-26 00:00 +08:00
    });
    // other matters keep DB11/T clock time
    const other = await dispatchedReply(received(at, { categoryCode: 'urban.noise' }), at);
    expect(other).toMatchObject({ ruleId: 'db11t.general', scheduleId: '24x7' });
  });

  it('fails closed for a year the calendar lacks: no due time is guessed; importing the year computes it', async () => {
    // chinese-days has no 2027: Wed 2026-12-30 + 3 working days reaches into it
    const at = new Date('2026-12-30T02:00:00Z');
    h.clock.setFixed(at);
    const waiting = await dispatchedReply(received(at), at);
    expect(waiting).toMatchObject({ state: 'no-calendar', ruleId: 'heating.workdays' });

    const imported = await h.http('POST', '/calendars/cn/years/2027/import', admin, {
      from: 'manual',
      source: '国务院办公厅关于2027年部分节假日安排的通知（测试摘录）',
      version: '2027-test',
      dates: [
        { date: '2027-01-01', kind: 'holiday', name: '元旦' },
        { date: '2027-01-02', kind: 'holiday', name: '元旦' },
        { date: '2027-01-03', kind: 'holiday', name: '元旦' },
      ],
    });
    expect(imported.status).toBe(201);
    const res = await h.http(
      'GET',
      `/clocks?ticketId=${encodeURIComponent(waitingTicket(waiting))}`,
      manager,
    );
    const reply = (res.body['items'] as ClockView[]).find((c) => c.kind === 'reply');
    // Thu 12-31, (元旦 01-01…01-03), Mon 01-04, Tue 01-05 → due Wed 2027-01-06 00:00 +08:00
    expect(reply).toMatchObject({ state: 'running', dueAt: '2027-01-05T16:00:00.000Z' });
    expect(reply?.changes.map((c) => c.reason)).toEqual(['calendar-correction']);
  });
});

describe('重大问题跟踪办 and 吹哨报到 clocks', () => {
  let h: SlaHarness;
  const T0 = new Date('2026-11-23T02:00:00.000Z');

  beforeAll(async () => {
    h = await startSlaHarness({ SLA_TIMER_SWEEP_MS: '0' });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('tracks a major matter by periodic progress reports until the reply, on the tracking board', async () => {
    h.clock.setFixed(T0);
    const major = {
      id: 'major.projects',
      match: { categories: ['city.major.*'] },
      mode: 'tracked',
      targets: {
        dispatch: { unit: 'minutes', value: 1440 },
        'sign-in': { unit: 'minutes', value: 120 },
        response: { unit: 'minutes', value: 1440 },
        reply: { unit: 'minutes', value: 90 * 1440 },
        callback: { unit: 'minutes', value: 3 * 1440 },
        'progress-report': { unit: 'minutes', value: 7 * 1440 },
      },
    };
    const added = await h.http('POST', '/policies', admin, {
      version: 'city-major-1',
      description: '重大问题跟踪办：每 7 天报告进展',
      effectiveFrom: T0.toISOString(),
      document: { rules: [major, ...defaultPolicyDocument().rules] },
    });
    expect(added.status).toBe(201);
    const ticketId = `T-${randomUUID()}`;
    await h.deliver('ticket.received.v1', ticketId, {
      ticketId,
      number: '20261123000009',
      channel: 'hotline',
      requestType: 'suggestion',
      categoryCode: 'city.major.old-community-renovation',
      urgency: 'complex',
      content: '老旧小区综合整治进度缓慢',
      location: {
        districtCode: '110105',
        streetCode: null,
        communityCode: null,
        address: null,
        lng: null,
        lat: null,
      },
      confidential: false,
      receivedAt: T0.toISOString(),
    });
    const lead = `A-${randomUUID()}`;
    await h.deliver('ticket.dispatched.v1', ticketId, {
      ticketId,
      assignments: [
        { assignmentId: lead, unitId: 'street-a', role: 'lead', emergency: false, onDutyStaffId: null },
      ],
      rule: 'territorial',
      catalogVersion: '2026.1',
      cycle: 1,
      dispatchedAt: T0.toISOString(),
    });
    const clocks = async () =>
      (
        (await h.http('GET', `/clocks?ticketId=${ticketId}`, manager)).body['items'] as (ClockView & {
          stopReason: string | null;
          startedAt: string;
        })[]
      ).filter((c) => c.kind === 'progress-report' || c.kind === 'reply');
    expect((await clocks()).map((c) => [c.kind, c.state, c.dueAt])).toEqual([
      ['progress-report', 'running', new Date(T0.getTime() + 7 * 86_400_000).toISOString()],
    ]);
    const board = await h.http('GET', '/tracking?districtCode=110105', manager);
    expect(board.body['items']).toEqual([
      expect.objectContaining({ ticketId, nextReport: expect.objectContaining({ kind: 'progress-report' }) }),
    ]);

    h.clock.advance(5 * 86_400_000);
    await h.deliver('ticket.progressed.v1', ticketId, {
      ticketId,
      assignmentId: lead,
      unitId: 'street-a',
      kind: 'note',
      note: '已完成外立面改造招标',
      staffId: 'staff-a',
      at: h.clock.now().toISOString(),
    });
    const reports = await clocks();
    expect(reports.map((c) => [c.state, c.stopReason])).toEqual([
      ['met', 'reported'],
      ['running', null],
    ]);
    expect(reports[1]?.dueAt).toBe(new Date(T0.getTime() + 12 * 86_400_000).toISOString());

    h.clock.advance(86_400_000);
    await h.deliver('ticket.replied.v1', ticketId, {
      ticketId,
      assignmentId: lead,
      unitId: 'street-a',
      result: 'resolved',
      content: '整治工程已完工验收',
      attachments: [],
      cycle: 1,
      staffId: 'staff-a',
      repliedAt: h.clock.now().toISOString(),
    });
    expect((await clocks()).map((c) => c.state)).toEqual(['met', 'met']);
    // no reply deadline to wait for: the 回访 follows the reply
    const all = (await h.http('GET', `/clocks?ticketId=${ticketId}`, manager)).body['items'] as ClockView[];
    expect(all.filter((c) => c.kind === 'callback').map((c) => c.state)).toEqual(['running']);
  });

  it('runs a check-in clock per summoned unit from the whistle; a check-in stops it, the close cancels the rest (late when past due)', async () => {
    h.clock.setFixed(T0);
    const whistleId = `W-${randomUUID()}`;
    await h.deliver('whistle.blown.v1', whistleId, {
      whistleId,
      streetUnitId: 'street-a',
      ticketId: null,
      urgency: 'urgent',
      description: '街巷违建拆除需联合执法',
      location: {
        districtCode: '110105',
        streetCode: null,
        communityCode: null,
        address: null,
        lng: null,
        lat: null,
      },
      summoned: [
        { unitId: 'dept-police', dueAt: new Date(T0.getTime() + 30 * 60_000).toISOString() },
        { unitId: 'util-water', dueAt: new Date(T0.getTime() + 30 * 60_000).toISOString() },
      ],
      staffId: 'staff-a',
      blownAt: T0.toISOString(),
    });
    const rows = () => h.prisma.slaClock.findMany({ where: { whistleId }, orderBy: { unitId: 'asc' } });
    expect((await rows()).map((c) => [c.unitId, c.kind, c.state, c.dueAt.toISOString()])).toEqual([
      ['dept-police', 'whistle-check-in', 'running', new Date(T0.getTime() + 30 * 60_000).toISOString()],
      ['util-water', 'whistle-check-in', 'running', new Date(T0.getTime() + 30 * 60_000).toISOString()],
    ]);
    h.clock.advance(20 * 60_000);
    await h.deliver('whistle.checked-in.v1', whistleId, {
      whistleId,
      ticketId: null,
      unitId: 'dept-police',
      dueAt: new Date(T0.getTime() + 30 * 60_000).toISOString(),
      checkedInAt: h.clock.now().toISOString(),
      late: false,
      place: { lng: null, lat: null, address: '现场' },
      staffId: 'police-1',
    });
    h.clock.advance(60 * 60_000);
    await h.deliver('whistle.closed.v1', whistleId, {
      whistleId,
      ticketId: null,
      streetUnitId: 'street-a',
      resolved: true,
      summary: '违建已拆除',
      absentUnitIds: ['util-water'],
      staffId: 'staff-a',
      closedAt: h.clock.now().toISOString(),
    });
    expect((await rows()).map((c) => [c.unitId, c.state, c.stopReason, c.breached])).toEqual([
      ['dept-police', 'met', 'checked-in', false],
      ['util-water', 'cancelled', 'whistle-closed', true],
    ]);
  });
});

function waitingTicket(clock: ClockView & { ticketId?: string }): string {
  if (!clock.ticketId) throw new Error('clock without ticket');
  return clock.ticketId;
}
