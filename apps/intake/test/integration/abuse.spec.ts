import { RedisConnection, type TokenClaims } from '@jsjb/platform';
import { bearer } from '@jsjb/testing';
import { CallerData } from '../../src/privacy/caller-data.service';
import { type IntakeHarness, startIntakeHarness } from '../support/intake-harness';
import { seedReference } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const MINUTE = 60_000;
const operator: TokenClaims = { sub: 'operator-9', role: 'operator' };
const manager: TokenClaims = { sub: 'manager-2', role: 'manager' };
const resident = (sub: string): TokenClaims => ({ sub, role: 'resident' });

type Json = Record<string, unknown>;

/** Small limits, so that tests reach them: 3 per phone, 5 per address per hour; 3 identical contents. */
const ENV = {
  ABUSE_PHONE_LIMIT: '3',
  ABUSE_IP_LIMIT: '5',
  ABUSE_WINDOW_MINUTES: '60',
  ABUSE_REPEAT_COUNT: '3',
  ABUSE_REPEAT_WINDOW_HOURS: '24',
};

/** Different matters, so that repeated-content detection stays out of the rate tests. */
const MATTERS = [
  '小区门口垃圾堆积多日无人清理',
  '楼下饭店油烟扰民',
  '路口红绿灯不亮，车辆乱行',
  '小区电梯经常故障，物业不修',
  '人行道上共享单车乱停放',
  '家中停水一天了',
  '公园健身器材损坏',
];

let phoneSerial = 0;
function newPhone(): string {
  phoneSerial += 1;
  return `1502${String(Date.now() % 10_000).padStart(4, '0')}${String(phoneSerial).padStart(3, '0')}`;
}

describe('abuse control (Arts. 9, 37): throttling online requests, flagging callers, review', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntakeHarness(ENV);
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  afterEach(() => h.clock.reset());

  /** A resident's submission from `ip` (the harness's requests all come from 127.0.0.1). */
  async function submit(ip: string, body: Json, subject = 'resident-1') {
    const res = await h.sut.app.inject({
      method: 'POST',
      url: '/resident/tickets',
      remoteAddress: ip,
      headers: { authorization: bearer(resident(subject)), 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.json<Json>(), headers: res.headers };
  }

  async function call(phone: string, content: string): Promise<Json> {
    const res = await h.http('POST', '/tickets', operator, { content, caller: { phone } });
    expect(res.status).toBe(201);
    return res.body;
  }

  /** A phone flag's subject is the number's keyed hash; an address is itself. */
  const subjectOf = (phoneOrIp: string) =>
    phoneOrIp.includes('.') || phoneOrIp.includes(':')
      ? phoneOrIp
      : h.sut.app.get(CallerData).hashPhone(phoneOrIp);
  const openFlags = (subject: string) =>
    h.prisma.callerFlag.findMany({
      where: { subject: subjectOf(subject), status: 'open' },
      orderBy: { firstAt: 'asc' },
    });

  it(
    'refuses a resident’s 4th submission from one phone within the hour with 429 and when to retry; an hour later it goes through',
    async () => {
      const start = new Date('2031-05-01T02:00:00.000Z');
      h.clock.setFixed(start);
      const phone = newPhone();
      for (const [i, content] of MATTERS.slice(0, 3).entries()) {
        const ok = await submit(`198.51.100.${i + 1}`, { content, caller: { phone } });
        expect(ok.status).toBe(201);
      }
      const before = await h.prisma.ticket.count();
      h.clock.advance(10 * MINUTE);
      const refused = await submit('198.51.100.9', { content: MATTERS[3], caller: { phone } });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe(String(50 * 60));
      expect(refused.body).toMatchObject({
        code: 'INTAKE.RATE_LIMITED',
        errors: [{ field: 'caller.phone', code: 'rate_limited', message: `retry after ${50 * 60} s` }],
      });
      expect(await submit('198.51.100.9', { content: MATTERS[4], caller: { phone } })).toMatchObject({
        status: 429,
      });
      expect(await h.prisma.ticket.count()).toBe(before);
      // Flagged once for the window, with no ticket: the refused requests stored none.
      expect(await openFlags(phone)).toEqual([
        expect.objectContaining({ subjectKind: 'phone', reason: 'rate-phone', hits: 1, ticketIds: [] }),
      ]);

      h.clock.setFixed(new Date(start.getTime() + 60 * MINUTE + 1000));
      expect((await submit('198.51.100.9', { content: MATTERS[5], caller: { phone } })).status).toBe(201);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'limits per address, an IPv6 /64 counting as one: the 6th submission is refused and the address flagged',
    async () => {
      for (let i = 0; i < 5; i++) {
        const ok = await submit(`2001:db8:77:1::${i + 10}`, { content: MATTERS[i] });
        expect(ok.status).toBe(201);
      }
      const refused = await submit('2001:db8:77:1:ffff::1', { content: MATTERS[5] });
      expect(refused.status).toBe(429);
      expect(refused.body).toMatchObject({ errors: [{ field: '(client)', code: 'rate_limited' }] });
      expect(await openFlags('2001:db8:77:1::/64')).toEqual([
        expect.objectContaining({ subjectKind: 'ip', reason: 'rate-ip', hits: 1 }),
      ]);
      // Another /64 has its own count.
      expect((await submit('2001:db8:77:2::1', { content: MATTERS[6] })).status).toBe(201);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'never refuses a hotline call: past the limit each call is recorded and flags the phone, not the operator’s address',
    async () => {
      const phone = newPhone();
      const tickets: Json[] = [];
      for (const content of MATTERS.slice(0, 5)) tickets.push(await call(phone, content));
      const [flag, ...more] = await openFlags(phone);
      expect(more).toHaveLength(0);
      expect(flag).toMatchObject({
        subjectKind: 'phone',
        reason: 'rate-phone',
        hits: 2,
        ticketIds: [tickets[3]?.['id'], tickets[4]?.['id']],
      });
      expect(await openFlags('127.0.0.1')).toHaveLength(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'flags the third identical content from one caller, punctuation and formulas aside, and still records it',
    async () => {
      const phone = newPhone();
      await call(phone, '楼上住户每天深夜拖动家具，噪音扰民');
      await call(phone, '楼上住户每天深夜拖动家具噪音扰民！');
      expect(await openFlags(phone)).toHaveLength(0);
      const third = await call(phone, '市民来电反映：楼上住户每天深夜拖动家具，噪音扰民。');
      expect(await openFlags(phone)).toEqual([
        expect.objectContaining({ reason: 'repeated-content', hits: 1, ticketIds: [third['id']] }),
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  describe('review (GET /caller-flags, clear, confirm)', () => {
    async function flaggedPhone(): Promise<{ phone: string; flagId: string }> {
      const phone = newPhone();
      for (const content of MATTERS.slice(0, 4)) await call(phone, content);
      const [flag] = await openFlags(phone);
      if (!flag) throw new Error(`${phone} was not flagged`);
      return { phone, flagId: flag.id };
    }

    it(
      'lists open flags with their tickets’ numbers; clearing needs a note and is done once',
      async () => {
        const { phone, flagId } = await flaggedPhone();
        const list = await h.http('GET', `/caller-flags?status=open&subject=${phone}`, manager);
        expect(list.status).toBe(200);
        expect(list.body).toMatchObject({ total: 1, page: 1 });
        const [item] = list.body['items'] as Json[];
        expect(item).toMatchObject({
          id: flagId,
          subjectKind: 'phone',
          subject: `${phone.slice(0, 3)}****${phone.slice(7)}`,
          reason: 'rate-phone',
          status: 'open',
          hits: 1,
          tickets: [
            { id: expect.any(String) as string, number: expect.stringMatching(/^\d{14}$/) as string },
          ],
        });

        expect((await h.http('POST', `/caller-flags/${flagId}/clear`, operator, {})).status).toBe(400);
        const cleared = await h.http('POST', `/caller-flags/${flagId}/clear`, operator, {
          note: '孩子生病，家长多次来电询问，属正常诉求',
        });
        expect(cleared.status).toBe(200);
        expect(cleared.body).toMatchObject({
          status: 'cleared',
          reviewedBy: 'operator-9',
          reviewNote: '孩子生病，家长多次来电询问，属正常诉求',
        });
        const twice = await h.http('POST', `/caller-flags/${flagId}/confirm`, manager, { note: 'again' });
        expect(twice.status).toBe(409);
        expect(twice.body['code']).toBe('CALLER_FLAG.REVIEWED');

        // A new hit after the review opens a new flag; the cleared one stays as it was.
        await call(phone, MATTERS[5] ?? '');
        const flags = await h.prisma.callerFlag.findMany({ where: { subject: subjectOf(phone) } });
        expect(flags.map((f) => f.status).sort()).toEqual(['cleared', 'open']);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'confirms abuse with a note; only operators, managers and admins review',
      async () => {
        const { flagId } = await flaggedPhone();
        expect((await h.http('GET', '/caller-flags', resident('r-2'))).status).toBe(403);
        expect((await h.http('GET', '/caller-flags', { sub: 'd-1', role: 'dispatcher' })).status).toBe(403);
        const confirmed = await h.http('POST', `/caller-flags/${flagId}/confirm`, manager, {
          note: '同一号码一小时内反复来电辱骂话务员',
        });
        expect(confirmed.status).toBe(200);
        expect(confirmed.body).toMatchObject({ status: 'confirmed', reviewedBy: 'manager-2' });
        const listed = await h.http('GET', '/caller-flags?status=confirmed&pageSize=100', {
          sub: 'a',
          role: 'admin',
        });
        expect((listed.body['items'] as Json[]).map((f) => f['id'])).toContain(flagId);
        const missing = await h.http(
          'POST',
          '/caller-flags/4b8f8a5e-3d7c-4f4e-9a55-1b2c3d4e5f60/clear',
          operator,
          {
            note: 'x',
          },
        );
        expect(missing.status).toBe(404);
        expect(missing.body['code']).toBe('CALLER_FLAG.NOT_FOUND');
      },
      TEST_TIMEOUT_MS,
    );
  });

  it(
    'records requests unscreened while the counters are unreachable: a genuine request is never dropped',
    async () => {
      const redis = h.sut.app.get(RedisConnection).client;
      redis.disconnect();
      try {
        const phone = newPhone();
        for (const [i, content] of MATTERS.slice(0, 5).entries()) {
          const res = await submit(`203.0.113.${i + 1}`, { content, caller: { phone } });
          expect(res.status).toBe(201);
        }
        expect(await openFlags(phone)).toHaveLength(0);
      } finally {
        await redis.connect();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
