import type { TokenClaims } from '@jsjb/platform';
import { tryMutations } from '@jsjb/testing';
import { startRoutingHarness, type RoutingHarness } from '../support/routing-harness';

const dispatcher: TokenClaims = { sub: 'dispatcher-audit', role: 'dispatcher' };
const admin: TokenClaims = { sub: 'admin-1', role: 'admin' };
const staffOf = (unitId: string): TokenClaims => ({
  sub: `staff-${unitId}`,
  role: 'unit_staff',
  unit: unitId,
});

type Json = Record<string, unknown>;

describe('routing audit trail', () => {
  let h: RoutingHarness;
  let grid = 300;

  beforeAll(async () => {
    h = await startRoutingHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const dispatched = () => {
    grid += 41;
    return h.dispatchTerritorial(grid, { withCoHandlers: true });
  };

  const rowsOf = (assignmentId: string) =>
    h.prisma.auditLog.findMany({ where: { resourceIds: { path: ['assignmentId'], equals: assignmentId } } });

  it('records 签收 with the unit’s staff, the assignment and its ticket, and the state before and after', async () => {
    const t = await dispatched();
    const staff = staffOf(t.lead.unitId);
    expect((await h.http('POST', `/assignments/${t.lead.id}/sign`, staff)).status).toBe(200);

    const [row, ...others] = await rowsOf(t.lead.id);
    expect(others).toEqual([]);
    expect(row).toMatchObject({
      actorSubject: staff.sub,
      actorRole: 'unit_staff',
      actorUnitId: t.lead.unitId,
      action: 'POST /assignments/:id/sign',
      resourceIds: { id: t.lead.id, assignmentId: t.lead.id, ticketId: t.ticketId },
      status: 200,
      errorCode: null,
      before: { assignmentStatus: 'dispatched' },
      after: { status: 'signed', signedAt: expect.any(String), assignmentStatus: 'signed' },
      bodyFields: [], // the harness sends `{}`
    });
  });

  it('records refusals per the rule: the state machine’s 409 with the state found, another unit’s 404', async () => {
    const t = await dispatched();
    const staff = staffOf(t.lead.unitId);
    expect((await h.http('POST', `/assignments/${t.lead.id}/sign`, staff)).status).toBe(200);
    expect((await h.http('POST', `/assignments/${t.lead.id}/sign`, staff)).status).toBe(409);
    const stranger = staffOf('unit-elsewhere');
    expect((await h.http('POST', `/assignments/${t.lead.id}/sign`, stranger)).status).toBe(404);

    const conflict = (await rowsOf(t.lead.id)).find((r) => r.status === 409);
    expect(conflict).toMatchObject({
      errorCode: 'ASSIGNMENT.ALREADY_SIGNED',
      before: { assignmentStatus: 'signed' },
      after: null,
    });
    const [notFound] = await h.prisma.auditLog.findMany({
      where: { actorSubject: stranger.sub, resourceIds: { path: ['id'], equals: t.lead.id } },
    });
    expect(notFound).toMatchObject({
      actorUnitId: 'unit-elsewhere',
      status: 404,
      errorCode: 'ASSIGNMENT.NOT_FOUND',
      // Nothing of the assignment is noted for a caller who may not see it.
      before: null,
      after: null,
    });
  });

  it('records the dispatcher’s 改派 with the lead before and the ticket’s new rule after; reads write nothing', async () => {
    const t = await dispatched();
    const count = await h.prisma.auditLog.count();
    expect((await h.http('GET', '/assignments', staffOf(t.lead.unitId))).status).toBe(200);
    expect((await h.http('GET', '/dispatch/manual', dispatcher)).status).toBe(200);
    expect(await h.prisma.auditLog.count()).toBe(count);

    const target = [...h.reference().directory.all()].find(
      (u) => u.kind === 'street' && u.id !== t.lead.unitId,
    );
    if (!target) throw new Error('no other street');
    const res = await h.http('POST', `/tickets/${t.ticketId}/redispatch`, dispatcher, {
      leadUnitId: target.id,
      note: '地址核实在相邻街道',
    });
    expect(res.status).toBe(200);
    const [row] = await h.prisma.auditLog.findMany({
      where: {
        action: 'POST /tickets/:ticketId/redispatch',
        resourceIds: { path: ['ticketId'], equals: t.ticketId },
      },
    });
    expect(row).toMatchObject({
      actorSubject: 'dispatcher-audit',
      actorRole: 'dispatcher',
      status: 200,
      before: { status: 'dispatched', leadUnitId: t.lead.unitId },
      after: { ticketId: t.ticketId, cycle: expect.any(Number), rule: 'correction:dispatcher-audit' },
      bodyFields: ['leadUnitId', 'note'],
    });
  });

  it('refuses to update, delete or truncate audit rows', async () => {
    expect(await h.prisma.auditLog.count()).toBeGreaterThan(0);
    expect(await tryMutations(h.sut.database.url, 'audit_log', 'status')).toEqual({
      UPDATE: expect.stringMatching(/append-only/),
      DELETE: expect.stringMatching(/append-only/),
      TRUNCATE: expect.stringMatching(/append-only/),
    });
  });

  it('lists the trail for admins, filtered and paged; 403 for others', async () => {
    const t = await dispatched();
    const staff = staffOf(t.lead.unitId);
    h.clock.setFixed(new Date());
    await h.http('POST', `/assignments/${t.lead.id}/sign`, staff);
    h.clock.advance(1000); // newest first: the progress note is a second later
    await h.http('POST', `/assignments/${t.lead.id}/progress`, staff, { note: '已联系施工方' });
    h.clock.reset();

    const page = await h.http('GET', `/audit?resourceId=${t.ticketId}&limit=1`, admin);
    expect(page.status).toBe(200);
    expect((page.body['items'] as Json[]).map((i) => i['action'])).toEqual([
      'POST /assignments/:id/progress',
    ]);
    const next = await h.http(
      'GET',
      `/audit?resourceId=${t.ticketId}&limit=1&cursor=${page.body['nextCursor'] as string}`,
      admin,
    );
    expect((next.body['items'] as Json[]).map((i) => i['action'])).toEqual(['POST /assignments/:id/sign']);

    const mine = await h.http('GET', `/audit?actor=${staff.sub}`, admin);
    expect((mine.body['items'] as Json[]).every((i) => (i['actor'] as Json)['subject'] === staff.sub)).toBe(
      true,
    );
    expect((await h.http('GET', '/audit?from=soon', admin)).status).toBe(400);
    expect((await h.http('GET', '/audit', dispatcher)).status).toBe(403);
  });
});
