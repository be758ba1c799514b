import { randomUUID } from 'node:crypto';
import { ticketReceivedV1 } from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { type IntakeHarness, startIntakeHarness, TIMEOUT_MS } from '../support/intake-harness';
import { AREAS, seedReference } from '../support/reference-seed';
import { TicketNumbers } from '../../src/tickets/ticket-numbers';
import { TicketRepository } from '../../src/tickets/ticket.repository';

const TEST_TIMEOUT_MS = 60_000;
const operator: TokenClaims = { sub: 'operator-7', role: 'operator' };
const manager: TokenClaims = { sub: 'manager-1', role: 'manager' };
const resident = (sub: string): TokenClaims => ({ sub, role: 'resident' });

type Json = Record<string, unknown>;

describe('intake tickets: 受理, triage, search, resident view', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntakeHarness();
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  const noiseComplaint = (overrides: Json = {}): Json => ({
    requestType: 'complaint',
    categoryCode: 'urban.construction.night-work',
    content: '安贞西里三区旁边的工地每天夜里十一点以后还在施工，噪音很大，影响休息。',
    caller: { name: '王女士', phone: '138 1234 5678' },
    location: {
      districtCode: AREAS.district.code,
      streetCode: AREAS.anzhen.code,
      communityCode: AREAS.anzhenXili.code,
      address: '安贞西里三区',
      coordinates: { lng: 116.4035, lat: 39.9717, crs: 'GCJ02' },
    },
    ...overrides,
  });

  const ticketCount = () => h.prisma.ticket.count();

  it(
    'records a hotline call and sends it on: ticket.received goes out without the caller’s personal data',
    async () => {
      const res = await h.http(
        'POST',
        '/tickets',
        operator,
        noiseComplaint({ triage: { outcome: 'dispatch' } }),
      );
      expect(res.status).toBe(201);
      const ticket = res.body;
      expect(ticket['number']).toMatch(/^\d{14}$/);
      expect(ticket).toMatchObject({
        channel: 'hotline',
        status: 'forwarded',
        operatorId: 'operator-7',
        // The operator typed the caller in: the answer does not echo them in the clear.
        caller: { name: '王**', phone: '138****5678', confidential: false },
        categoryName: expect.any(String),
      });
      // GCJ-02 in, WGS-84 stored, the source kept.
      const location = ticket['location'] as Json;
      expect(location['source']).toEqual({ crs: 'GCJ02', lng: 116.4035, lat: 39.9717 });
      expect(Math.abs((location['lng'] as number) - 116.4035)).toBeGreaterThan(0.004);

      const received = await h.event('ticket.received.v1', ticket['id'] as string);
      const payload = ticketReceivedV1.schema.parse(received.data);
      expect(payload).toMatchObject({
        number: ticket['number'],
        categoryCode: 'urban.construction.night-work',
        requestType: 'complaint',
        location: { communityCode: AREAS.anzhenXili.code, lng: location['lng'], lat: location['lat'] },
      });
      expect(JSON.stringify(received.data)).not.toMatch(/13812345678|王女士/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'numbers tickets by day and daily sequence, never twice',
    async () => {
      const numbers = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const res = await h.http('POST', '/tickets', operator, { content: '请问办理居住证需要什么材料？' });
          expect(res.status).toBe(201);
          return res.body['number'] as string;
        }),
      );
      expect(new Set(numbers).size).toBe(10);
      const days = new Set(numbers.map((n) => n.slice(0, 8)));
      expect(days.size).toBe(1);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'hands out unique numbers from blocks across instances, with gaps at most a block',
    async () => {
      const repository = h.sut.app.get(TicketRepository);
      const config = { ...h.sut.config, TICKET_NUMBER_BLOCK: 7 };
      const instances = [new TicketNumbers(repository, config), new TicketNumbers(repository, config)];
      const at = new Date('2031-05-04T10:00:00+08:00');
      const numbers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (instances[i % 2] as TicketNumbers).next(at)),
      );
      expect(new Set(numbers).size).toBe(40);
      expect(numbers.every((n) => n.startsWith('20310504'))).toBe(true);
      const sequences = numbers.map((n) => Number(n.slice(8))).sort((a, b) => a - b);
      // Two instances, each with at most one block partly used.
      expect(sequences.at(-1)).toBeLessThanOrEqual(40 + 2 * 7);
    },
    TEST_TIMEOUT_MS,
  );

  describe('Idempotency-Key', () => {
    it(
      'returns the same ticket for a retried create, and refuses the key with another body',
      async () => {
        const key = `call-${randomUUID()}`;
        const first = await h.http('POST', '/tickets', operator, noiseComplaint(), {
          'idempotency-key': key,
        });
        const retry = await h.http('POST', '/tickets', operator, noiseComplaint(), {
          'idempotency-key': key,
        });
        expect([first.status, retry.status]).toEqual([201, 200]);
        expect(retry.body['id']).toBe(first.body['id']);
        expect(retry.body['number']).toBe(first.body['number']);

        const other = await h.http(
          'POST',
          '/tickets',
          operator,
          noiseComplaint({ content: '另一件事：路灯不亮。' }),
          {
            'idempotency-key': key,
          },
        );
        expect(other.status).toBe(422);
        expect(other.body['code']).toBe('IDEMPOTENCY.KEY_REUSED');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'creates one ticket when the same request races itself',
      async () => {
        const key = `race-${randomUUID()}`;
        const before = await ticketCount();
        const responses = await Promise.all(
          Array.from({ length: 5 }, () =>
            h.http('POST', '/tickets', operator, noiseComplaint(), { 'idempotency-key': key }),
          ),
        );
        expect(new Set(responses.map((r) => r.body['id'])).size).toBe(1);
        expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
        expect(await ticketCount()).toBe(before + 1);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'keeps keys apart per caller',
      async () => {
        const key = `shared-${randomUUID()}`;
        const a = await h.http('POST', '/tickets', operator, noiseComplaint(), { 'idempotency-key': key });
        const b = await h.http(
          'POST',
          '/tickets',
          { sub: 'operator-8', role: 'operator' },
          noiseComplaint(),
          {
            'idempotency-key': key,
          },
        );
        expect([a.status, b.status]).toEqual([201, 201]);
        expect(a.body['id']).not.toBe(b.body['id']);
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('triage', () => {
    async function pending(body: Json = {}): Promise<Json> {
      const res = await h.http('POST', '/tickets', operator, {
        content: '请问社保卡丢了去哪里补办？',
        ...body,
      });
      expect(res.status).toBe(201);
      expect(res.body['status']).toBe('pending');
      return res.body;
    }

    it(
      '直办: the operator answers, the ticket closes and ticket.closed-directly goes out',
      async () => {
        const ticket = await pending();
        const reply = '可携带身份证到就近社保卡服务网点补办。';
        const res = await h.http('POST', `/tickets/${ticket['id'] as string}/triage`, operator, {
          outcome: 'direct',
          reply,
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          status: 'answered',
          directReply: reply,
          closedAt: expect.any(String),
        });
        const event = await h.event('ticket.closed-directly.v1', ticket['id'] as string);
        expect(event.data).toMatchObject({ number: ticket['number'], reply, operatorId: 'operator-7' });

        const again = await h.http('POST', `/tickets/${ticket['id'] as string}/triage`, operator, {
          outcome: 'dispatch',
        });
        expect(again.status).toBe(409);
        expect(again.body['code']).toBe('TICKET.ALREADY_TRIAGED');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      '分流: an emergency is transferred to 119 with a reason code and a note, and closes',
      async () => {
        const ticket = await pending({ content: '家里厨房有很重的煤气味，老人在家。' });
        const res = await h.http('POST', `/tickets/${ticket['id'] as string}/triage`, operator, {
          outcome: 'divert',
          reason: 'emergency-119',
          note: '已三方转接119。',
        });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          status: 'diverted',
          diversion: { reason: 'emergency-119', note: '已三方转接119。' },
        });
        const event = await h.event('ticket.diverted.v1', ticket['id'] as string);
        expect(event.data).toMatchObject({ reason: 'emergency-119' });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      '转办 later: a pending ticket is sent on with ticket.received',
      async () => {
        const ticket = await pending({ content: '小区门口的路灯坏了一个多月了没人修。' });
        const res = await h.http('POST', `/tickets/${ticket['id'] as string}/triage`, operator, {
          outcome: 'dispatch',
        });
        expect(res.status).toBe(200);
        expect(res.body['status']).toBe('forwarded');
        await h.event('ticket.received.v1', ticket['id'] as string);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses an unknown diversion reason with the field, and an unknown ticket with 404',
      async () => {
        const ticket = await pending();
        const bad = await h.http('POST', `/tickets/${ticket['id'] as string}/triage`, operator, {
          outcome: 'divert',
          reason: '110',
        });
        expect(bad.status).toBe(400);
        expect(bad.body['errors']).toEqual([expect.objectContaining({ field: 'reason' })]);
        const missing = await h.http('POST', `/tickets/${randomUUID()}/triage`, operator, {
          outcome: 'dispatch',
        });
        expect(missing.status).toBe(404);
        expect(missing.body['code']).toBe('TICKET.NOT_FOUND');
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('classification', () => {
    it(
      'fills type, category and urgency the operator left out, and keeps the suggestion',
      async () => {
        const res = await h.http('POST', '/tickets', operator, {
          content: '我家楼道里燃气泄漏了，味道特别大，赶紧派人来看看！',
          location: { streetCode: AREAS.anzhen.code },
        });
        expect(res.status).toBe(201);
        expect(res.body['urgency']).toBe('urgent');
        expect(res.body['suggestion']).toMatchObject({ urgency: { value: 'urgent' } });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'lets the operator override the suggestion',
      async () => {
        const res = await h.http('POST', '/tickets', operator, {
          content: '我家楼道里燃气泄漏了，味道特别大！',
          urgency: 'general',
          requestType: 'suggestion',
        });
        expect(res.body).toMatchObject({ urgency: 'general', requestType: 'suggestion' });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'suggests on demand at POST /classify',
      async () => {
        const res = await h.http('POST', '/classify', operator, { content: '暖气不热，家里只有十几度。' });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ urgency: { value: expect.stringMatching(/urgent|utilities/) } });
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('bad input: 4xx with the field, nothing stored', () => {
    it.each([
      ['a malformed phone', { caller: { phone: '12345' } }, 'caller.phone', 400],
      ['content over 4,000 characters', { content: '噪'.repeat(4001) }, 'content', 400],
      ['empty content', { content: '   ' }, 'content', 400],
      ['an unknown field', { colour: 'red' }, '(root)', 400],
      [
        'coordinates without their reference system',
        { location: { coordinates: { lng: 116.4, lat: 39.9 } } },
        'location.coordinates.crs',
        400,
      ],
      [
        'a latitude out of range',
        { location: { coordinates: { lng: 116.4, lat: 95, crs: 'WGS84' } } },
        'location.coordinates.lat',
        400,
      ],
      ['a media reference that is not a URL', { media: ['photo.jpg'] }, 'media.0', 400],
      ['an unknown category', { categoryCode: 'no.such.matter' }, 'categoryCode', 422],
      [
        'an unknown community',
        { location: { communityCode: '999999999999' } },
        'location.communityCode',
        422,
      ],
      [
        'a community outside the street',
        { location: { streetCode: AREAS.anzhen.code, communityCode: AREAS.hepingliQi.code } },
        'location.communityCode',
        422,
      ],
    ])(
      '%s',
      async (_what, patch, field, status) => {
        const before = await ticketCount();
        const res = await h.http('POST', '/tickets', operator, {
          content: '小区门口垃圾堆了好几天没人清运。',
          ...patch,
        });
        expect(res.status).toBe(status);
        expect(res.body['errors']).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
        if (status === 422) expect(res.body['code']).toMatch(/^TICKET\.UNKNOWN_(CATEGORY|LOCATION)$/);
        expect(await ticketCount()).toBe(before);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses an oversize body with 413',
      async () => {
        const before = await ticketCount();
        const res = await h.http('POST', '/tickets', operator, { content: '噪'.repeat(30_000) });
        expect(res.status).toBe(413);
        expect(await ticketCount()).toBe(before);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses a malformed Idempotency-Key',
      async () => {
        const res = await h.http(
          'POST',
          '/tickets',
          operator,
          { content: '路灯不亮。' },
          { 'idempotency-key': 'call 1234' },
        );
        expect(res.status).toBe(400);
        expect(res.body['errors']).toEqual([
          expect.objectContaining({ field: 'Idempotency-Key', code: 'invalid_format' }),
        ]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'needs a token and the operator role',
      async () => {
        expect((await h.http('POST', '/tickets', null, { content: '路灯不亮。' })).status).toBe(401);
        expect((await h.http('POST', '/tickets', resident('r-0'), { content: '路灯不亮。' })).status).toBe(
          403,
        );
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('search and view', () => {
    it(
      'filters by phone, status, category and words, pages, and masks callers for managers',
      async () => {
        const phone = '13900007777';
        for (let i = 0; i < 3; i++) {
          const res = await h.http(
            'POST',
            '/tickets',
            operator,
            noiseComplaint({ caller: { name: '赵先生', phone } }),
          );
          expect(res.status).toBe(201);
        }
        const page1 = await h.http('GET', `/tickets?phone=${phone}&pageSize=2`, operator);
        expect(page1.status).toBe(200);
        expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
        expect(page1.body['items']).toHaveLength(2);
        const page2 = await h.http('GET', `/tickets?phone=${phone}&pageSize=2&page=2`, operator);
        expect(page2.body['items']).toHaveLength(1);

        const filtered = await h.http(
          'GET',
          `/tickets?phone=${phone}&status=pending&categoryCode=urban.construction.night-work&q=${encodeURIComponent('施工')}`,
          operator,
        );
        expect(filtered.body['total']).toBe(3);
        const none = await h.http('GET', `/tickets?phone=${phone}&status=answered`, operator);
        expect(none.body['total']).toBe(0);

        // Lists are masked for every role: one ticket's caller is one logged read away.
        for (const reader of [manager, operator]) {
          const masked = await h.http('GET', `/tickets?phone=${phone}`, reader);
          const items = masked.body['items'] as Json[];
          expect(items[0]?.['caller']).toEqual({ name: '赵**', phone: '139****7777', confidential: false });
        }
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses a bad filter with the field',
      async () => {
        const res = await h.http('GET', '/tickets?status=lost', operator);
        expect(res.status).toBe(400);
        expect(res.body['errors']).toEqual([expect.objectContaining({ field: 'status.0' })]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'shows one ticket with its timeline',
      async () => {
        const created = await h.http(
          'POST',
          '/tickets',
          operator,
          noiseComplaint({ triage: { outcome: 'dispatch' } }),
        );
        const res = await h.http('GET', `/tickets/${created.body['id'] as string}`, operator);
        expect(res.status).toBe(200);
        expect((res.body['timeline'] as Json[]).map((e) => e['kind'])).toEqual(['received', 'forwarded']);
        expect((await h.http('GET', `/tickets/not-a-uuid`, operator)).status).toBe(404);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'shows a 回访 agent one ticket’s caller unmasked, a manager masked, and no ticket list to the agent',
      async () => {
        const created = await h.http(
          'POST',
          '/tickets',
          operator,
          noiseComplaint({ caller: { name: '钱女士', phone: '13800006666' } }),
        );
        const agent = { sub: 'agent-1', role: 'callback_agent' } as const;
        const url = `/tickets/${created.body['id'] as string}`;
        const seen = await h.http('GET', url, agent);
        expect(seen.status).toBe(200);
        expect(seen.body['caller']).toMatchObject({ name: '钱女士', phone: '13800006666' });
        expect((await h.http('GET', url, manager)).body['caller']).toMatchObject({ phone: '138****6666' });
        expect((await h.http('GET', '/tickets', agent)).status).toBe(403);
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('residents', () => {
    it(
      'submit from the app; the request is sent on and they follow it, and see only their own',
      async () => {
        const alice = resident(`resident-${randomUUID()}`);
        const res = await h.http('POST', '/resident/tickets', alice, {
          channel: 'app',
          content: '小区东门外人行道上的井盖丢了，晚上很黑，怕有人掉下去。',
          location: { streetCode: AREAS.anzhen.code, address: '安贞西里东门' },
          media: ['https://media.example.gov.cn/uploads/manhole.jpg'],
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          status: 'forwarded',
          media: ['https://media.example.gov.cn/uploads/manhole.jpg'],
        });
        expect(res.body).not.toHaveProperty('operatorId');
        const id = res.body['id'] as string;
        await h.event('ticket.received.v1', id, (data) => data['channel'] === 'app');

        const list = await h.http('GET', '/resident/tickets', alice);
        expect(list.body['total']).toBe(1);
        const view = await h.http('GET', `/resident/tickets/${id}`, alice);
        expect(view.status).toBe(200);
        expect((view.body['timeline'] as Json[]).map((e) => e['kind'])).toEqual(['received', 'forwarded']);

        const bob = resident(`resident-${randomUUID()}`);
        expect((await h.http('GET', `/resident/tickets/${id}`, bob)).status).toBe(404);
        expect((await h.http('GET', '/resident/tickets', bob)).body['total']).toBe(0);
        expect((await h.http('GET', `/tickets/${id}`, bob)).status).toBe(403);
      },
      TEST_TIMEOUT_MS,
    );
  });

  it(
    'documents every endpoint in OpenAPI, each JSON body with examples in Chinese',
    async () => {
      const res = await h.http('GET', '/docs/openapi.json', null);
      const paths = (res.json as { paths: Record<string, Record<string, Json>> }).paths;
      expect(Object.keys(paths)).toEqual(
        expect.arrayContaining([
          '/tickets',
          '/tickets/{id}',
          '/tickets/{id}/triage',
          '/classify',
          '/resident/tickets',
          '/resident/tickets/{id}',
          '/duplicate-suggestions',
          '/caller-flags',
          '/caller-flags/{id}',
          '/tickets/{id}/contact',
          '/personal-data-access',
          '/reference/status',
        ]),
      );
      const bodies = Object.entries(paths).flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([, op]) => (op['requestBody'] as Json | undefined)?.['content'])
          .map(([method, op]) => {
            const content = (op['requestBody'] as { content: Record<string, { examples?: unknown }> })
              .content;
            const examples = JSON.stringify(Object.values(content)[0]?.examples ?? null);
            return { route: `${method} ${path}`, chinese: /[\u4e00-\u9fff]/.test(examples) };
          }),
      );
      expect(bodies.length).toBeGreaterThanOrEqual(6);
      expect(bodies).toEqual(bodies.map(({ route }) => ({ route, chinese: true })));
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'publishes every ticket.received it stores, exactly once',
    async () => {
      const forwarded = await h.prisma.ticket.findMany({
        where: { status: 'forwarded' },
        select: { id: true },
      });
      for (const { id } of forwarded) await h.event('ticket.received.v1', id);
      const published = h.published.filter((e) => e.type === 'ticket.received.v1');
      expect(new Set(published.map((e) => e.subject)).size).toBe(published.length);
    },
    TIMEOUT_MS * 2,
  );
});
