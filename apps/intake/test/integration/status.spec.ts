import { randomUUID } from 'node:crypto';
import {
  assignmentSignedV1,
  type EventType,
  extensionDecidedV1,
  residentContactedV1,
  ticketDispatchedV1,
  ticketRatedV1,
  ticketRedispatchedV1,
  ticketRepliedV1,
  ticketReopenedV1,
  unitsChangedV1,
} from '@jsjb/contracts';
import { waitFor } from '@jsjb/testing';
import { ReferenceReadModel } from '../../src/reference/reference.module';
import { type IntakeHarness, startIntakeHarness, TIMEOUT_MS } from '../support/intake-harness';

const TEST_TIMEOUT_MS = 60_000;

// Units as routing publishes them: a street (lead), a department (co-handler), the district (copy).
const LEAD = { id: 'street-110101001', name: '东华门街道办事处' };
const CO = { id: 'dept-110101-housing', name: '东城区住房和城乡建设委员会' };
const COPY = { id: 'gov-110101', name: '东城区人民政府' };
const NEW_LEAD = { id: 'street-110101002', name: '景山街道办事处' };
const STAFF = 'staff-zhang-san-13800000000';
const ON_DUTY = 'staff-wang-wu-on-duty';
const DISPATCHER = 'dispatcher-li-si';
const NOTE = '内部备注：居民曾多次来电，情绪激动';

const T0 = Date.parse('2026-11-21T10:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const date = (ms: number) => new Date(T0 + ms);

describe('intake status read model (resident timeline)', () => {
  let h: IntakeHarness;
  let ticketSerial = 0;

  beforeAll(async () => {
    h = await startIntakeHarness();
    const units = unitsChangedV1.schema.parse({
      version: 'status-spec-1',
      previousVersion: null,
      mode: 'snapshot',
      part: 1,
      parts: 1,
      publishedAt: iso(-DAY),
      upserted: [
        unit(LEAD, 'street', '110101001'),
        unit(NEW_LEAD, 'street', '110101002'),
        { ...unit(CO, 'department', null), sector: 'housing' },
        unit(COPY, 'district-government', null),
      ],
      removed: [],
    });
    await h.processed(await h.produce('units.changed.v1', 'units', units));
    const reference = h.sut.app.get(ReferenceReadModel);
    await waitFor(() => reference.unitName(LEAD.id) === LEAD.name, {
      description: 'the units in the reference read model',
      timeoutMs: TIMEOUT_MS,
    });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  function unit(
    u: { id: string; name: string },
    kind: 'street' | 'department' | 'district-government',
    streetCode: string | null,
  ) {
    return {
      id: u.id,
      kind,
      name: u.name,
      districtCode: '110101',
      streetCode,
      sector: null,
      serviceArea: [],
    };
  }

  /** A forwarded ticket written straight into intake's table, as the ticket core leaves it. */
  async function forwardedTicket(urgency: 'urgent' | 'general' = 'urgent'): Promise<string> {
    ticketSerial += 1;
    const id = randomUUID();
    await h.prisma.ticket.create({
      data: {
        id,
        number: `20261121${String(ticketSerial).padStart(6, '0')}`,
        channel: 'app',
        requestType: 'complaint',
        urgency,
        content: '楼下工地夜间施工，噪音扰民',
        callerName: '张三',
        callerPhone: '13800000000',
        residentSubject: 'resident-1',
        status: 'forwarded',
        createdAt: date(-HOUR),
        updatedAt: date(-HOUR),
      },
    });
    return id;
  }

  /** Produces events about a ticket in order (one partition per key) and waits until the last is handled. */
  async function deliver(ticketId: string, ...events: [EventType, unknown][]): Promise<string[]> {
    const ids: string[] = [];
    for (const [type, data] of events) ids.push(await h.produce(type, ticketId, data));
    const last = ids.at(-1);
    if (last) await h.processed(last);
    return ids;
  }

  const ticketOf = (id: string) =>
    h.prisma.ticket.findUniqueOrThrow({
      where: { id },
      select: { status: true, leadUnitId: true, replyDueAt: true, closedAt: true },
    });
  const timelineOf = (ticketId: string) =>
    h.prisma.timelineEntry.findMany({
      where: { ticketId },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      select: { kind: true, at: true, detail: true, eventId: true },
    });
  const shown = async (ticketId: string) =>
    (await timelineOf(ticketId)).map((e) => ({
      kind: e.kind,
      at: e.at.toISOString(),
      ...(e.detail as object),
    }));

  // Payloads as routing and sla publish them, checked by the contracts' schemas.
  const assignment = (u: { id: string }, role: 'lead' | 'co' | 'copy', n: number) => ({
    assignmentId: `A-${n}-${randomUUID()}`,
    unitId: u.id,
    role,
    emergency: true,
    onDutyStaffId: ON_DUTY,
  });
  const dispatched = (ticketId: string, cycle = 1, atMs = 0): [EventType, unknown] => [
    'ticket.dispatched.v1',
    ticketDispatchedV1.schema.parse({
      ticketId,
      assignments: [assignment(LEAD, 'lead', 1), assignment(CO, 'co', 2), assignment(COPY, 'copy', 3)],
      rule: 'territorial:street',
      catalogVersion: '2026.1',
      cycle,
      dispatchedAt: iso(atMs),
    }),
  ];
  const signed = (
    ticketId: string,
    u: { id: string },
    role: 'lead' | 'co',
    atMs: number,
  ): [EventType, unknown] => [
    'assignment.signed.v1',
    assignmentSignedV1.schema.parse({
      ticketId,
      assignmentId: 'A-1',
      unitId: u.id,
      role,
      staffId: STAFF,
      signedAt: iso(atMs),
    }),
  ];
  const contacted = (ticketId: string, atMs: number): [EventType, unknown] => [
    'resident.contacted.v1',
    residentContactedV1.schema.parse({
      ticketId,
      assignmentId: 'A-1',
      unitId: LEAD.id,
      method: 'phone',
      result: 'reached',
      note: NOTE,
      contactedAt: iso(atMs),
      firstReached: true,
      staffId: STAFF,
    }),
  ];
  const extended = (ticketId: string, dueMs: number): [EventType, unknown] => [
    'extension.decided.v1',
    extensionDecidedV1.schema.parse({
      ticketId,
      assignmentId: 'A-1',
      unitId: LEAD.id,
      extensionId: randomUUID(),
      decision: 'approved',
      newDueAt: iso(dueMs),
      note: NOTE,
      decidedBy: DISPATCHER,
      decidedAt: iso(90 * MINUTE),
    }),
  ];
  const replied = (ticketId: string, cycle: number, atMs: number): [EventType, unknown] => [
    'ticket.replied.v1',
    ticketRepliedV1.schema.parse({
      ticketId,
      assignmentId: 'A-1',
      unitId: LEAD.id,
      result: 'resolved',
      content: '已责令施工单位停止夜间施工，并安排执法队员夜间巡查。',
      attachments: ['https://files.example.cn/replies/noise-1.jpg'],
      cycle,
      staffId: STAFF,
      repliedAt: iso(atMs),
    }),
  ];
  const rated = (ticketId: string, cycle: number, atMs: number): [EventType, unknown] => [
    'ticket.rated.v1',
    ticketRatedV1.schema.parse({
      ticketId,
      cycle,
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      ratedAt: iso(atMs),
    }),
  ];
  const reopened = (ticketId: string, cycle: number, atMs: number): [EventType, unknown] => [
    'ticket.reopened.v1',
    ticketReopenedV1.schema.parse({ ticketId, cycle, reason: '回访不满意且未解决', reopenedAt: iso(atMs) }),
  ];

  it(
    'follows a ticket from dispatch to reply, rating and reopening, with unit names and no staff data',
    async () => {
      const id = await forwardedTicket('urgent');

      await deliver(
        id,
        dispatched(id),
        signed(id, CO, 'co', 20 * MINUTE),
        signed(id, LEAD, 'lead', 30 * MINUTE),
      );
      expect(await ticketOf(id)).toEqual({
        status: 'in-progress',
        leadUnitId: LEAD.id,
        replyDueAt: date(2 * HOUR), // urgent: reply within 2 h of dispatch
        closedAt: null,
      });

      await deliver(id, contacted(id, 40 * MINUTE), extended(id, 6 * HOUR), replied(id, 1, 5 * HOUR));
      expect(await ticketOf(id)).toEqual({
        status: 'replied',
        leadUnitId: LEAD.id,
        replyDueAt: date(6 * HOUR),
        closedAt: date(5 * HOUR),
      });

      await deliver(id, rated(id, 1, 6 * HOUR));
      expect((await ticketOf(id)).status).toBe('rated');

      await deliver(id, reopened(id, 2, 7 * HOUR), dispatched(id, 2, 7 * HOUR + MINUTE));
      expect(await ticketOf(id)).toEqual({
        status: 'in-progress',
        leadUnitId: LEAD.id,
        replyDueAt: date(9 * HOUR + MINUTE),
        closedAt: null,
      });

      const units = [
        { name: LEAD.name, role: 'lead' },
        { name: CO.name, role: 'co' },
      ];
      expect(await shown(id)).toEqual([
        { kind: 'dispatched', at: iso(0), units, cycle: 1 },
        { kind: 'signed', at: iso(30 * MINUTE), unitName: LEAD.name },
        { kind: 'contacted', at: iso(40 * MINUTE), unitName: LEAD.name, method: 'phone', result: 'reached' },
        { kind: 'extended', at: iso(90 * MINUTE), unitName: LEAD.name, dueAt: iso(6 * HOUR) },
        {
          kind: 'replied',
          at: iso(5 * HOUR),
          unitName: LEAD.name,
          result: 'resolved',
          content: '已责令施工单位停止夜间施工，并安排执法队员夜间巡查。',
          attachments: ['https://files.example.cn/replies/noise-1.jpg'],
          cycle: 1,
        },
        { kind: 'rated', at: iso(6 * HOUR), satisfaction: 'unsatisfied', resolved: false, cycle: 1 },
        { kind: 'reopened', at: iso(7 * HOUR), cycle: 2 },
        { kind: 'dispatched', at: iso(7 * HOUR + MINUTE), units, cycle: 2 },
      ]);

      const everything = JSON.stringify(await shown(id));
      for (const secret of [STAFF, ON_DUTY, DISPATCHER, NOTE, LEAD.id, CO.id, COPY.id, COPY.name, 'A-1']) {
        expect(everything).not.toContain(secret);
      }

      // What the resident's app shows: the handling unit by name, the unit's reply, nothing of its staff.
      const view = await h.http('GET', `/resident/tickets/${id}`, { sub: 'resident-1', role: 'resident' });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        status: 'in-progress',
        handledBy: LEAD.name,
        reply: '已责令施工单位停止夜间施工，并安排执法队员夜间巡查。',
      });
      expect((view.body['timeline'] as unknown[]).length).toBe(8);
      for (const secret of [STAFF, ON_DUTY, DISPATCHER, NOTE, LEAD.id, CO.id, COPY.id, COPY.name, 'A-1']) {
        expect(view.text).not.toContain(secret);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'names the new lead after a 改派 and gives it a deadline from then',
    async () => {
      const id = await forwardedTicket('general');
      await deliver(id, dispatched(id), [
        'ticket.redispatched.v1',
        ticketRedispatchedV1.schema.parse({
          ticketId: id,
          reason: 'dispute-approved',
          replaced: [{ assignmentId: 'A-1', unitId: LEAD.id }],
          assignments: [assignment(NEW_LEAD, 'lead', 4)],
          rule: 'dispute:D-1',
          catalogVersion: '2026.1',
          cycle: 1,
          redispatchedAt: iso(3 * HOUR),
        }),
      ]);
      expect(await ticketOf(id)).toEqual({
        status: 'dispatched',
        leadUnitId: NEW_LEAD.id,
        replyDueAt: date(3 * HOUR + 7 * DAY),
        closedAt: null,
      });
      expect((await shown(id)).at(-1)).toEqual({
        kind: 'redispatched',
        at: iso(3 * HOUR),
        units: [{ name: NEW_LEAD.name, role: 'lead' }],
        cycle: 1,
      });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'does not move the status back when events come out of order (signed, then dispatched)',
    async () => {
      const id = await forwardedTicket('urgent');
      await deliver(
        id,
        signed(id, LEAD, 'lead', 30 * MINUTE),
        dispatched(id),
        rated(id, 1, 6 * HOUR),
        replied(id, 1, 5 * HOUR),
      );
      expect(await ticketOf(id)).toEqual({
        status: 'rated',
        leadUnitId: LEAD.id,
        replyDueAt: date(2 * HOUR),
        closedAt: date(6 * HOUR),
      });
      expect((await timelineOf(id)).map((e) => e.kind)).toEqual(['dispatched', 'signed', 'replied', 'rated']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'treats a redelivered event as a no-op, through the inbox and, without it, through the timeline',
    async () => {
      const id = await forwardedTicket('urgent');
      const [dispatchId, replyId] = await deliver(id, dispatched(id), replied(id, 1, 5 * HOUR));
      if (!dispatchId || !replyId) throw new Error('two events were produced');
      const before = { ticket: await ticketOf(id), timeline: await timelineOf(id) };
      const updatedAt = async () =>
        (await h.prisma.ticket.findUniqueOrThrow({ where: { id }, select: { updatedAt: true } })).updatedAt;

      // The same event ids again (a redelivery after a crash), then a new event behind them on the
      // same partition: once it is handled, so are they.
      await h.produce('ticket.dispatched.v1', id, dispatched(id)[1], { eventId: dispatchId });
      await h.produce('ticket.replied.v1', id, replied(id, 1, 5 * HOUR)[1], { eventId: replyId });
      const [contactId] = await deliver(id, contacted(id, 6 * HOUR));
      expect(await timelineOf(id)).toEqual([
        ...before.timeline,
        expect.objectContaining({ eventId: contactId }),
      ]);
      expect(await ticketOf(id)).toEqual(before.ticket);
      const touched = await updatedAt();

      // The inbox forgot the dispatch (rows are pruned after a while): the timeline's unique event
      // id still keeps the entry single, and the event is handled, not dead-lettered.
      await h.prisma.processedEvent.deleteMany({ where: { eventId: dispatchId } });
      await h.produce('ticket.dispatched.v1', id, dispatched(id)[1], { eventId: dispatchId });
      await h.processed(dispatchId);
      expect(await timelineOf(id)).toHaveLength(before.timeline.length + 1);
      expect(await ticketOf(id)).toEqual(before.ticket);
      expect(await updatedAt()).toEqual(touched);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ignores events about tickets intake does not know',
    async () => {
      const unknown = randomUUID();
      const entriesBefore = await h.prisma.timelineEntry.count();
      const ids = [
        ...(await deliver(unknown, dispatched(unknown), replied(unknown, 1, HOUR))),
        ...(await deliver('T-routing-only', dispatched('T-routing-only'))),
      ];
      for (const eventId of ids) await h.processed(eventId);
      expect(await h.prisma.timelineEntry.count()).toBe(entriesBefore);
      expect(await h.prisma.ticket.count({ where: { id: unknown } })).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});
