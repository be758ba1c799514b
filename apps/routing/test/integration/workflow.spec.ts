import type { TokenClaims } from '@jsjb/platform';
import { type DispatchedTicket, startRoutingHarness, type RoutingHarness } from '../support/routing-harness';

const HOUR = 3_600_000;
const dispatcher: TokenClaims = { sub: 'dispatcher-1', role: 'dispatcher' };
const admin: TokenClaims = { sub: 'admin-1', role: 'admin' };
const staffOf = (unitId: string, sub = `staff-${unitId}`): TokenClaims => ({
  sub,
  role: 'unit_staff',
  unit: unitId,
});

describe('routing unit workflow (签收 · 退单/改派 · 响应 · 延期 · 协办 · 下派 · 办结)', () => {
  let h: RoutingHarness;
  let grid = 100;

  beforeAll(async () => {
    h = await startRoutingHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  afterEach(() => h.clock.reset());

  /** A territorial matter with co-handlers in a grid of the sample city, dispatched through Kafka. */
  function dispatchTicket(): Promise<DispatchedTicket> {
    grid += 37;
    return h.dispatchTerritorial(grid, { withCoHandlers: true });
  }

  async function eventCount(ticketId: string): Promise<number> {
    return h.prisma.outboxEvent.count({ where: { key: ticketId } });
  }

  it('signs in, contacts the resident, notes progress and replies, each step publishing its event', async () => {
    const t = await dispatchTicket();
    const unit = staffOf(t.lead.unitId);

    const inbox = await h.http('GET', '/assignments', unit);
    expect(inbox.status).toBe(200);
    const item = (inbox.body['items'] as Record<string, unknown>[]).find((i) => i['id'] === t.lead.id);
    expect(item).toMatchObject({
      ticketId: t.ticketId,
      role: 'lead',
      status: 'dispatched',
      content: '楼下夜间施工噪音扰民',
    });
    expect(item?.['dueAt']).toEqual(expect.any(String));
    expect(item?.['respondBy']).toEqual(expect.any(String));

    // 办结 before 签收 is refused, and nothing is written.
    const before = await eventCount(t.ticketId);
    const early = await h.http('POST', `/assignments/${t.lead.id}/reply`, unit, {
      result: 'resolved',
      content: '已处理',
    });
    expect(early).toMatchObject({ status: 409, body: { code: 'ASSIGNMENT.NOT_SIGNED' } });
    expect(await eventCount(t.ticketId)).toBe(before);

    expect((await h.http('POST', `/assignments/${t.lead.id}/sign`, unit)).status).toBe(200);
    expect(await h.http('POST', `/assignments/${t.lead.id}/sign`, unit)).toMatchObject({
      status: 409,
      body: { code: 'ASSIGNMENT.ALREADY_SIGNED' },
    });
    const missed = await h.http('POST', `/assignments/${t.lead.id}/contacts`, unit, {
      method: 'phone',
      result: 'no-answer',
    });
    expect(missed).toMatchObject({ status: 201, body: { firstContactAt: null } });
    const reached = await h.http('POST', `/assignments/${t.lead.id}/contacts`, unit, {
      method: 'phone',
      result: 'reached',
      note: '已与诉求人电话核实',
    });
    expect(reached.status).toBe(201);
    expect(reached.body['firstContactAt']).toEqual(expect.any(String));
    expect(
      (await h.http('POST', `/assignments/${t.lead.id}/progress`, unit, { note: '已约施工方整改' })).status,
    ).toBe(201);
    const reply = await h.http('POST', `/assignments/${t.lead.id}/reply`, unit, {
      result: 'resolved',
      content: '施工方已停止夜间施工',
      attachments: ['https://files.example.cn/a.jpg'],
    });
    expect(reply).toMatchObject({ status: 200, body: { status: 'replied' } });

    await h.event('assignment.signed.v1', t.ticketId, (d) => d['assignmentId'] === t.lead.id);
    const contacts = await h.prisma.activity.findMany({
      where: { assignmentId: t.lead.id, kind: 'contact' },
    });
    expect(contacts).toHaveLength(2);
    await h.event(
      'resident.contacted.v1',
      t.ticketId,
      (d) => d['result'] === 'no-answer' && d['firstReached'] === false,
    );
    await h.event(
      'resident.contacted.v1',
      t.ticketId,
      (d) => d['result'] === 'reached' && d['firstReached'] === true,
    );
    await h.event('ticket.progressed.v1', t.ticketId, (d) => d['kind'] === 'note');
    const replied = await h.event('ticket.replied.v1', t.ticketId);
    expect(replied.data).toMatchObject({
      result: 'resolved',
      cycle: 1,
      attachments: ['https://files.example.cn/a.jpg'],
    });
    expect(await h.prisma.routingTicket.findUnique({ where: { ticketId: t.ticketId } })).toMatchObject({
      status: 'replied',
    });
    expect(await h.http('POST', `/assignments/${t.lead.id}/progress`, unit, { note: 'late' })).toMatchObject({
      status: 409,
      body: { code: 'ASSIGNMENT.CLOSED' },
    });
  });

  it('keeps each unit to its own assignments and each route to its roles', async () => {
    const t = await dispatchTicket();
    const stranger = staffOf('street-000000000');
    expect(await h.http('POST', `/assignments/${t.lead.id}/sign`, stranger)).toMatchObject({
      status: 404,
      body: { code: 'ASSIGNMENT.NOT_FOUND' },
    });
    expect(await h.http('GET', `/assignments/${t.lead.id}`, stranger)).toMatchObject({ status: 404 });
    expect(await h.http('GET', '/assignments', null)).toMatchObject({
      status: 401,
      body: { code: 'AUTH.MISSING_TOKEN' },
    });
    expect(await h.http('GET', '/assignments', { sub: 'r-1', role: 'resident' })).toMatchObject({
      status: 403,
      body: { code: 'AUTH.ROLE_NOT_ALLOWED' },
    });
    expect(await h.http('POST', `/assignments/${t.lead.id}/sign`, dispatcher)).toMatchObject({ status: 403 });
    expect(await h.http('GET', '/assignments', dispatcher)).toMatchObject({
      status: 422,
      body: { code: 'INBOX.UNIT_REQUIRED' },
    });
    const forLead = await h.http('GET', `/assignments?unitId=${t.lead.unitId}`, dispatcher);
    expect((forLead.body['items'] as { id: string }[]).some((i) => i.id === t.lead.id)).toBe(true);
    expect(await h.http('GET', '/assignments/not-a-uuid', staffOf(t.lead.unitId))).toMatchObject({
      status: 404,
    });
    expect(await h.http('GET', '/assignments?pageSize=1000', staffOf(t.lead.unitId))).toMatchObject({
      status: 400,
      body: { code: 'REQUEST.INVALID', errors: [{ field: 'pageSize' }] },
    });
    const [copy] = t.copies;
    if (copy) {
      expect(await h.http('POST', `/assignments/${copy.id}/sign`, staffOf(copy.unitId))).toMatchObject({
        status: 403,
        body: { code: 'ASSIGNMENT.COPY_ONLY' },
      });
    }
  });

  it('co-handling: co-handlers sign and report to the lead, who sees their reports; roles are kept apart', async () => {
    const t = await dispatchTicket();
    const [co] = t.co;
    if (!co) throw new Error('no co-handler');
    const coStaff = staffOf(co.unitId);
    const leadStaff = staffOf(t.lead.unitId);
    await h.http('POST', `/assignments/${co.id}/sign`, coStaff);
    await h.http('POST', `/assignments/${t.lead.id}/sign`, leadStaff);

    expect(
      await h.http('POST', `/assignments/${co.id}/reply`, coStaff, { result: 'resolved', content: 'x' }),
    ).toMatchObject({
      status: 403,
      body: { code: 'ASSIGNMENT.LEAD_ONLY' },
    });
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/report`, leadStaff, { content: 'x' }),
    ).toMatchObject({
      status: 403,
      body: { code: 'ASSIGNMENT.CO_HANDLER_ONLY' },
    });
    const report = await h.http('POST', `/assignments/${co.id}/report`, coStaff, {
      content: '已对违建现场进行测绘取证',
    });
    expect(report).toMatchObject({ status: 200, body: { status: 'reported' } });
    await h.event(
      'ticket.progressed.v1',
      t.ticketId,
      (d) => d['kind'] === 'co-report' && d['unitId'] === co.unitId,
    );

    const detail = await h.http('GET', `/assignments/${t.lead.id}`, leadStaff);
    expect(detail.status).toBe(200);
    expect(detail.body['coReports']).toEqual([
      expect.objectContaining({ kind: 'co-report', data: { content: '已对违建现场进行测绘取证' } }),
    ]);
    expect(detail.body['units']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ unitId: co.unitId, role: 'co', status: 'reported' }),
      ]),
    );
  });

  it('退单 → review approved → 改派: the returned assignment ends and the corrected unit gets a new one', async () => {
    const t = await dispatchTicket();
    const unit = staffOf(t.lead.unitId);
    const returned = await h.http('POST', `/assignments/${t.lead.id}/return`, unit, {
      reason: 'not-our-duty',
      note: '该事项属区城管执法局职责',
    });
    expect(returned).toMatchObject({ status: 200, body: { status: 'disputed' } });
    const disputeId = returned.body['disputeId'] as string;
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/contacts`, unit, {
        method: 'phone',
        result: 'reached',
      }),
    ).toMatchObject({
      status: 409,
      body: { code: 'ASSIGNMENT.DISPUTE_PENDING' },
    });
    await h.event('assignment.returned.v1', t.ticketId, (d) => d['disputeId'] === disputeId);

    const queue = await h.http('GET', '/disputes', dispatcher);
    expect((queue.body['rows'] as { id: string }[]).map((d) => d.id)).toContain(disputeId);

    const corrected = h.reference().directory.department('urban-enforcement')?.id ?? 'city-urban-enforcement';
    // Refusals leave the dispute pending: no target, a unit that does not exist, the unit itself.
    expect(
      await h.http('POST', `/disputes/${disputeId}/decision`, dispatcher, { decision: 'approved' }),
    ).toMatchObject({
      status: 400,
      body: { errors: [{ field: 'correctedUnitId' }] },
    });
    expect(
      await h.http('POST', `/disputes/${disputeId}/decision`, dispatcher, {
        decision: 'approved',
        correctedUnitId: 'nobody',
      }),
    ).toMatchObject({ status: 422, body: { code: 'UNIT.NOT_FOUND' } });
    expect(
      await h.http('POST', `/disputes/${disputeId}/decision`, dispatcher, {
        decision: 'approved',
        correctedUnitId: t.lead.unitId,
      }),
    ).toMatchObject({ status: 422, body: { code: 'DISPUTE.SAME_UNIT' } });
    expect(await h.prisma.dispute.findUnique({ where: { id: disputeId } })).toMatchObject({ decision: null });
    expect(
      await h.http('POST', `/disputes/${disputeId}/decision`, staffOf(t.lead.unitId), {
        decision: 'rejected',
      }),
    ).toMatchObject({
      status: 403,
    });

    const decided = await h.http('POST', `/disputes/${disputeId}/decision`, dispatcher, {
      decision: 'approved',
      correctedUnitId: corrected,
      note: '同意退回，改派城管执法',
    });
    expect(decided).toMatchObject({
      status: 200,
      body: { decision: 'approved', assignmentStatus: 'reassigned' },
    });
    const [replacement] = decided.body['newAssignments'] as {
      assignmentId: string;
      unitId: string;
      role: string;
    }[];
    expect(replacement).toMatchObject({ unitId: corrected, role: 'lead' });
    expect(
      await h.http('POST', `/disputes/${disputeId}/decision`, dispatcher, { decision: 'rejected' }),
    ).toMatchObject({
      status: 409,
      body: { code: 'DISPUTE.ALREADY_DECIDED' },
    });

    const old = await h.prisma.assignment.findUnique({ where: { id: t.lead.id } });
    expect(old).toMatchObject({ status: 'reassigned' });
    const fresh = await h.prisma.assignment.findUnique({ where: { id: replacement?.assignmentId ?? '' } });
    expect(fresh).toMatchObject({
      unitId: corrected,
      role: 'lead',
      status: 'dispatched',
      replacesId: t.lead.id,
      cycle: 1,
    });
    expect(fresh?.dueAt?.getTime()).toBeGreaterThan(old?.createdAt.getTime() ?? 0);

    await h.event(
      'dispute.decided.v1',
      t.ticketId,
      (d) => d['decision'] === 'approved' && d['correctedUnitId'] === corrected,
    );
    const redispatched = await h.event('ticket.redispatched.v1', t.ticketId);
    expect(redispatched.data).toMatchObject({
      reason: 'dispute-approved',
      replaced: [{ assignmentId: t.lead.id, unitId: t.lead.unitId }],
      assignments: [{ assignmentId: replacement?.assignmentId, unitId: corrected, role: 'lead' }],
    });
    const newInbox = await h.http('GET', '/assignments', staffOf(corrected));
    expect((newInbox.body['items'] as { id: string }[]).map((i) => i.id)).toContain(
      replacement?.assignmentId,
    );
    expect(await h.http('POST', `/assignments/${t.lead.id}/sign`, unit)).toMatchObject({
      status: 409,
      body: { code: 'ASSIGNMENT.CLOSED' },
    });
  });

  it('退单 rejected: the order goes back to the unit as it was, and cannot be returned again', async () => {
    const t = await dispatchTicket();
    const unit = staffOf(t.lead.unitId);
    await h.http('POST', `/assignments/${t.lead.id}/sign`, unit);
    const returned = await h.http('POST', `/assignments/${t.lead.id}/return`, unit, {
      reason: 'not-our-area',
      note: '不在辖区',
    });
    const disputeId = returned.body['disputeId'] as string;
    const decided = await h.http('POST', `/disputes/${disputeId}/decision`, dispatcher, {
      decision: 'rejected',
      note: '经核实属本街道辖区',
    });
    expect(decided).toMatchObject({ status: 200, body: { assignmentStatus: 'signed', newAssignments: [] } });
    await h.event('dispute.decided.v1', t.ticketId, (d) => d['decision'] === 'rejected');
    expect(h.published.some((e) => e.type === 'ticket.redispatched.v1' && e.subject === t.ticketId)).toBe(
      false,
    );
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/return`, unit, { reason: 'other', note: '再次退回' }),
    ).toMatchObject({
      status: 409,
      body: { code: 'ASSIGNMENT.RETURN_ALREADY_REVIEWED' },
    });
  });

  it('refuses a return after the dispute window (default 24 h after dispatch)', async () => {
    const t = await dispatchTicket();
    h.clock.advance(24 * HOUR + 60_000);
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/return`, staffOf(t.lead.unitId), {
        reason: 'not-our-duty',
        note: '迟到的退单',
      }),
    ).toMatchObject({ status: 409, body: { code: 'ASSIGNMENT.DISPUTE_WINDOW_CLOSED' } });
    expect(await h.prisma.dispute.count({ where: { assignmentId: t.lead.id } })).toBe(0);
  });

  it('延期: the lead asks, the center approves, the deadline moves; a refusal leaves it', async () => {
    const t = await dispatchTicket();
    const unit = staffOf(t.lead.unitId);
    await h.http('POST', `/assignments/${t.lead.id}/sign`, unit);
    const before = await h.prisma.assignment.findUniqueOrThrow({ where: { id: t.lead.id } });
    const dueAt = before.dueAt ?? new Date();
    const later = new Date(dueAt.getTime() + 5 * 24 * HOUR).toISOString();

    expect(
      await h.http('POST', `/assignments/${t.lead.id}/extension-requests`, unit, {
        reason: '需协调产权单位',
        requestedDueAt: later,
      }),
    ).toMatchObject({ status: 400, body: { errors: [{ field: 'explainedToResident' }] } });
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/extension-requests`, unit, {
        reason: '需协调产权单位',
        requestedDueAt: new Date(dueAt.getTime() - HOUR).toISOString(),
        explainedToResident: true,
      }),
    ).toMatchObject({ status: 422, body: { code: 'EXTENSION.NOT_LATER' } });
    const [co] = t.co;
    if (co) {
      await h.http('POST', `/assignments/${co.id}/sign`, staffOf(co.unitId));
      expect(
        await h.http('POST', `/assignments/${co.id}/extension-requests`, staffOf(co.unitId), {
          reason: 'x',
          requestedDueAt: later,
          explainedToResident: true,
        }),
      ).toMatchObject({ status: 403, body: { code: 'ASSIGNMENT.LEAD_ONLY' } });
    }

    const asked = await h.http('POST', `/assignments/${t.lead.id}/extension-requests`, unit, {
      reason: '需协调产权单位，已向诉求人说明',
      requestedDueAt: later,
      explainedToResident: true,
    });
    expect(asked).toMatchObject({ status: 201, body: { status: 'pending' } });
    const extensionId = asked.body['extensionId'] as string;
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/extension-requests`, unit, {
        reason: 'again',
        requestedDueAt: later,
        explainedToResident: true,
      }),
    ).toMatchObject({ status: 409, body: { code: 'ASSIGNMENT.EXTENSION_PENDING' } });
    await h.event('extension.requested.v1', t.ticketId, (d) => d['extensionId'] === extensionId);
    const pending = await h.http('GET', '/extensions', { sub: 'm-1', role: 'manager' });
    expect((pending.body['rows'] as { id: string }[]).map((e) => e.id)).toContain(extensionId);

    const approved = await h.http('POST', `/extensions/${extensionId}/decision`, dispatcher, {
      decision: 'approved',
    });
    expect(approved).toMatchObject({ status: 200, body: { decision: 'approved', dueAt: later } });
    expect(
      (await h.prisma.assignment.findUniqueOrThrow({ where: { id: t.lead.id } })).dueAt?.toISOString(),
    ).toBe(later);
    await h.event(
      'extension.decided.v1',
      t.ticketId,
      (d) => d['decision'] === 'approved' && d['newDueAt'] === later,
    );
    expect(
      await h.http('POST', `/extensions/${extensionId}/decision`, dispatcher, { decision: 'refused' }),
    ).toMatchObject({
      status: 409,
      body: { code: 'EXTENSION.ALREADY_DECIDED' },
    });

    const again = await h.http('POST', `/assignments/${t.lead.id}/extension-requests`, unit, {
      reason: '仍需时间',
      requestedDueAt: new Date(Date.parse(later) + 24 * HOUR).toISOString(),
      explainedToResident: true,
    });
    const refused = await h.http(
      'POST',
      `/extensions/${again.body['extensionId'] as string}/decision`,
      dispatcher,
      {
        decision: 'refused',
        note: '理由不充分',
      },
    );
    expect(refused).toMatchObject({ status: 200, body: { decision: 'refused', dueAt: later } });
    await h.event(
      'extension.decided.v1',
      t.ticketId,
      (d) => d['decision'] === 'refused' && d['newDueAt'] === null,
    );
  });

  it('下派: the street hands the order to a grid team; the team’s on-site result comes back before the reply', async () => {
    const t = await dispatchTicket();
    const street = t.lead.unitId;
    const streetAdmin = staffOf(street, `${street}-chief`);
    const worker = staffOf(street, `${street}-grid-worker`);
    for (const [id, name] of [
      [`${street}-grid-leader`, '王网格长'],
      [`${street}-grid-worker`, '李网格员'],
      [`${street}-police`, '赵民警'],
    ] as const) {
      expect((await h.http('PUT', `/units/${street}/staff/${id}`, admin, { name })).status).toBe(200);
    }
    const community = h
      .reference()
      .territory.areas.find((a) => a.level === 'community' && a.parentCode === t.streetCode);
    const team = await h.http('PUT', `/units/${street}/teams`, streetAdmin, {
      areaCode: community?.code,
      name: `${community?.name ?? ''}网格`,
      members: [
        { staffId: `${street}-grid-leader`, role: 'grid-leader' },
        { staffId: `${street}-grid-worker`, role: 'grid-worker' },
        { staffId: `${street}-police`, role: 'community-police' },
      ],
    });
    expect(team.status).toBe(200);
    const teamId = team.body['id'] as string;
    expect(
      await h.http('PUT', `/units/${street}/teams`, streetAdmin, {
        areaCode: '110101999001',
        name: 'x',
        members: [{ staffId: `${street}-police`, role: 'grid-worker' }],
      }),
    ).toMatchObject({ status: 422, body: { code: 'TEAM.BAD_AREA' } });

    const assignment = await h.prisma.assignment.findUniqueOrThrow({ where: { id: t.lead.id } });
    const unitDue = assignment.dueAt ?? new Date();
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/sub-assignments`, streetAdmin, {
        teamId,
        dueAt: new Date(unitDue.getTime() - HOUR).toISOString(),
        instructions: '请到现场核实',
      }),
    ).toMatchObject({ status: 409, body: { code: 'ASSIGNMENT.NOT_SIGNED' } });
    await h.http('POST', `/assignments/${t.lead.id}/sign`, streetAdmin);
    expect(
      await h.http('POST', `/assignments/${t.lead.id}/sub-assignments`, streetAdmin, {
        teamId,
        dueAt: new Date(unitDue.getTime() + HOUR).toISOString(),
        instructions: '请到现场核实',
      }),
    ).toMatchObject({
      status: 422,
      body: { code: 'SUB_ASSIGNMENT.BAD_DEADLINE', errors: [{ field: 'dueAt' }] },
    });
    const sub = await h.http('POST', `/assignments/${t.lead.id}/sub-assignments`, streetAdmin, {
      teamId,
      dueAt: new Date(unitDue.getTime() - HOUR).toISOString(),
      instructions: '请到现场核实施工情况并劝阻',
    });
    expect(sub).toMatchObject({ status: 201, body: { status: 'assigned', areaCode: community?.code } });
    const subId = sub.body['id'] as string;

    expect(
      await h.http('POST', `/assignments/${t.lead.id}/reply`, streetAdmin, {
        result: 'resolved',
        content: '已处理',
      }),
    ).toMatchObject({ status: 409, body: { code: 'ASSIGNMENT.SUB_ASSIGNMENT_OPEN' } });

    const work = await h.http('GET', '/sub-assignments?status=assigned', worker);
    expect((work.body['items'] as { id: string }[]).map((s) => s.id)).toEqual([subId]);
    const done = await h.http('POST', `/sub-assignments/${subId}/result`, worker, {
      result: '现场已停工，施工方承诺不再夜间施工',
    });
    expect(done).toMatchObject({ status: 200, body: { status: 'done' } });
    expect(
      await h.http('POST', `/sub-assignments/${subId}/result`, worker, { result: 'again' }),
    ).toMatchObject({
      status: 409,
      body: { code: 'SUB_ASSIGNMENT.CLOSED' },
    });
    await h.event('ticket.progressed.v1', t.ticketId, (d) => d['kind'] === 'on-site');

    const replied = await h.http('POST', `/assignments/${t.lead.id}/reply`, streetAdmin, {
      result: 'resolved',
      content: '网格员现场核实，施工方已停止夜间施工',
    });
    expect(replied.status).toBe(200);
    const detail = await h.http('GET', `/assignments/${t.lead.id}`, streetAdmin);
    expect((detail.body['activities'] as { kind: string }[]).map((a) => a.kind)).toEqual([
      'signed',
      'sub-assigned',
      'on-site-result',
      'reply',
    ]);
    expect(detail.body['subAssignments']).toEqual([
      expect.objectContaining({ id: subId, status: 'done', result: '现场已停工，施工方承诺不再夜间施工' }),
    ]);
  });

  it('lists overdue assignments with their overdue and response-overdue flags', async () => {
    const t = await dispatchTicket();
    const unit = staffOf(t.lead.unitId);
    expect(((await h.http('GET', '/assignments?overdue=true', unit)).body['items'] as unknown[]).length).toBe(
      0,
    );
    h.clock.advance(8 * 24 * HOUR);
    const overdue = await h.http('GET', '/assignments?overdue=true', unit);
    const items = overdue.body['items'] as {
      id: string;
      flags: { overdue: boolean; responseOverdue: boolean };
    }[];
    expect(items.map((i) => i.id)).toContain(t.lead.id);
    expect(items.every((i) => i.flags.overdue && i.flags.responseOverdue)).toBe(true);
  });
});
