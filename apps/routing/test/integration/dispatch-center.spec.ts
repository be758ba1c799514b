import { randomUUID } from 'node:crypto';
import {
  DEFAULT_TIME_LIMITS,
  dlqTopic,
  TOPICS,
  type TicketDispatchedV1,
  type TicketReceivedV1,
  type TicketRedispatchedV1,
  type TicketReopenedV1,
} from '@jsjb/contracts';
import { createKafka, fromKafkaHeaders } from '@jsjb/messaging';
import type { TokenClaims } from '@jsjb/platform';
import { metricSample, waitFor } from '@jsjb/testing';
import type { Consumer } from 'kafkajs';
import type { StreetUnit } from '../../src/dispatch/units.domain';
import { type RoutingHarness, startRoutingHarness, TIMEOUT_MS } from '../support/routing-harness';

const MINUTE = 60_000;
const dispatcher: TokenClaims = { sub: 'dispatcher-7', role: 'dispatcher' };
const admin: TokenClaims = { sub: 'admin-1', role: 'admin' };
const staffOf = (unitId: string): TokenClaims => ({
  sub: `staff-${unitId}`,
  role: 'unit_staff',
  unit: unitId,
});

/** Tuesday 2026-12-01 in Shanghai (UTC+8): 02:00 is night, 10:00 office hours (default 09:00-18:00, Mon-Fri). */
const TUESDAY_0200 = new Date('2026-12-01T02:00:00+08:00');
const TUESDAY_1000 = new Date('2026-12-01T10:00:00+08:00');

type Assignment = TicketDispatchedV1['assignments'][number];

describe('routing dispatch center: manual queue, 改派, 重办, 值班', () => {
  let h: RoutingHarness;
  let dlq: Consumer;
  /** Records dead-lettered from the ticket topic: CloudEvents id. */
  const deadLettered: { id: string; errorCode: string | undefined }[] = [];
  let grid = 300;

  beforeAll(async () => {
    h = await startRoutingHarness();
    const kafka = createKafka({ brokers: h.sut.config.KAFKA_BROKERS, clientId: 'dispatch-center-spec' });
    dlq = kafka.consumer({ groupId: `dlq-${randomUUID()}`, allowAutoTopicCreation: true });
    await dlq.connect();
    await dlq.subscribe({ topic: dlqTopic(TOPICS.ticket), fromBeginning: true });
    await dlq.run({
      eachMessage: ({ message }) => {
        const envelope = fromKafkaHeaders(message.headers ?? {});
        if (envelope) {
          deadLettered.push({ id: envelope.id, errorCode: message.headers?.['dlq_error_code']?.toString() });
        }
        return Promise.resolve();
      },
    });
  }, 60_000);

  afterAll(async () => {
    await dlq?.disconnect();
    await h?.close();
  }, 60_000);

  afterEach(() => h.clock.reset());

  function nextPoint() {
    grid += 41;
    return h.pointInGrid(grid);
  }

  /** A territorial matter with co-handlers, located by a point in a grid. */
  function territorial(overrides: Partial<TicketReceivedV1> = {}) {
    const matter = h.item((i) => i.rule.kind === 'territorial' && i.coHandlers.length > 0);
    const point = nextPoint();
    const event = h.received({
      categoryCode: matter.code,
      location: { ...h.received().location, lng: point.lng, lat: point.lat },
      ...overrides,
    });
    return { event, point, matter };
  }

  async function dispatched(event: TicketReceivedV1, cycle = 1): Promise<TicketDispatchedV1> {
    await h.produce('ticket.received.v1', event.ticketId, event);
    const found = await h.event('ticket.dispatched.v1', event.ticketId, (d) => d['cycle'] === cycle);
    return found.data as unknown as TicketDispatchedV1;
  }

  /** Produces the ticket and waits until it is in the manual queue. */
  async function queued(overrides: Partial<TicketReceivedV1> = {}): Promise<TicketReceivedV1> {
    const event = h.received({ categoryCode: 'no.such.category', ...overrides });
    await h.processed(await h.produce('ticket.received.v1', event.ticketId, event));
    expect(await h.prisma.manualDispatch.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject({
      resolvedAt: null,
    });
    return event;
  }

  const lead = <A extends Pick<Assignment, 'assignmentId' | 'unitId' | 'role'>>(d: {
    assignments: readonly A[];
  }): A => {
    const found = d.assignments.find((a) => a.role === 'lead');
    if (!found) throw new Error('no lead');
    return found;
  };

  function streetOutside(districtCode: string): StreetUnit {
    for (const unit of h.reference().directory.all()) {
      if (unit.kind === 'street' && unit.districtCode !== districtCode) return unit;
    }
    throw new Error('no street in another district');
  }

  async function stored(ticketId: string) {
    return {
      events: await h.prisma.outboxEvent.count({ where: { key: ticketId } }),
      assignments: await h.prisma.assignment.count({ where: { ticketId } }),
      ticket: await h.prisma.routingTicket.findUnique({ where: { ticketId } }),
    };
  }

  describe('manual queue (人工派单)', () => {
    it('lists a ticket of unknown category and dispatches it to the units the dispatcher chose', async () => {
      const point = nextPoint();
      const event = await queued({ location: { ...h.received().location, lng: point.lng, lat: point.lat } });

      const list = await h.http('GET', '/dispatch/manual?pageSize=100', dispatcher);
      expect(list.status).toBe(200);
      const items = list.body['items'] as Record<string, unknown>[];
      const item = items.find((i) => i['ticketId'] === event.ticketId);
      expect(item).toMatchObject({
        number: event.number,
        requestType: 'complaint',
        categoryCode: 'no.such.category',
        urgency: 'general',
        content: event.content,
        reason: 'unknown-category',
        detail: expect.any(String) as string,
        location: {
          received: event.location,
          corrected: null,
          resolved: { resolvedLevel: 'grid', streetCode: point.streetCode, confidence: 1 },
        },
      });
      const queuedAt = items.map((i) => Date.parse(String(i['queuedAt'])));
      expect(queuedAt).toEqual([...queuedAt].sort((a, b) => a - b)); // oldest first
      expect((await h.http('GET', '/dispatch/manual', staffOf(`street-${point.streetCode}`))).status).toBe(
        403,
      );
      expect((await h.http('GET', '/dispatch/manual', admin)).status).toBe(200);

      const manualDispatches = async (): Promise<number> =>
        metricSample(
          (await h.sut.app.inject({ method: 'GET', url: '/metrics' })).body,
          'jsjb_tickets_dispatched_total',
          {
            rule_kind: 'manual',
          },
        ) ?? 0;
      const manualBefore = await manualDispatches();

      const now = new Date('2026-12-02T03:00:00.000Z');
      h.clock.setFixed(now);
      const street = `street-${point.streetCode}`;
      const government = `gov-${point.districtCode}`;
      const response = await h.http('POST', `/dispatch/manual/${event.ticketId}/dispatch`, dispatcher, {
        leadUnitId: street,
        coUnitIds: ['city-housing'],
        note: '属地街道牵头，住建配合',
      });
      expect(response).toMatchObject({
        status: 200,
        body: { status: 'dispatched', rule: 'manual:dispatcher-7' },
      });

      const published = (await h.event('ticket.dispatched.v1', event.ticketId))
        .data as unknown as TicketDispatchedV1;
      expect(published).toMatchObject({
        rule: 'manual:dispatcher-7',
        cycle: 1,
        dispatchedAt: now.toISOString(),
      });
      expect(published.assignments.map((a) => [a.role, a.unitId, a.emergency])).toEqual([
        ['lead', street, false],
        ['co', 'city-housing', false],
        ['copy', government, false],
      ]);
      const rows = await h.prisma.assignment.findMany({ where: { ticketId: event.ticketId } });
      const reply = DEFAULT_TIME_LIMITS.general.reply * MINUTE;
      expect(rows.find((r) => r.role === 'lead')).toMatchObject({
        id: lead(published).assignmentId,
        status: 'dispatched',
        rule: 'manual:dispatcher-7',
        dueAt: new Date(now.getTime() + reply),
      });
      expect(rows.find((r) => r.role === 'co')?.dueAt).toEqual(
        new Date(now.getTime() + Math.round(reply * h.sut.config.CO_REPORT_SHARE)),
      );
      expect(rows.find((r) => r.role === 'copy')).toMatchObject({ status: 'copied', dueAt: null });
      expect(await h.prisma.manualDispatch.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject(
        {
          resolvedAt: now,
          resolvedBy: 'dispatcher-7',
        },
      );
      expect((await stored(event.ticketId)).ticket).toMatchObject({
        status: 'dispatched',
        dispatchedAt: now,
      });
      expect(
        await h.prisma.activity.findFirst({ where: { assignmentId: lead(published).assignmentId } }),
      ).toMatchObject({
        kind: 'dispatcher-note',
        staffId: 'dispatcher-7',
        data: { note: '属地街道牵头，住建配合' },
      });

      // Out of the queue: not listed, not dispatched twice.
      const after = await h.http('GET', '/dispatch/manual?pageSize=100', dispatcher);
      expect((after.body['items'] as { ticketId: string }[]).some((i) => i.ticketId === event.ticketId)).toBe(
        false,
      );
      const again = await h.http('POST', `/dispatch/manual/${event.ticketId}/dispatch`, dispatcher, {
        leadUnitId: street,
      });
      expect(again).toMatchObject({ status: 409, body: { code: 'DISPATCH.NOT_IN_QUEUE' } });
      // Counted once, as a dispatcher's decision, when its event was published.
      await waitFor(async () => (await manualDispatches()) === manualBefore + 1, {
        description: 'the manual dispatch counted',
        timeoutMs: TIMEOUT_MS,
      });
    });

    it('refuses unknown or repeated units, unknown and dispatched tickets, and bad bodies, storing nothing', async () => {
      const event = await queued();
      const before = await stored(event.ticketId);

      const unknown = await h.http('POST', `/dispatch/manual/${event.ticketId}/dispatch`, dispatcher, {
        leadUnitId: 'street-000000000',
        coUnitIds: ['city-housing', 'ghost-unit', 'city-housing'],
      });
      expect(unknown).toMatchObject({ status: 422, body: { code: 'UNIT.NOT_FOUND' } });
      expect(unknown.body['errors']).toEqual([
        expect.objectContaining({ field: 'leadUnitId', code: 'unknown_unit' }),
        expect.objectContaining({ field: 'coUnitIds.1', code: 'unknown_unit' }),
        expect.objectContaining({ field: 'coUnitIds.2', code: 'duplicate_unit' }),
      ]);
      const invalid = await h.http('POST', `/dispatch/manual/${event.ticketId}/dispatch`, dispatcher, {
        coUnitIds: ['city-housing'],
      });
      expect(invalid).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });
      const forbidden = await h.http(
        'POST',
        `/dispatch/manual/${event.ticketId}/dispatch`,
        staffOf('city-housing'),
        { leadUnitId: 'city-housing' },
      );
      expect(forbidden.status).toBe(403);
      expect(await stored(event.ticketId)).toEqual(before);
      expect(await h.prisma.manualDispatch.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject(
        {
          resolvedAt: null,
        },
      );

      const missing = await h.http('POST', '/dispatch/manual/T-unknown/dispatch', dispatcher, {
        leadUnitId: 'city-housing',
      });
      expect(missing).toMatchObject({ status: 404, body: { code: 'TICKET.NOT_FOUND' } });
      const automatic = territorial();
      await dispatched(automatic.event);
      const notQueued = await h.http(
        'POST',
        `/dispatch/manual/${automatic.event.ticketId}/correct`,
        dispatcher,
        {
          categoryCode: automatic.matter.code,
        },
      );
      expect(notQueued).toMatchObject({ status: 409, body: { code: 'DISPATCH.NOT_IN_QUEUE' } });
    });

    it('re-runs the rules on a corrected category and location: still manual with a new reason, then dispatched', async () => {
      const event = await queued(); // no category, no location
      const { matter } = territorial();
      const point = nextPoint();

      const unknownCategory = await h.http('POST', `/dispatch/manual/${event.ticketId}/correct`, dispatcher, {
        categoryCode: 'still.unknown',
      });
      expect(unknownCategory).toMatchObject({ status: 422, body: { code: 'CATEGORY.NOT_FOUND' } });

      // A territorial category without a location: the rules still cannot decide.
      const category = await h.http('POST', `/dispatch/manual/${event.ticketId}/correct`, dispatcher, {
        categoryCode: matter.code,
      });
      expect(category).toMatchObject({ status: 200, body: { status: 'manual', reason: 'low-confidence' } });
      expect(await h.prisma.manualDispatch.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject(
        {
          reason: 'low-confidence',
          resolvedAt: null,
        },
      );
      expect((await stored(event.ticketId)).ticket).toMatchObject({
        status: 'manual',
        categoryCode: matter.code,
      });
      expect(await h.prisma.outboxEvent.count({ where: { key: event.ticketId } })).toBe(0);

      // Now the location: dispatched like an automatic dispatch, the corrected category kept.
      const location = await h.http('POST', `/dispatch/manual/${event.ticketId}/correct`, dispatcher, {
        location: { lng: point.lng, lat: point.lat },
      });
      const rule = `territorial:street ${point.streetCode}`;
      expect(location).toMatchObject({ status: 200, body: { status: 'dispatched', rule } });
      const published = (await h.event('ticket.dispatched.v1', event.ticketId))
        .data as unknown as TicketDispatchedV1;
      expect(published.rule).toBe(rule);
      expect(lead(published).unitId).toBe(`street-${point.streetCode}`);
      expect(published.assignments.filter((a) => a.role === 'copy').map((a) => a.unitId)).toEqual([
        `gov-${point.districtCode}`,
      ]);
      const ticket = (await stored(event.ticketId)).ticket;
      expect(ticket).toMatchObject({ status: 'dispatched', categoryCode: matter.code });
      expect(ticket?.location).toMatchObject({
        received: event.location,
        corrected: { lng: point.lng, lat: point.lat, address: null },
        resolved: { streetCode: point.streetCode, resolvedLevel: 'grid' },
      });
      expect(await h.prisma.manualDispatch.findUnique({ where: { ticketId: event.ticketId } })).toMatchObject(
        {
          resolvedBy: 'dispatcher-7',
        },
      );
    });
  });

  describe('改派 by the center', () => {
    it('reassigns every open assignment of the cycle to the chosen units and publishes ticket.redispatched', async () => {
      const { event, point } = territorial();
      const first = await dispatched(event);
      const oldLead = lead(first);
      const oldCo = first.assignments.filter((a) => a.role === 'co');
      const [returning] = oldCo;
      if (!returning) throw new Error('the matter has no co-handler');
      expect(
        (await h.http('POST', `/assignments/${oldLead.assignmentId}/sign`, staffOf(oldLead.unitId))).status,
      ).toBe(200);
      // A co-handler's pending 退单 is settled by the correction (approved: it is off the ticket).
      const returned = await h.http(
        'POST',
        `/assignments/${returning.assignmentId}/return`,
        staffOf(returning.unitId),
        {
          reason: 'not-our-duty',
          note: '不属于本部门职责',
        },
      );
      expect(returned.status).toBe(200);

      const target = streetOutside(point.districtCode);
      const response = await h.http('POST', `/tickets/${event.ticketId}/redispatch`, dispatcher, {
        leadUnitId: target.id,
        note: '地址核实在相邻区',
      });
      expect(response).toMatchObject({ status: 200, body: { cycle: 1, rule: 'correction:dispatcher-7' } });

      const redispatched = (await h.event('ticket.redispatched.v1', event.ticketId))
        .data as unknown as TicketRedispatchedV1;
      expect(redispatched).toMatchObject({
        reason: 'dispatcher-correction',
        cycle: 1,
        rule: 'correction:dispatcher-7',
      });
      expect(redispatched.replaced.map((r) => r.assignmentId).sort()).toEqual(
        [oldLead, ...oldCo].map((a) => a.assignmentId).sort(),
      );
      expect(redispatched.assignments.map((a) => [a.role, a.unitId])).toEqual([
        ['lead', target.id],
        ['copy', `gov-${target.districtCode}`],
      ]);
      const rows = await h.prisma.assignment.findMany({ where: { ticketId: event.ticketId } });
      const status = (id: string) => rows.find((r) => r.id === id)?.status;
      for (const old of [oldLead, ...oldCo]) expect(status(old.assignmentId)).toBe('reassigned');
      for (const copy of first.assignments.filter((a) => a.role === 'copy')) {
        expect(status(copy.assignmentId)).toBe('copied');
      }
      const newLead = rows.find((r) => r.id === lead(redispatched).assignmentId);
      expect(newLead).toMatchObject({
        unitId: target.id,
        status: 'dispatched',
        replacesId: oldLead.assignmentId,
        cycle: 1,
      });
      expect(
        await h.prisma.dispute.findFirst({ where: { assignmentId: returning.assignmentId } }),
      ).toMatchObject({
        decision: 'approved',
        correctedUnitId: target.id,
        decidedBy: 'dispatcher-7',
      });
      await h.event(
        'dispute.decided.v1',
        event.ticketId,
        (d) => d['assignmentId'] === returning.assignmentId,
      );
      expect((await stored(event.ticketId)).ticket).toMatchObject({ status: 'dispatched', cycle: 1 });

      // The old lead can no longer act; the new one can.
      const stale = await h.http(
        'POST',
        `/assignments/${oldLead.assignmentId}/progress`,
        staffOf(oldLead.unitId),
        {
          note: '继续处理',
        },
      );
      expect(stale).toMatchObject({ status: 409, body: { code: 'ASSIGNMENT.CLOSED' } });
      const same = await h.http('POST', `/tickets/${event.ticketId}/redispatch`, dispatcher, {
        leadUnitId: target.id,
        note: '再次改派',
      });
      expect(same).toMatchObject({ status: 422, body: { code: 'REDISPATCH.SAME_LEAD' } });
    });

    it('refuses unknown, queued and replied tickets, unknown units and other roles, storing nothing', async () => {
      const body = { leadUnitId: 'city-housing', note: '改派' };
      expect(await h.http('POST', '/tickets/T-unknown/redispatch', dispatcher, body)).toMatchObject({
        status: 404,
        body: { code: 'TICKET.NOT_FOUND' },
      });
      const manual = await queued();
      expect(await h.http('POST', `/tickets/${manual.ticketId}/redispatch`, dispatcher, body)).toMatchObject({
        status: 409,
        body: { code: 'TICKET.NOT_DISPATCHED' },
      });

      const { event } = territorial();
      const first = await dispatched(event);
      const unit = staffOf(lead(first).unitId);
      expect(await h.http('POST', `/tickets/${event.ticketId}/redispatch`, unit, body)).toMatchObject({
        status: 403,
      });
      const unknownUnit = await h.http('POST', `/tickets/${event.ticketId}/redispatch`, dispatcher, {
        leadUnitId: 'ghost-unit',
        note: '改派',
      });
      expect(unknownUnit).toMatchObject({ status: 422, body: { code: 'UNIT.NOT_FOUND' } });
      const noNote = await h.http('POST', `/tickets/${event.ticketId}/redispatch`, dispatcher, {
        leadUnitId: 'city-housing',
      });
      expect(noNote).toMatchObject({ status: 400, body: { code: 'REQUEST.INVALID' } });

      expect((await h.http('POST', `/assignments/${lead(first).assignmentId}/sign`, unit)).status).toBe(200);
      const replied = await h.http('POST', `/assignments/${lead(first).assignmentId}/reply`, unit, {
        result: 'resolved',
        content: '已处理完毕',
      });
      expect(replied.status).toBe(200);
      const before = await stored(event.ticketId);
      expect(await h.http('POST', `/tickets/${event.ticketId}/redispatch`, dispatcher, body)).toMatchObject({
        status: 409,
        body: { code: 'TICKET.ALREADY_REPLIED' },
      });
      expect(await stored(event.ticketId)).toEqual(before);
    });
  });

  describe('重办 on ticket.reopened', () => {
    it('opens cycle 2 for the same lead unit; a redelivered or stale reopen is a no-op', async () => {
      const { event, point } = territorial();
      const first = await dispatched(event);
      const unit = staffOf(lead(first).unitId);
      expect((await h.http('POST', `/assignments/${lead(first).assignmentId}/sign`, unit)).status).toBe(200);
      expect(
        (
          await h.http('POST', `/assignments/${lead(first).assignmentId}/reply`, unit, {
            result: 'resolved',
            content: '已协调处理',
          })
        ).status,
      ).toBe(200);

      const now = new Date('2026-12-03T08:00:00.000Z');
      h.clock.setFixed(now);
      const reopened: TicketReopenedV1 = {
        ticketId: event.ticketId,
        cycle: 2,
        reason: '回访不满意，问题未解决',
        reopenedAt: now.toISOString(),
      };
      const eventId = await h.produce('ticket.reopened.v1', event.ticketId, reopened);
      const second = (await h.event('ticket.dispatched.v1', event.ticketId, (d) => d['cycle'] === 2))
        .data as unknown as TicketDispatchedV1;
      expect(second).toMatchObject({
        cycle: 2,
        rule: `reopened:territorial:street ${point.streetCode}`,
        catalogVersion: first.catalogVersion,
        dispatchedAt: now.toISOString(),
      });
      expect(second.assignments.map((a) => [a.role, a.unitId])).toEqual([['lead', lead(first).unitId]]);
      const newLead = await h.prisma.assignment.findUnique({ where: { id: lead(second).assignmentId } });
      expect(newLead).toMatchObject({
        cycle: 2,
        status: 'dispatched',
        unitId: lead(first).unitId,
        dueAt: new Date(now.getTime() + DEFAULT_TIME_LIMITS.general.reply * MINUTE),
      });
      expect((await stored(event.ticketId)).ticket).toMatchObject({ cycle: 2, status: 'dispatched' });
      expect(
        await h.prisma.activity.findFirst({ where: { assignmentId: lead(second).assignmentId } }),
      ).toMatchObject({
        kind: 'reopened',
        data: { reason: reopened.reason },
      });
      // The unit sees cycle 2 in its inbox and can work it.
      expect((await h.http('POST', `/assignments/${lead(second).assignmentId}/sign`, unit)).status).toBe(200);

      const before = await stored(event.ticketId);
      await h.produce('ticket.reopened.v1', event.ticketId, reopened, eventId); // redelivery
      const stale = await h.produce('ticket.reopened.v1', event.ticketId, reopened); // same cycle, new id
      await h.processed(stale);
      expect(await stored(event.ticketId)).toEqual(before);
    });

    it('sends the reopening of an unknown ticket to the dead-letter topic', async () => {
      const ticketId = `T-${randomUUID()}`;
      const eventId = await h.produce('ticket.reopened.v1', ticketId, {
        ticketId,
        cycle: 2,
        reason: '回访不满意',
        reopenedAt: new Date().toISOString(),
      } satisfies TicketReopenedV1);
      const dead = await waitFor(() => deadLettered.find((d) => d.id === eventId), {
        description: `reopen ${eventId} on ${dlqTopic(TOPICS.ticket)}`,
        timeoutMs: TIMEOUT_MS,
      });
      // Dead-lettered at once (no retries: the error is not transient), the partition moving on.
      expect(dead).toEqual({ id: eventId, errorCode: 'TICKET.NOT_FOUND' });
      expect(await h.prisma.processedEvent.count({ where: { eventId } })).toBe(0);
      expect(await h.prisma.routingTicket.count({ where: { ticketId } })).toBe(0);
    });
  });

  describe('值班: night-time urgent orders to the on-duty person', () => {
    async function onDuty(unitId: string): Promise<string> {
      const staffId = `duty-${randomUUID()}`;
      await h.prisma.staff.create({ data: { id: staffId, unitId, name: '值班员', phone: '010-12345678' } });
      await h.prisma.dutyShift.create({
        data: {
          id: randomUUID(),
          unitId,
          staffId,
          startsAt: new Date('2026-11-30T18:00:00+08:00'),
          endsAt: new Date('2026-12-01T09:00:00+08:00'),
        },
      });
      return staffId;
    }

    it('answers who is on duty for a unit at a time, and 404 when nobody is', async () => {
      const unit = [...h.reference().directory.all()].find((u) => u.kind === 'utility');
      if (!unit) throw new Error('no utility company');
      const staffId = `duty-${randomUUID()}`;
      await h.prisma.staff.create({ data: { id: staffId, unitId: unit.id, name: '值班员' } });
      // A night no other test's shift covers.
      await h.prisma.dutyShift.create({
        data: {
          id: randomUUID(),
          unitId: unit.id,
          staffId,
          startsAt: new Date('2026-12-02T18:00:00+08:00'),
          endsAt: new Date('2026-12-03T09:00:00+08:00'),
        },
      });
      const at = (time: string) => `/units/${unit.id}/on-duty?at=${encodeURIComponent(time)}`;
      expect(await h.http('GET', at('2026-12-03T02:00:00+08:00'), admin)).toMatchObject({
        status: 200,
        body: { id: staffId, unitId: unit.id },
      });
      expect(await h.http('GET', at('2026-12-03T12:00:00+08:00'), admin)).toMatchObject({
        status: 404,
        body: { code: 'DUTY.NOBODY_ON_DUTY' },
      });
    });

    it('flags an urgent order dispatched at 02:00 and puts it in front of the unit’s on-duty person', async () => {
      const { event, point } = territorial({ urgency: 'urgent', content: '小区燃气管道泄漏，气味很重' });
      const street = `street-${point.streetCode}`;
      const staffId = await onDuty(street);
      h.clock.setFixed(TUESDAY_0200);

      const published = await dispatched(event);
      expect(lead(published)).toMatchObject({ unitId: street, emergency: true, onDutyStaffId: staffId });
      for (const co of published.assignments.filter((a) => a.role === 'co')) {
        expect(co).toMatchObject({ emergency: true, onDutyStaffId: null }); // flagged, nobody on duty there
      }
      for (const copy of published.assignments.filter((a) => a.role === 'copy')) {
        expect(copy).toMatchObject({ emergency: false, onDutyStaffId: null });
      }
      const row = await h.prisma.assignment.findUnique({ where: { id: lead(published).assignmentId } });
      expect(row).toMatchObject({
        emergency: true,
        onDutyStaffId: staffId,
        dueAt: new Date(TUESDAY_0200.getTime() + DEFAULT_TIME_LIMITS.urgent.reply * MINUTE),
      });
      // The unit's inbox shows it as an 紧急工单 until signed.
      const inbox = await h.http('GET', '/assignments?emergency=true', staffOf(street));
      expect((inbox.body['items'] as { id: string }[]).map((i) => i.id)).toContain(
        lead(published).assignmentId,
      );

      // The same order at 10:00 on the same weekday is an ordinary one.
      h.clock.setFixed(TUESDAY_1000);
      const daytime = await dispatched({ ...event, ticketId: `T-${randomUUID()}` });
      expect(daytime.assignments.every((a) => !a.emergency && a.onDutyStaffId === null)).toBe(true);
      expect(
        await h.prisma.assignment.count({ where: { ticketId: daytime.ticketId, emergency: true } }),
      ).toBe(0);
    });

    it('flags night-time manual dispatches, 改派 and 重办 too, and leaves general orders alone', async () => {
      h.clock.setFixed(TUESDAY_0200);
      const utilities = await queued({ urgency: 'utilities', content: '整栋楼停水' });
      const utility = [...h.reference().directory.all()].find((u) => u.kind === 'utility');
      if (!utility) throw new Error('no utility company');
      const unitId = utility.id;
      const staffId = await onDuty(unitId);
      const manual = await h.http('POST', `/dispatch/manual/${utilities.ticketId}/dispatch`, dispatcher, {
        leadUnitId: unitId,
      });
      expect(manual.status).toBe(200);
      const manualLead = lead(
        (await h.event('ticket.dispatched.v1', utilities.ticketId)).data as unknown as TicketDispatchedV1,
      );
      expect(manualLead).toMatchObject({ unitId, emergency: true, onDutyStaffId: staffId });

      const { event, point } = territorial({ urgency: 'urgent' });
      const first = await dispatched(event);
      const target = streetOutside(point.districtCode);
      const targetStaff = await onDuty(target.id);
      expect(
        (
          await h.http('POST', `/tickets/${event.ticketId}/redispatch`, dispatcher, {
            leadUnitId: target.id,
            note: '改派',
          })
        ).status,
      ).toBe(200);
      const redispatchedLead = await h.prisma.assignment.findFirst({
        where: { ticketId: event.ticketId, unitId: target.id, role: 'lead' },
      });
      expect(redispatchedLead).toMatchObject({ emergency: true, onDutyStaffId: targetStaff });

      await h.produce('ticket.reopened.v1', event.ticketId, {
        ticketId: event.ticketId,
        cycle: 2,
        reason: '不满意',
        reopenedAt: TUESDAY_0200.toISOString(),
      } satisfies TicketReopenedV1);
      const reopened = (await h.event('ticket.dispatched.v1', event.ticketId, (d) => d['cycle'] === 2))
        .data as unknown as TicketDispatchedV1;
      expect(lead(reopened)).toMatchObject({
        unitId: target.id,
        emergency: true,
        onDutyStaffId: targetStaff,
      });
      expect(lead(first).emergency).toBe(true);

      const general = await dispatched(territorial({ urgency: 'general' }).event);
      expect(general.assignments.every((a) => !a.emergency)).toBe(true);
    });
  });
});
