import { randomUUID } from 'node:crypto';
import type { TicketDispatchedV1, TicketReceivedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { Redis } from 'ioredis';
import { metricSample, waitFor } from '@jsjb/testing';
import { clockCommands } from '../../src/clocks/clock.commands';
import { type NewClock, ClockRepository } from '../../src/clocks/clock.repository';
import { ClockService } from '../../src/clocks/clock.service';
import { TimerService } from '../../src/clocks/timer.service';
import { commandJson } from '../support/command-json';
import { deliverReference } from '../support/reference-fixture';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';
import { dispatchedAssignment, ticketReceived } from '../support/ticket-events';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const manager: TokenClaims = { sub: 'manager-1', role: 'manager' };
const T0 = new Date('2026-11-23T02:00:00.000Z'); // Monday 10:00 in Beijing

interface ClockView {
  id: string;
  kind: string;
  state: string;
  unitId: string | null;
  assignmentId: string | null;
  cycle: number;
  policyVersion: string;
  ruleId: string;
  scheduleId: string;
  startedAt: string;
  dueAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  breached: boolean;
  everBreached: boolean;
  warned: number[];
  elapsedWallMinutes: number | null;
  elapsedScheduleMinutes: number | null;
  changes: { reason: string; previousDueAt: string; dueAt: string; changedBy: string }[];
}

describe('sla clocks and timers', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await startSlaHarness({ SLA_TIMER_SWEEP_MS: '0' });
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  beforeEach(() => h.clock.setFixed(T0));

  const received = (overrides: Partial<TicketReceivedV1> = {}) => ticketReceived(h.clock.now(), overrides);

  function dispatched(
    ticketId: string,
    cycle = 1,
    at = h.clock.now(),
  ): TicketDispatchedV1 & { lead: string; co: string } {
    const lead = dispatchedAssignment('street-110105001', 'lead');
    const co = dispatchedAssignment('dept-housing', 'co');
    return {
      ticketId,
      assignments: [lead, co, dispatchedAssignment('district-110105', 'copy')],
      rule: 'territorial',
      catalogVersion: '2026.1',
      cycle,
      dispatchedAt: at.toISOString(),
      lead: lead.assignmentId,
      co: co.assignmentId,
    };
  }

  async function clocksOf(ticketId: string): Promise<ClockView[]> {
    const res = await h.http('GET', `/clocks?ticketId=${encodeURIComponent(ticketId)}`, manager);
    expect(res.status).toBe(200);
    return res.body['items'] as ClockView[];
  }

  function one(clocks: ClockView[], kind: string, assignmentId?: string): ClockView {
    const found = clocks.filter((c) => c.kind === kind && (!assignmentId || c.assignmentId === assignmentId));
    expect(found).toHaveLength(1);
    return found[0] as ClockView;
  }

  /** Moves the service clock and runs the timers that became due. */
  /** `verify-timers --json`: its exit code and report. */
  function verifyTimers() {
    const command = clockCommands('sla')['verify-timers'];
    return commandJson(command && (() => command(h.sut.config, ['--json'])));
  }

  async function advance(ms: number): Promise<void> {
    h.clock.advance(ms);
    await h.get(TimerService).promoteDue();
  }

  async function receiveAndDispatch(overrides: Partial<TicketReceivedV1> = {}) {
    const r = received(overrides);
    await h.deliver('ticket.received.v1', r.ticketId, r);
    const d = dispatched(r.ticketId);
    await h.deliver('ticket.dispatched.v1', r.ticketId, d);
    return { ticketId: r.ticketId, lead: d.lead, co: d.co };
  }

  it('starts the resident and dispatch clocks at receipt, and the units’ clocks at dispatch, not at sign-in', async () => {
    const r = received();
    await h.deliver('ticket.received.v1', r.ticketId, r);
    let clocks = await clocksOf(r.ticketId);
    expect(clocks.map((c) => c.kind).sort()).toEqual(['dispatch', 'resident']);
    const resident = one(clocks, 'resident');
    expect(resident).toMatchObject({
      policyVersion: 'db11t-2023',
      ruleId: 'db11t.general',
      scheduleId: '24x7',
      startedAt: T0.toISOString(),
      dueAt: new Date(T0.getTime() + 7 * 24 * HOUR).toISOString(),
    });
    expect(one(clocks, 'dispatch').dueAt).toBe(new Date(T0.getTime() + 24 * HOUR).toISOString());

    h.clock.advance(3 * HOUR);
    const d = dispatched(r.ticketId);
    await h.deliver('ticket.dispatched.v1', r.ticketId, d);
    clocks = await clocksOf(r.ticketId);
    expect(one(clocks, 'dispatch')).toMatchObject({
      state: 'met',
      stopReason: 'dispatched',
      breached: false,
      elapsedWallMinutes: 180,
      elapsedScheduleMinutes: 180,
    });
    const dispatchedAt = new Date(T0.getTime() + 3 * HOUR);
    // the lead: sign-in, response, reply from dispatch; the co-handler: sign-in; the copy: none
    expect(
      clocks
        .filter((c) => c.assignmentId === d.lead)
        .map((c) => c.kind)
        .sort(),
    ).toEqual(['reply', 'response', 'sign-in']);
    expect(clocks.filter((c) => c.assignmentId === d.co).map((c) => c.kind)).toEqual(['sign-in']);
    expect(clocks.filter((c) => c.unitId === 'district-110105')).toEqual([]);
    expect(one(clocks, 'reply', d.lead)).toMatchObject({
      startedAt: dispatchedAt.toISOString(),
      dueAt: new Date(dispatchedAt.getTime() + 7 * 24 * HOUR).toISOString(),
      unitId: 'street-110105001',
    });

    h.clock.advance(30 * MINUTE);
    await h.deliver('assignment.signed.v1', r.ticketId, {
      ticketId: r.ticketId,
      assignmentId: d.lead,
      unitId: 'street-110105001',
      role: 'lead',
      staffId: 'staff-1',
      signedAt: h.clock.now().toISOString(),
    });
    h.clock.advance(60 * MINUTE);
    await h.deliver('resident.contacted.v1', r.ticketId, {
      ticketId: r.ticketId,
      assignmentId: d.lead,
      unitId: 'street-110105001',
      method: 'phone',
      result: 'reached',
      note: '已电话联系诉求人',
      contactedAt: h.clock.now().toISOString(),
      firstReached: true,
      staffId: 'staff-1',
    });
    clocks = await clocksOf(r.ticketId);
    expect(one(clocks, 'sign-in', d.lead)).toMatchObject({ state: 'met', elapsedWallMinutes: 30 });
    expect(one(clocks, 'response', d.lead)).toMatchObject({ state: 'met', elapsedWallMinutes: 90 });
    expect(one(clocks, 'sign-in', d.co).state).toBe('running');
    // a redelivered dispatch starts nothing twice
    await h.deliver('ticket.dispatched.v1', r.ticketId, { ...d, dispatchedAt: h.clock.now().toISOString() });
    expect(await clocksOf(r.ticketId)).toHaveLength(clocks.length);
  });

  it('starts clocks with one insert, returning new ones as stored without a read, existing ones as stored', async () => {
    const repository = h.get(ClockRepository);
    const clock: NewClock = {
      naturalKey: `reply:T-${randomUUID()}:1:A-1`,
      kind: 'reply',
      ticketId: `T-${randomUUID()}`,
      whistleId: null,
      assignmentId: 'A-1',
      unitId: 'street-1',
      cycle: 1,
      policyVersion: 'db11t-2023',
      ruleId: 'db11t.general',
      scheduleId: '24x7',
      target: { unit: 'minutes', value: 90 },
      warnings: [0.5, 0.75],
      startedAt: T0,
      dueAt: new Date(T0.getTime() + 90 * MINUTE),
      state: 'running',
      escalationUnitId: 'district-1',
      headUnitId: null,
      districtCode: '110105',
    };
    const [first] = await repository.transaction((tx) => repository.startMany(tx, [clock]));
    expect(first?.created).toBe(true);
    const stored = await repository.find(first?.clock.id ?? '');
    // every field of the Clock the service works with is what the table holds (its defaults included)
    expect(stored).toEqual(expect.objectContaining(first?.clock));
    // One insert for many: the one that exists comes back as stored, the new one as inserted, in order.
    const other = { ...clock, naturalKey: `${clock.naturalKey}:other`, kind: 'response' as const };
    const again = await repository.transaction((tx) =>
      repository.startMany(tx, [{ ...clock, cycle: 2 }, other]),
    );
    expect(again.map((s) => [s.clock.naturalKey, s.created])).toEqual([
      [clock.naturalKey, false],
      [other.naturalKey, true],
    ]);
    expect(again[0]?.clock).toEqual(stored);
    expect(await repository.find(again[1]?.clock.id ?? '')).toEqual(expect.objectContaining(again[1]?.clock));
  });

  it('warns at 50 % and 75 % (催办) and breaches at the due time (督办), with the escalation target', async () => {
    const r = received({ urgency: 'urgent' });
    await h.deliver('ticket.received.v1', r.ticketId, r);
    const dispatch = one(await clocksOf(r.ticketId), 'dispatch');
    expect(dispatch.dueAt).toBe(new Date(T0.getTime() + HOUR).toISOString());

    await advance(29 * MINUTE);
    expect(h.published.filter((e) => e.type === 'sla.warned.v1' && e.subject === r.ticketId)).toEqual([]);
    await advance(1 * MINUTE);
    const half = await h.event(
      'sla.warned.v1',
      r.ticketId,
      (d) => d['kind'] === 'dispatch' && d['threshold'] === 0.5,
    );
    expect(half.data).toMatchObject({
      clockId: dispatch.id,
      policyVersion: 'db11t-2023',
      ruleId: 'db11t.urgent',
      escalation: { unitId: null, districtCode: '110105' },
    });
    await advance(15 * MINUTE);
    await h.event('sla.warned.v1', r.ticketId, (d) => d['kind'] === 'dispatch' && d['threshold'] === 0.75);
    const atRisk = await h.http('GET', '/deadlines/at-risk?kind=dispatch', manager);
    expect((atRisk.body['items'] as ClockView[]).map((c) => c.id)).toContain(dispatch.id);

    await advance(16 * MINUTE);
    const breach = await h.event('sla.breached.v1', r.ticketId, (d) => d['kind'] === 'dispatch');
    expect(breach.data).toMatchObject({ clockId: dispatch.id, dueAt: dispatch.dueAt });
    const overdue = await h.http('GET', '/deadlines/overdue?kind=dispatch', manager);
    expect((overdue.body['items'] as ClockView[]).map((c) => c.id)).toContain(dispatch.id);
    const after = one(await clocksOf(r.ticketId), 'dispatch');
    expect(after).toMatchObject({
      state: 'running',
      breached: true,
      everBreached: true,
      warned: [0.5, 0.75],
    });

    // each point is sent once, whatever fires again
    await advance(HOUR);
    await h.get(ClockService).rearmAll();
    await h.get(TimerService).promoteDue();
    const marker = received();
    await h.deliver('ticket.received.v1', marker.ticketId, marker);
    expect(
      h.published.filter(
        (e) => e.subject === r.ticketId && e.type.startsWith('sla.') && e.data['kind'] === 'dispatch',
      ),
    ).toHaveLength(3);

    // /metrics counts each 催办 and 督办 the service published, once, by clock kind.
    const publishedOf = (type: string) =>
      h.published.filter((e) => e.type === type && e.data['kind'] === 'dispatch').length;
    await waitFor(
      async () => {
        const text = (await h.sut.app.inject({ method: 'GET', url: '/metrics' })).body;
        return (
          metricSample(text, 'jsjb_clocks_warned_total', { kind: 'dispatch' }) ===
            publishedOf('sla.warned.v1') &&
          metricSample(text, 'jsjb_clocks_breached_total', { kind: 'dispatch' }) ===
            publishedOf('sla.breached.v1')
        );
      },
      { description: 'the clock counters equal to the 催办 and 督办 published' },
    );
  });

  it('an approved extension moves the reply deadline with an audit entry; breached clears, everBreached stays', async () => {
    const t = await receiveAndDispatch({ urgency: 'urgent' });
    const reply = one(await clocksOf(t.ticketId), 'reply', t.lead);
    expect(new Date(reply.dueAt).getTime() - T0.getTime()).toBe(2 * HOUR);
    await advance(2 * HOUR + MINUTE);
    await h.event('sla.breached.v1', t.ticketId, (d) => d['kind'] === 'reply');
    const newDueAt = new Date(T0.getTime() + 6 * HOUR);
    await h.deliver('extension.decided.v1', t.ticketId, {
      ticketId: t.ticketId,
      assignmentId: t.lead,
      unitId: 'street-110105001',
      extensionId: 'E-1',
      decision: 'approved',
      newDueAt: newDueAt.toISOString(),
      note: '需协调供水公司，延期4小时',
      decidedBy: 'dispatcher-1',
      decidedAt: h.clock.now().toISOString(),
    });
    const extended = one(await clocksOf(t.ticketId), 'reply', t.lead);
    expect(extended).toMatchObject({
      dueAt: newDueAt.toISOString(),
      state: 'running',
      breached: false,
      everBreached: true,
    });
    expect(extended.changes).toEqual([
      expect.objectContaining({
        reason: 'extension',
        previousDueAt: reply.dueAt,
        dueAt: newDueAt.toISOString(),
        changedBy: 'dispatcher-1',
      }),
    ]);
    // the old due time's timer is stale; the new one fires at the new due time
    await advance(4 * HOUR);
    await waitFor(
      () =>
        h.published.filter(
          (e) => e.type === 'sla.breached.v1' && e.subject === t.ticketId && e.data['kind'] === 'reply',
        ).length === 2,
      { description: 'a second 督办 at the extended deadline', timeoutMs: 20_000 },
    );
  });

  it('an approved dispute cancels the unit’s clocks; the new unit’s start at the redispatch', async () => {
    const t = await receiveAndDispatch();
    h.clock.advance(2 * HOUR);
    await h.deliver('dispute.decided.v1', t.ticketId, {
      ticketId: t.ticketId,
      assignmentId: t.lead,
      unitId: 'street-110105001',
      disputeId: 'D-1',
      decision: 'approved',
      correctedUnitId: 'dept-water',
      note: '属供水公司职责',
      decidedBy: 'dispatcher-1',
      decidedAt: h.clock.now().toISOString(),
    });
    const newLead = `A-${randomUUID()}`;
    await h.deliver('ticket.redispatched.v1', t.ticketId, {
      ticketId: t.ticketId,
      reason: 'dispute-approved',
      replaced: [{ assignmentId: t.lead, unitId: 'street-110105001' }],
      assignments: [
        { assignmentId: newLead, unitId: 'dept-water', role: 'lead', emergency: false, onDutyStaffId: null },
      ],
      rule: 'manual',
      catalogVersion: '2026.1',
      cycle: 1,
      redispatchedAt: h.clock.now().toISOString(),
    });
    const clocks = await clocksOf(t.ticketId);
    for (const kind of ['sign-in', 'response', 'reply'])
      expect(one(clocks, kind, t.lead)).toMatchObject({ state: 'cancelled', stopReason: 'dispute-approved' });
    expect(one(clocks, 'reply', newLead)).toMatchObject({
      state: 'running',
      unitId: 'dept-water',
      startedAt: new Date(T0.getTime() + 2 * HOUR).toISOString(),
    });
    // the resident clock never resets
    expect(one(clocks, 'resident')).toMatchObject({ state: 'running', startedAt: T0.toISOString() });
  });

  it('opens the 回访 at the reply deadline even when the unit replied earlier; reopening starts a new cycle', async () => {
    const t = await receiveAndDispatch({ urgency: 'utilities' });
    h.clock.advance(5 * HOUR);
    await h.deliver('ticket.replied.v1', t.ticketId, {
      ticketId: t.ticketId,
      assignmentId: t.lead,
      unitId: 'street-110105001',
      result: 'resolved',
      content: '已协调供热公司恢复供暖',
      attachments: [],
      cycle: 1,
      staffId: 'staff-1',
      repliedAt: h.clock.now().toISOString(),
    });
    let clocks = await clocksOf(t.ticketId);
    expect(one(clocks, 'reply', t.lead)).toMatchObject({
      state: 'met',
      breached: false,
      elapsedWallMinutes: 300,
    });
    expect(one(clocks, 'resident')).toMatchObject({ state: 'met', elapsedWallMinutes: 300 });
    expect(clocks.filter((c) => c.kind === 'callback')).toEqual([]);

    await advance(19 * HOUR + MINUTE); // the 24 h reply deadline passes
    await waitFor(async () => (await clocksOf(t.ticketId)).some((c) => c.kind === 'callback'), {
      description: 'the callback clock',
      timeoutMs: 20_000,
    });
    clocks = await clocksOf(t.ticketId);
    const replyDue = one(clocks, 'reply', t.lead).dueAt;
    const callback = one(clocks, 'callback');
    expect(callback).toMatchObject({ state: 'running', startedAt: replyDue, cycle: 1 });
    // the 回访 task, due when the callback clock is
    const tasks = await h.prisma.callbackTask.findMany({ where: { ticketId: t.ticketId } });
    expect(tasks).toEqual([
      expect.objectContaining({
        cycle: 1,
        status: 'open',
        reopenOnUnresolved: true,
        callbackDueAt: new Date(callback.dueAt),
      }),
    ]);
    // a met clock is not 督办'd (the lead never signed in: that one is)
    expect(
      h.published
        .filter((e) => e.type === 'sla.breached.v1' && e.subject === t.ticketId)
        .map((e) => e.data['kind'])
        .sort(),
    ).toEqual(['sign-in', 'sign-in']);

    await h.deliver('ticket.rated.v1', t.ticketId, {
      ticketId: t.ticketId,
      cycle: 1,
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      ratedAt: h.clock.now().toISOString(),
    });
    await h.deliver('ticket.reopened.v1', t.ticketId, {
      ticketId: t.ticketId,
      cycle: 2,
      reason: '回访不满意且未解决',
      reopenedAt: h.clock.now().toISOString(),
    });
    const d2 = dispatched(t.ticketId, 2);
    await h.deliver('ticket.dispatched.v1', t.ticketId, d2);
    clocks = await clocksOf(t.ticketId);
    expect(one(clocks, 'callback')).toMatchObject({ state: 'met', stopReason: 'rated' });
    expect(one(clocks, 'resident')).toMatchObject({
      state: 'running',
      startedAt: T0.toISOString(),
      stoppedAt: null,
    });
    expect(one(clocks, 'reply', d2.lead)).toMatchObject({ cycle: 2, state: 'running' });
    expect(clocks.filter((c) => c.kind === 'dispatch')).toHaveLength(1);
  });

  it('sends a unit’s 督办 to the unit and its head unit: a street’s district government', async () => {
    await deliverReference(h);
    const r = received({ urgency: 'urgent' });
    await h.deliver('ticket.received.v1', r.ticketId, r);
    const d = dispatched(r.ticketId);
    const assignments = d.assignments.map((a) => (a.role === 'lead' ? { ...a, unitId: 'street-a' } : a));
    await h.deliver('ticket.dispatched.v1', r.ticketId, { ...d, assignments });
    await advance(31 * MINUTE); // urgent: sign in within 30 min
    const breach = await h.event(
      'sla.breached.v1',
      r.ticketId,
      (e) => e['kind'] === 'sign-in' && e['assignmentId'] === d.lead,
    );
    expect(breach.data['escalation']).toEqual({
      unitId: 'street-a',
      headUnitId: 'gov-110105',
      districtCode: '110105',
    });
    const overdue = await h.http('GET', '/deadlines/overdue?unitId=street-a', manager);
    expect((overdue.body['items'] as ClockView[]).map((c) => c.kind)).toEqual(['sign-in']);
    const scoped = await h.http('GET', '/deadlines/overdue?districtCode=110101', {
      sub: 'manager-2',
      role: 'manager',
      district: '110105',
    });
    expect(scoped.status).toBe(403);
  });

  it('re-arms every open clock’s timer from the database after a restart', async () => {
    const r = received({ urgency: 'urgent' });
    await h.deliver('ticket.received.v1', r.ticketId, r);
    // the timers are lost with Redis's data; the restart finds the clocks in PostgreSQL
    expect(await h.get(TimerService).pending()).toBeGreaterThan(0);
    const redis = new Redis(h.sut.config.REDIS_URL);
    const keys = await redis.keys(`${h.sut.config.REDIS_KEY_PREFIX}sla:bull:*`);
    await redis.del(...keys);
    redis.disconnect();
    expect(await h.get(TimerService).pending()).toBe(0);
    const lost = await verifyTimers();
    expect(lost).toMatchObject({ code: 1, ok: false, armedOnce: 0, armedMoreThanOnce: 0 });
    expect(lost['unarmed']).toBe(lost['armable']);
    expect(lost['unarmedClocks']).toContainEqual((await clocksOf(r.ticketId))[0]?.id);
    await h.restart();
    expect(await h.get(TimerService).pending()).toBeGreaterThan(0);
    const rearmed = await verifyTimers();
    expect(rearmed).toMatchObject({ code: 0, ok: true, unarmed: 0, armedMoreThanOnce: 0 });
    expect(rearmed['armedOnce']).toBe(lost['armable']);
    h.clock.setFixed(T0);
    await advance(HOUR + MINUTE);
    await h.event('sla.breached.v1', r.ticketId, (d) => d['kind'] === 'dispatch');
  });
});
