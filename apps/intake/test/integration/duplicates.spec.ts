import { ticketMergedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { type IntakeHarness, startIntakeHarness } from '../support/intake-harness';
import { AREAS, seedReference } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const HOUR = 3_600_000;
const operator: TokenClaims = { sub: 'operator-21', role: 'operator' };
const dispatcher: TokenClaims = { sub: 'dispatcher-3', role: 'dispatcher' };
const resident = (sub: string): TokenClaims => ({ sub, role: 'resident' });

const STREETLIGHT = 'city.facility.streetlight';
const GARBAGE = 'city.sanitation.garbage-collection';
const LAMP = '安贞西里三区3号楼前的路灯坏了一个星期了，晚上很黑，老人出门不方便。';
const LAMP_AGAIN = '安贞西里三区3号楼前的路灯坏了一个星期了，晚上特别黑，老人出门不方便。';
const LAMP_NEIGHBOUR = '安贞西里三区3号楼门前路灯不亮一周了，晚上很黑。';
/** WGS-84 points ~85 m apart. */
const HERE = { lng: 116.4035, lat: 39.9717, crs: 'WGS84' };
const NEAR = { lng: 116.4045, lat: 39.9717, crs: 'WGS84' };
/** Far from HERE: tests at different places never link. */
const ELSEWHERE = { lng: 116.45, lat: 39.95, crs: 'WGS84' };

type Json = Record<string, unknown>;

let phoneSerial = 0;
/** A caller number no other test uses, so that tests never link to each other's tickets. */
function newPhone(): string {
  phoneSerial += 1;
  return `1391${String(Date.now() % 10_000).padStart(4, '0')}${String(phoneSerial).padStart(3, '0')}`;
}

/**
 * A hotline call about a streetlight. Without a location unless given: tests share one database,
 * and tickets of one category at one place link across tests.
 */
function call(content: string, phone: string, overrides: Json = {}): Json {
  return { requestType: 'complaint', categoryCode: STREETLIGHT, content, caller: { phone }, ...overrides };
}

describe('重复诉求: duplicate detection at intake, suggestions, 并单 and dismissal', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntakeHarness();
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  afterEach(() => h.clock.reset());

  async function create(body: Json, caller: TokenClaims = operator): Promise<Json> {
    const res = await h.http('POST', '/tickets', caller, body);
    expect(res.status).toBe(201);
    return res.body;
  }

  async function openSuggestionFor(ticketId: string): Promise<Json> {
    const res = await h.http('GET', '/duplicate-suggestions?status=open&pageSize=100', operator);
    expect(res.status).toBe(200);
    const found = (res.body['items'] as Json[]).find((s) => (s['ticket'] as Json)['id'] === ticketId);
    if (!found) throw new Error(`no open suggestion for ${ticketId}`);
    return found;
  }

  it(
    'suggests the same caller’s earlier ticket; an operator merges it and ticket.merged.v1 goes out',
    async () => {
      const phone = newPhone();
      const master = await create(call(LAMP, phone, { triage: { outcome: 'dispatch' } }));
      const repeat = await create(call(LAMP_AGAIN, phone));
      expect(repeat['status']).toBe('pending');
      expect(repeat['duplicateOf']).toEqual({
        ticketId: master['id'],
        number: master['number'],
        reason: 'same-caller',
        similarity: expect.any(Number) as number,
        merged: false,
      });
      expect((repeat['duplicateOf'] as Json)['similarity']).toBeGreaterThanOrEqual(0.6);

      const suggestion = await openSuggestionFor(repeat['id'] as string);
      expect(suggestion).toMatchObject({
        reason: 'same-caller',
        status: 'open',
        decidedAt: null,
        ticket: { id: repeat['id'], number: repeat['number'], status: 'pending', content: LAMP_AGAIN },
        master: { id: master['id'], number: master['number'], status: 'forwarded' },
      });

      const merged = await h.http(
        'POST',
        `/duplicate-suggestions/${String(suggestion['id'])}/merge`,
        dispatcher,
      );
      expect(merged.status).toBe(200);
      expect(merged.body).toMatchObject({
        status: 'merged',
        decidedBy: 'dispatcher-3',
        ticket: { status: 'merged' },
      });
      const event = await h.event('ticket.merged.v1', repeat['id'] as string);
      expect(ticketMergedV1.schema.parse(event.data)).toMatchObject({
        masterTicketId: master['id'],
        masterNumber: master['number'],
        reason: 'same-caller',
        automatic: false,
      });
      const row = await h.prisma.ticket.findUniqueOrThrow({ where: { id: repeat['id'] as string } });
      expect(row).toMatchObject({ status: 'merged', masterTicketId: master['id'] });

      const again = await h.http(
        'POST',
        `/duplicate-suggestions/${String(suggestion['id'])}/merge`,
        operator,
      );
      expect(again.status).toBe(409);
      expect(again.body['code']).toBe('DUPLICATE_SUGGESTION.DECIDED');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'links another caller at the same place in the same category (within 200 m, another community)',
    async () => {
      const master = await create(call(LAMP, newPhone(), { location: { coordinates: HERE } }));
      const neighbour = await create(
        call(LAMP_NEIGHBOUR, newPhone(), {
          location: { communityCode: AREAS.anhuaLi.code, coordinates: NEAR },
        }),
      );
      expect(neighbour['duplicateOf']).toMatchObject({ ticketId: master['id'], reason: 'same-place' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'links nothing from a diverted ticket, across categories at one place, or past the window',
    async () => {
      const phone = newPhone();
      const diverted = await create(
        call(LAMP, phone, { triage: { outcome: 'divert', reason: 'out-of-scope', note: '物业负责' } }),
      );
      expect(diverted['status']).toBe('diverted');
      expect((await create(call(LAMP_AGAIN, phone)))['duplicateOf']).toBeNull();

      const elsewhere = { location: { coordinates: ELSEWHERE } };
      await create(call(LAMP, newPhone(), elsewhere));
      expect(
        (await create(call(LAMP, newPhone(), { ...elsewhere, categoryCode: GARBAGE })))['duplicateOf'],
      ).toBeNull();

      // 73 hours later the same caller's matter is a new one.
      const later = new Date(Date.now() + 73 * HOUR);
      const phone2 = newPhone();
      h.clock.setFixed(later);
      await create(call(LAMP, phone2));
      h.clock.setFixed(new Date(later.getTime() + 73 * HOUR));
      expect((await create(call(LAMP, phone2)))['duplicateOf']).toBeNull();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'holds a resident’s duplicate for an operator; dismissing it sends the ticket on for dispatch',
    async () => {
      const phone = newPhone();
      const master = await create(call(LAMP, phone, { triage: { outcome: 'dispatch' } }));
      const submitted = await h.http('POST', '/resident/tickets', resident(`resident-${phone}`), {
        categoryCode: STREETLIGHT,
        content: LAMP_AGAIN,
        caller: { phone },
      });
      expect(submitted.status).toBe(201);
      expect(submitted.body['status']).toBe('pending');
      const ticketId = submitted.body['id'] as string;
      const suggestion = await openSuggestionFor(ticketId);
      expect(suggestion['master']).toMatchObject({ id: master['id'] });

      const dismissed = await h.http(
        'POST',
        `/duplicate-suggestions/${String(suggestion['id'])}/dismiss`,
        operator,
      );
      expect(dismissed.status).toBe(200);
      expect(dismissed.body).toMatchObject({
        status: 'dismissed',
        decidedBy: 'operator-21',
        forwarded: true,
      });
      await h.event('ticket.received.v1', ticketId);
      expect((await h.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } })).status).toBe('forwarded');

      const twice = await h.http(
        'POST',
        `/duplicate-suggestions/${String(suggestion['id'])}/dismiss`,
        operator,
      );
      expect(twice.status).toBe(409);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'links each of many concurrent repeats to its own caller’s earlier ticket (reads batched together)',
    async () => {
      const callers = Array.from({ length: 12 }, () => newPhone());
      const masters = await Promise.all(
        callers.map((phone) => create(call(LAMP, phone, { triage: { outcome: 'dispatch' } }))),
      );
      const repeats = await Promise.all(callers.map((phone) => create(call(LAMP_AGAIN, phone))));
      expect(repeats.map((r) => (r['duplicateOf'] as Json | null)?.['ticketId'])).toEqual(
        masters.map((m) => m['id']),
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'turns a suggestion stale when its ticket is triaged: a later merge answers 409',
    async () => {
      const phone = newPhone();
      await create(call(LAMP, phone));
      const repeat = await create(call(LAMP_AGAIN, phone));
      const suggestion = await openSuggestionFor(repeat['id'] as string);
      const triaged = await h.http('POST', `/tickets/${String(repeat['id'])}/triage`, operator, {
        outcome: 'dispatch',
      });
      expect(triaged.status).toBe(200);

      const merge = await h.http(
        'POST',
        `/duplicate-suggestions/${String(suggestion['id'])}/merge`,
        operator,
      );
      expect(merge.status).toBe(409);
      expect(merge.body['code']).toBe('DUPLICATE_SUGGESTION.DECIDED');
      const row = await h.prisma.duplicateSuggestion.findUniqueOrThrow({
        where: { id: suggestion['id'] as string },
      });
      expect(row).toMatchObject({ status: 'stale', decidedBy: 'operator-21' });
      const stale = await h.http('GET', '/duplicate-suggestions?status=stale&pageSize=100', operator);
      expect((stale.body['items'] as Json[]).map((s) => s['id'])).toContain(suggestion['id']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'merges into the master’s master when the suggested master was merged meanwhile (no chains)',
    async () => {
      const phone = newPhone();
      const root = await create(call(LAMP, phone));
      const middle = await create(call(LAMP_AGAIN, phone));
      // Identical to the middle one: it is the most similar master.
      const last = await create(call(LAMP_AGAIN, phone));
      expect(last['duplicateOf']).toMatchObject({ ticketId: middle['id'], similarity: 1 });

      const first = await openSuggestionFor(middle['id'] as string);
      expect(
        (await h.http('POST', `/duplicate-suggestions/${String(first['id'])}/merge`, operator)).status,
      ).toBe(200);
      const second = await openSuggestionFor(last['id'] as string);
      expect(
        (await h.http('POST', `/duplicate-suggestions/${String(second['id'])}/merge`, operator)).status,
      ).toBe(200);

      const row = await h.prisma.ticket.findUniqueOrThrow({ where: { id: last['id'] as string } });
      expect(row.masterTicketId).toBe(root['id']);
      const event = await h.event('ticket.merged.v1', last['id'] as string);
      expect(event.data).toMatchObject({ masterTicketId: root['id'], masterNumber: root['number'] });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'lets only the center’s operators and dispatchers decide; unknown ids are 404',
    async () => {
      expect((await h.http('GET', '/duplicate-suggestions', resident('r-1'))).status).toBe(403);
      expect((await h.http('GET', '/duplicate-suggestions', { sub: 'm', role: 'manager' })).status).toBe(403);
      const missing = await h.http(
        'POST',
        '/duplicate-suggestions/4b8f8a5e-3d7c-4f4e-9a55-1b2c3d4e5f60/merge',
        operator,
      );
      expect(missing.status).toBe(404);
      expect(missing.body['code']).toBe('DUPLICATE_SUGGESTION.NOT_FOUND');
      expect((await h.http('POST', '/duplicate-suggestions/not-a-uuid/dismiss', operator)).status).toBe(404);
      const badQuery = await h.http('GET', '/duplicate-suggestions?status=maybe', operator);
      expect(badQuery.status).toBe(400);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('重复诉求 with automatic merging configured', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntakeHarness({ DUPLICATE_AUTO_MERGE: 'true' });
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  it(
    'merges a near-copy at intake (automatic) and only suggests a looser retelling',
    async () => {
      const phone = newPhone();
      const master = await h.http('POST', '/tickets', operator, call(LAMP, phone));
      const copy = await h.http('POST', '/tickets', operator, call(LAMP_AGAIN, phone));
      expect(copy.status).toBe(201);
      expect(copy.body).toMatchObject({
        status: 'merged',
        duplicateOf: { ticketId: master.body['id'], merged: true },
      });
      const event = await h.event('ticket.merged.v1', copy.body['id'] as string);
      expect(event.data).toMatchObject({ automatic: true, masterTicketId: master.body['id'] });
      expect(
        await h.prisma.duplicateSuggestion.count({ where: { ticketId: copy.body['id'] as string } }),
      ).toBe(0);

      await h.http('POST', '/tickets', operator, call(LAMP, newPhone(), { location: { coordinates: HERE } }));
      const neighbour = await h.http(
        'POST',
        '/tickets',
        operator,
        call(LAMP_NEIGHBOUR, newPhone(), {
          location: { communityCode: AREAS.anhuaLi.code, coordinates: NEAR },
        }),
      );
      expect(neighbour.body).toMatchObject({
        status: 'pending',
        duplicateOf: { reason: 'same-place', merged: false },
      });
    },
    TEST_TIMEOUT_MS,
  );
});
