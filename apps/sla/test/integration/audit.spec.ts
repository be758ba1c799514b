import type { TokenClaims } from '@jsjb/platform';
import { tryMutations } from '@jsjb/testing';
import { defaultPolicyDocument } from '../../src/policy/policy.domain';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

const admin: TokenClaims = { sub: 'admin-audit', role: 'admin' };
const manager: TokenClaims = { sub: 'manager-audit', role: 'manager' };

type Json = Record<string, unknown>;

describe('sla audit trail', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await startSlaHarness({ SLA_TIMER_SWEEP_MS: '0' });
    h.clock.setFixed(new Date('2026-06-01T02:00:00Z'));
  }, 60_000);

  afterAll(async () => {
    h?.clock.reset();
    await h?.close();
  }, 60_000);

  const rowsOf = (action: string) =>
    h.prisma.auditLog.findMany({ where: { action }, orderBy: { at: 'asc' } });

  it('records a calendar override set and removed, with the override before and after; not its reason', async () => {
    const set = await h.http('PUT', '/calendars/cn/overrides/2026-06-10', admin, {
      kind: 'holiday',
      reason: '市政府通知：临时放假一天',
    });
    expect(set.status).toBe(200);
    h.clock.advance(60_000);
    const removed = await h.http(
      'DELETE',
      '/calendars/cn/overrides/2026-06-10?reason=%E6%92%A4%E5%9B%9E',
      admin,
    );
    expect(removed.status).toBe(200);
    h.clock.advance(60_000);
    const again = await h.http('DELETE', '/calendars/cn/overrides/2026-06-10?reason=again', admin);
    expect(again.status).toBe(404);

    const [setRow] = await rowsOf('PUT /calendars/:id/overrides/:date');
    expect(setRow).toMatchObject({
      actorSubject: 'admin-audit',
      actorRole: 'admin',
      resourceIds: { id: 'cn', date: '2026-06-10' },
      status: 200,
      before: { overrideKind: null },
      after: expect.objectContaining({
        calendarId: 'cn',
        date: '2026-06-10',
        kind: 'holiday',
        overrideKind: 'holiday',
      }),
      bodyFields: ['kind', 'reason'],
    });
    expect(setRow?.at.toISOString()).toBe('2026-06-01T02:00:00.000Z');
    expect(JSON.stringify(setRow)).not.toContain('临时放假');

    const [removal, notFound] = await rowsOf('DELETE /calendars/:id/overrides/:date');
    expect(removal).toMatchObject({
      status: 200,
      before: { overrideKind: 'holiday' },
      after: expect.objectContaining({ overrideKind: null }),
      bodyFields: [], // the harness sends `{}`
    });
    expect(notFound).toMatchObject({
      status: 404,
      errorCode: 'SLA.OVERRIDE_NOT_FOUND',
      before: null,
      after: null,
    });
  });

  it('records a policy version with the version in force before; a taken name as a 409', async () => {
    const policy = {
      version: 'audit-2026.1',
      description: '审计测试版本',
      effectiveFrom: '2026-07-01T00:00:00.000Z',
      document: defaultPolicyDocument(),
    };
    expect((await h.http('POST', '/policies', admin, policy)).status).toBe(201);
    expect((await h.http('POST', '/policies', admin, policy)).status).toBe(409);

    const rows = await rowsOf('POST /policies');
    const added = rows.find((r) => r.status === 201);
    const taken = rows.find((r) => r.status === 409);
    expect(added).toMatchObject({
      status: 201,
      before: { versionInForce: 'db11t-2023' },
      after: expect.objectContaining({ version: 'audit-2026.1', effectiveFrom: '2026-07-01T00:00:00.000Z' }),
      bodyFields: ['version', 'description', 'effectiveFrom', 'document'],
    });
    expect(taken).toMatchObject({ status: 409, errorCode: 'SLA.POLICY_VERSION_EXISTS', after: null });
  });

  it('records an assessment exclusion with the ticket as resource and the ruling before and after', async () => {
    const ticketId = 'T-AUDIT-1';
    const ruled = await h.http('POST', '/assessment/exclusions', manager, {
      ticketId,
      reason: 'malicious',
      note: '反复辱骂承办人员',
    });
    expect(ruled.status).toBe(201);
    h.clock.advance(60_000);
    const conflict = await h.http('POST', '/assessment/exclusions', manager, {
      ticketId,
      reason: 'unreasonable',
      note: '改为不合理诉求',
    });
    expect(conflict.status).toBe(409);

    const rows = await h.prisma.auditLog.findMany({
      where: { resourceIds: { path: ['ticketId'], equals: ticketId } },
      orderBy: { at: 'asc' },
    });
    expect(rows.map((r) => [r.action, r.status, r.errorCode])).toEqual([
      ['POST /assessment/exclusions', 201, null],
      ['POST /assessment/exclusions', 409, 'SLA.ALREADY_EXCLUDED'],
    ]);
    expect(rows[0]).toMatchObject({
      actorSubject: 'manager-audit',
      before: { exclusionReason: null, orders: 0 },
      after: expect.objectContaining({ ticketId, exclusionReason: 'malicious' }),
    });
    expect(rows[1]).toMatchObject({ before: { exclusionReason: 'malicious', orders: 0 }, after: null });
    expect(JSON.stringify(rows)).not.toContain('辱骂');
  });

  it('writes nothing for reads', async () => {
    const count = await h.prisma.auditLog.count();
    expect((await h.http('GET', '/policies', manager)).status).toBe(200);
    expect((await h.http('GET', '/calendars/cn/changes?limit=3', manager)).status).toBe(200);
    expect(await h.prisma.auditLog.count()).toBe(count);
  });

  it('refuses to update, delete or truncate audit rows', async () => {
    expect(await tryMutations(h.sut.database.url, 'audit_log', 'status')).toEqual({
      UPDATE: expect.stringMatching(/append-only/),
      DELETE: expect.stringMatching(/append-only/),
      TRUNCATE: expect.stringMatching(/append-only/),
    });
  });

  it('lists the trail for admins, newest first, filtered by time and paged; 403 for others', async () => {
    const all = await h.http('GET', '/audit?limit=200', admin);
    expect(all.status).toBe(200);
    const items = all.body['items'] as Json[];
    const times = items.map((i) => i['at'] as string);
    expect([...times].sort().reverse()).toEqual(times);

    const window = await h.http(
      'GET',
      `/audit?from=${encodeURIComponent('2026-06-01T02:01:00Z')}&to=${encodeURIComponent('2026-06-01T02:02:00Z')}`,
      admin,
    );
    expect((window.body['items'] as Json[]).map((i) => i['action'])).toEqual([
      'DELETE /calendars/:id/overrides/:date',
    ]);

    const first = await h.http('GET', '/audit?limit=2', admin);
    const second = await h.http('GET', `/audit?limit=2&cursor=${first.body['nextCursor'] as string}`, admin);
    const ids = [...(first.body['items'] as Json[]), ...(second.body['items'] as Json[])].map((i) => i['id']);
    expect(ids).toEqual(items.slice(0, 4).map((i) => i['id']));

    expect((await h.http('GET', '/audit?limit=-1', admin)).status).toBe(400);
    expect((await h.http('GET', '/audit', manager)).status).toBe(403);
  });
});
