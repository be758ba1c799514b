import { randomUUID } from 'node:crypto';
import type { TokenClaims } from '@jsjb/platform';
import { tryMutations } from '@jsjb/testing';
import type { AuditLog } from '../../src/generated/prisma/client';
import { DEVELOPMENT_OPEN311_CLIENT, DEVELOPMENT_OPEN311_KEY } from '../../src/open311/open311.config';
import { type IntakeHarness, startIntakeHarness } from '../support/intake-harness';
import { AREAS, seedReference } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const operator: TokenClaims = { sub: 'operator-audit', role: 'operator' };
const admin: TokenClaims = { sub: 'admin-1', role: 'admin' };

type Json = Record<string, unknown>;

describe('intake audit trail', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntakeHarness();
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  const rowsOf = (resourceId: string): Promise<AuditLog[]> =>
    h.prisma.auditLog.findMany({ where: { resourceIds: { path: ['id'], equals: resourceId } } });

  const pendingTicket = async (): Promise<Json> => {
    const res = await h.http('POST', '/tickets', operator, {
      requestType: 'complaint',
      categoryCode: 'urban.construction.night-work',
      content: '安贞西里三区旁边的工地每天夜里十一点以后还在施工，噪音很大。',
      caller: { name: '王女士', phone: '138 1234 5678' },
      location: { districtCode: AREAS.district.code, streetCode: AREAS.anzhen.code },
    });
    expect(res.status).toBe(201);
    return res.body;
  };

  it(
    'records 受理 and triage with actor, route key, ticket id, status, before/after — and no personal data',
    async () => {
      const ticket = await pendingTicket();
      const id = ticket['id'] as string;
      const triaged = await h.http('POST', `/tickets/${id}/triage`, operator, { outcome: 'dispatch' });
      expect(triaged.status).toBe(200);

      const rows = await rowsOf(id);
      expect(rows).toHaveLength(2);
      const created = rows.find((r) => r.action === 'POST /tickets');
      const triage = rows.find((r) => r.action === 'POST /tickets/:id/triage');
      expect(created).toMatchObject({
        actorSubject: 'operator-audit',
        actorRole: 'operator',
        actorUnitId: null,
        action: 'POST /tickets',
        resourceIds: { id },
        status: 201,
        errorCode: null,
        before: null,
        after: expect.objectContaining({ id, number: ticket['number'], status: 'pending' }),
        bodyFields: ['requestType', 'categoryCode', 'content', 'caller', 'location'],
      });
      expect(triage).toMatchObject({
        action: 'POST /tickets/:id/triage',
        resourceIds: { id },
        status: 200,
        before: {
          status: 'pending',
          categoryCode: 'urban.construction.night-work',
          urgency: expect.any(String),
        },
        after: expect.objectContaining({ id, status: 'forwarded' }),
        bodyFields: ['outcome'],
      });
      expect(triage?.requestId).toBe(triaged.headers['x-request-id']);
      expect(JSON.stringify([created, triage])).not.toMatch(/王女士|13812345678|138 1234 5678|噪音/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'records refusals: a second triage (409) with the state found, a bad body (400) with its code',
    async () => {
      const id = (await pendingTicket())['id'] as string;
      expect((await h.http('POST', `/tickets/${id}/triage`, operator, { outcome: 'dispatch' })).status).toBe(
        200,
      );
      const again = await h.http('POST', `/tickets/${id}/triage`, operator, { outcome: 'dispatch' });
      expect(again.status).toBe(409);
      const bad = await h.http('POST', `/tickets/${id}/triage`, operator, { outcome: 'teleport' });
      expect(bad.status).toBe(400);

      const rows = await rowsOf(id);
      const conflict = rows.find((r) => r.status === 409);
      const invalid = rows.find((r) => r.status === 400);
      expect(conflict).toMatchObject({
        status: 409,
        errorCode: 'TICKET.ALREADY_TRIAGED',
        before: expect.objectContaining({ status: 'forwarded' }),
        after: null,
      });
      expect(invalid).toMatchObject({ status: 400, errorCode: 'REQUEST.INVALID', before: null, after: null });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'writes nothing for reads nor for the classifier’s suggestions',
    async () => {
      const id = (await pendingTicket())['id'] as string;
      const count = await h.prisma.auditLog.count();
      expect((await h.http('GET', `/tickets/${id}`, operator)).status).toBe(200);
      expect((await h.http('GET', '/tickets?status=pending', operator)).status).toBe(200);
      expect((await h.http('POST', '/classify', operator, { content: '井盖丢了' })).status).toBe(200);
      expect(await h.prisma.auditLog.count()).toBe(count);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'names the Open311 client as the actor of a public POST, the form’s field names but not its values',
    async () => {
      const res = await h.http(
        'POST',
        '/open311/v2/requests.json',
        null,
        new URLSearchParams({
          api_key: DEVELOPMENT_OPEN311_KEY,
          service_code: 'city.facility.manhole',
          lat: '39.9717',
          long: '116.4035',
          description: `井盖丢了 ${randomUUID()}`,
          phone: '13912345678',
        }).toString(),
        { 'content-type': 'application/x-www-form-urlencoded' },
      );
      expect(res.status).toBe(200);
      const [row] = await h.prisma.auditLog.findMany({
        where: { action: 'POST /open311/v2/requests.:format' },
      });
      expect(row).toMatchObject({
        actorSubject: DEVELOPMENT_OPEN311_CLIENT,
        actorRole: 'open311_client',
        status: 200,
        after: { number: expect.stringMatching(/^\d{14}$/), status: expect.any(String) },
        bodyFields: ['api_key', 'service_code', 'lat', 'long', 'description', 'phone'],
      });
      expect(row?.resourceIds).toEqual({ format: 'json', id: expect.any(String) });
      expect(JSON.stringify(row)).not.toMatch(/13912345678|jsjb-open311-development-key/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses to update, delete or truncate audit rows',
    async () => {
      await pendingTicket();
      expect(await tryMutations(h.sut.database.url, 'audit_log', 'status')).toEqual({
        UPDATE: expect.stringMatching(/append-only/),
        DELETE: expect.stringMatching(/append-only/),
        TRUNCATE: expect.stringMatching(/append-only/),
      });
      expect(await h.prisma.auditLog.count()).toBeGreaterThan(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'lists the trail for admins: by resource, action, actor, paged newest first; 403 for others',
    async () => {
      h.clock.setFixed(new Date());
      const id = (await pendingTicket())['id'] as string;
      h.clock.advance(1000); // newest first: the triage is a second later
      await h.http('POST', `/tickets/${id}/triage`, operator, { outcome: 'dispatch' });
      h.clock.reset();

      const byResource = await h.http('GET', `/audit?resourceId=${id}`, admin);
      expect(byResource.status).toBe(200);
      const items = byResource.body['items'] as Json[];
      expect(items.map((i) => i['action'])).toEqual(['POST /tickets/:id/triage', 'POST /tickets']);
      expect(items[0]).toMatchObject({
        id: expect.any(String),
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        actor: { subject: 'operator-audit', role: 'operator', unitId: null },
        resourceIds: { id },
        status: 200,
        errorCode: null,
        requestId: expect.any(String),
        before: expect.objectContaining({ status: 'pending' }),
        after: expect.objectContaining({ status: 'forwarded' }),
        bodyFields: ['outcome'],
      });

      const first = await h.http('GET', `/audit?resourceId=${id}&limit=1`, admin);
      const second = await h.http(
        'GET',
        `/audit?resourceId=${id}&limit=1&cursor=${first.body['nextCursor'] as string}`,
        admin,
      );
      expect((second.body['items'] as Json[]).map((i) => i['action'])).toEqual(['POST /tickets']);
      expect(second.body['nextCursor']).toBeNull();

      const triages = await h.http(
        'GET',
        `/audit?actor=operator-audit&action=${encodeURIComponent('POST /tickets/:id/triage')}`,
        admin,
      );
      const triageItems = triages.body['items'] as Json[];
      expect(triageItems.length).toBeGreaterThan(0);
      expect(triageItems.every((i) => i['action'] === 'POST /tickets/:id/triage')).toBe(true);

      expect((await h.http('GET', '/audit?limit=500', admin)).status).toBe(400);
      expect((await h.http('GET', '/audit', operator)).status).toBe(403);
    },
    TEST_TIMEOUT_MS,
  );
});
