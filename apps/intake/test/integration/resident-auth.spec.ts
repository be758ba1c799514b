import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { RedisConnection } from '@jsjb/platform';
import { DEVELOPMENT_PII_HASH_KEY } from '../../src/privacy/privacy.config';
import { SMS_SENDER, type SmsSender, SmsUnavailableError } from '../../src/resident-auth/sms.sender';
import { type IntakeHarness, startIntakeHarness } from '../support/intake-harness';
import { AREAS, seedReference } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
type Json = Record<string, unknown>;

/** Small limits, so that tests reach them. */
const ENV = {
  OTP_PHONE_DAILY_LIMIT: '3',
  OTP_IP_HOURLY_LIMIT: '4',
  OTP_MAX_ATTEMPTS: '5',
  OTP_TTL_SECONDS: '300',
  OTP_RESEND_SECONDS: '60',
};

let serial = 0;
/** A fresh mobile number per use (the per-phone limits would otherwise carry over between tests). */
function newPhone(): string {
  serial += 1;
  return `1391${String(Date.now() % 10_000).padStart(4, '0')}${String(serial).padStart(3, '0')}`;
}
/** A fresh client address per test: the per-address limit stays out of the other tests. */
let address = 0;
function newIp(): string {
  address += 1;
  return `198.51.100.${address}`;
}

describe('resident login by one-time code (issue 7)', () => {
  let h: IntakeHarness;
  let logged: jest.SpyInstance;

  beforeAll(async () => {
    h = await startIntakeHarness(ENV);
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  beforeEach(() => {
    // The development sender writes the message to the log: the test reads the code there.
    logged = jest.spyOn(Logger.prototype, 'log');
  });

  afterEach(() => {
    h.clock.reset();
    jest.restoreAllMocks();
  });

  async function post(url: string, body: Json, ip: string) {
    const res = await h.sut.app.inject({
      method: 'POST',
      url,
      remoteAddress: ip,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
    return { status: res.statusCode, body: res.json<Json>(), headers: res.headers };
  }

  const requestCode = (phone: string, ip: string) => post('/auth/resident/code', { phone }, ip);
  const exchange = (phone: string, code: string, ip: string) =>
    post('/auth/resident/token', { phone, code }, ip);

  /** The code in the last SMS the log sender wrote for the phone (masked there). */
  function lastCode(phone: string): string {
    const masked = `${phone.slice(0, 3)}****${phone.slice(7)}`;
    const lines = logged.mock.calls
      .map(([message]) => String(message))
      .filter((message) => message.startsWith(`SMS to ${masked}`));
    const code = /验证码为 (\d{6})/.exec(lines.at(-1) ?? '')?.[1];
    if (!code) throw new Error(`no SMS logged for ${masked}`);
    return code;
  }

  async function login(phone: string, ip: string): Promise<string> {
    expect((await requestCode(phone, ip)).status).toBe(202);
    const res = await exchange(phone, lastCode(phone), ip);
    expect(res.status).toBe(200);
    return `Bearer ${res.body['accessToken'] as string}`;
  }

  function claims(authorization: string): Json {
    const payload = authorization.replace('Bearer ', '').split('.')[1] ?? '';
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Json;
  }

  it(
    'sends a code, exchanges it for a resident token, and the resident submits and follows their own tickets; another resident sees none of them',
    async () => {
      const ip = newIp();
      const phone = newPhone();
      const sent = await requestCode(`+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`, ip);
      expect(sent.status).toBe(202);
      expect(sent.body).toEqual({ expiresAt: expect.any(String), resendAfterSeconds: 60 });
      const expiresIn = Date.parse(sent.body['expiresAt'] as string) - Date.now();
      expect(expiresIn).toBeGreaterThan(295_000);
      expect(expiresIn).toBeLessThanOrEqual(300_000);
      // The log shows the code and the masked phone, never the number.
      const line = String(logged.mock.calls.find(([m]) => String(m).startsWith('SMS to'))?.[0]);
      expect(line).toContain(`${phone.slice(0, 3)}****${phone.slice(7)}`);
      expect(line).not.toContain(phone);
      expect(line).toMatch(/验证码为 \d{6}，5 分钟内有效/);
      // Only an HMAC is stored, keyed by the phone's keyed hash: neither the code nor the number is in Redis.
      const phoneKey = createHmac('sha256', DEVELOPMENT_PII_HASH_KEY).update(phone).digest('hex');
      const stored = await h.sut.app.get(RedisConnection).client.hgetall(`auth:otp:${phoneKey}`);
      expect(Object.keys(stored).sort()).toEqual(['attempts', 'expiresAt', 'mac']);
      expect(stored['mac']).not.toContain(lastCode(phone));

      const token = await exchange(phone, lastCode(phone), ip);
      expect(token.status).toBe(200);
      expect(token.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresAt: expect.any(String),
      });
      const alice = `Bearer ${token.body['accessToken'] as string}`;
      const aliceClaims = claims(alice);
      expect(aliceClaims).toMatchObject({ role: 'resident', sub: `resident:${phoneKey}`, iss: 'jsjb' });
      expect((aliceClaims['exp'] as number) - (aliceClaims['iat'] as number)).toBe(24 * 3600);
      expect(new Date((aliceClaims['exp'] as number) * 1000).toISOString()).toBe(token.body['expiresAt']);

      const submitted = await h.sut.app.inject({
        method: 'POST',
        url: '/resident/tickets',
        remoteAddress: ip,
        headers: { authorization: alice, 'content-type': 'application/json' },
        payload: JSON.stringify({
          content: '小区北门路灯坏了一周，晚上很黑。',
          location: { streetCode: AREAS.anzhen.code, address: '安贞西里北门' },
        }),
      });
      expect(submitted.statusCode).toBe(201);
      const id = submitted.json<Json>()['id'] as string;
      const mine = await h.sut.app.inject({
        method: 'GET',
        url: '/resident/tickets',
        headers: { authorization: alice },
      });
      expect(mine.json<Json>()).toMatchObject({ total: 1, items: [{ id }] });
      const one = await h.sut.app.inject({
        method: 'GET',
        url: `/resident/tickets/${id}`,
        headers: { authorization: alice },
      });
      expect(one.statusCode).toBe(200);

      const bob = await login(newPhone(), ip);
      expect(claims(bob)['sub']).not.toBe(aliceClaims['sub']);
      const theirs = await h.sut.app.inject({
        method: 'GET',
        url: `/resident/tickets/${id}`,
        headers: { authorization: bob },
      });
      expect(theirs.statusCode).toBe(404);
      const bobs = await h.sut.app.inject({
        method: 'GET',
        url: '/resident/tickets',
        headers: { authorization: bob },
      });
      expect(bobs.json<Json>()['total']).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'works once: the same code again is expired',
    async () => {
      const ip = newIp();
      const phone = newPhone();
      await login(phone, ip);
      const again = await exchange(phone, lastCode(phone), ip);
      expect(again.status).toBe(401);
      expect(again.body['code']).toBe('AUTH.OTP_EXPIRED');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts wrong codes: 401 OTP_INVALID with the attempts left, the 5th burns the code and even the right one fails then',
    async () => {
      const ip = newIp();
      const phone = newPhone();
      expect((await requestCode(phone, ip)).status).toBe(202);
      const code = lastCode(phone);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      for (const left of [4, 3, 2, 1]) {
        const res = await exchange(phone, wrong, ip);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({
          code: 'AUTH.OTP_INVALID',
          errors: [{ field: 'code', code: 'otp_invalid', message: `${left} attempts left for this code` }],
        });
      }
      const fifth = await exchange(phone, wrong, ip);
      expect(fifth.status).toBe(401);
      expect(fifth.body['code']).toBe('AUTH.OTP_EXHAUSTED');
      const right = await exchange(phone, code, ip);
      expect(right.status).toBe(401);
      expect(right.body['code']).toBe('AUTH.OTP_EXHAUSTED');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'expires after OTP_TTL_SECONDS (the service clock moved, no waiting); a phone without a code gets the same answer',
    async () => {
      const ip = newIp();
      const phone = newPhone();
      expect((await requestCode(phone, ip)).status).toBe(202);
      h.clock.advance(300_000);
      const late = await exchange(phone, lastCode(phone), ip);
      expect(late.status).toBe(401);
      expect(late.body['code']).toBe('AUTH.OTP_EXPIRED');
      const none = await exchange(newPhone(), '123456', ip);
      expect(none.status).toBe(401);
      expect(none.body['code']).toBe('AUTH.OTP_EXPIRED');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses another code within the cooldown (429 with Retry-After); after it, a new code replaces the old one; the daily cap stops the 4th',
    async () => {
      // Each request from another address: only the per-phone limits are at work here.
      const ip = newIp();
      const phone = newPhone();
      const start = new Date(Date.now() + 3_600_000);
      h.clock.setFixed(start);
      expect((await requestCode(phone, newIp())).status).toBe(202);
      const first = lastCode(phone);
      h.clock.advance(20_000);
      const soon = await requestCode(phone, newIp());
      expect(soon.status).toBe(429);
      expect(soon.headers['retry-after']).toBe('40');
      expect(soon.body).toMatchObject({
        code: 'AUTH.OTP_COOLDOWN',
        errors: [{ field: 'phone', code: 'rate_limited', message: 'retry after 40 s' }],
      });

      h.clock.advance(40_000);
      expect((await requestCode(phone, newIp())).status).toBe(202);
      const second = lastCode(phone);
      if (second !== first) {
        expect((await exchange(phone, first, ip)).body['code']).toBe('AUTH.OTP_INVALID');
      }
      h.clock.advance(60_000);
      expect((await requestCode(phone, newIp())).status).toBe(202);
      h.clock.advance(60_000);
      const fourth = await requestCode(phone, newIp());
      expect(fourth.status).toBe(429);
      expect(fourth.body['code']).toBe('AUTH.OTP_DAILY_LIMIT');
      // The first of the three leaves the 24 hours 180 s after it was sent.
      expect(Number(fourth.headers['retry-after'])).toBe(24 * 3600 - 180);
      const token = await exchange(phone, lastCode(phone), ip);
      expect(token.status).toBe(200);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'limits code requests per client address (OTP_IP_HOURLY_LIMIT) with 429 HTTP.RATE_LIMITED and the RateLimit headers',
    async () => {
      const ip = newIp();
      for (let i = 0; i < 4; i += 1) {
        const res = await requestCode(newPhone(), ip);
        expect(res.status).toBe(202);
        expect(res.headers['ratelimit-limit']).toBe('4');
        expect(res.headers['ratelimit-remaining']).toBe(String(3 - i));
      }
      const over = await requestCode(newPhone(), ip);
      expect(over.status).toBe(429);
      expect(over.body['code']).toBe('HTTP.RATE_LIMITED');
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(3500);
      expect(over.headers['ratelimit-remaining']).toBe('0');
      // Another address is not affected.
      expect((await requestCode(newPhone(), newIp())).status).toBe(202);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'answers 503 AUTH.SMS_UNAVAILABLE when the message cannot be sent, and the unsent code does not work',
    async () => {
      const ip = newIp();
      const phone = newPhone();
      const sender = h.sut.app.get<SmsSender>(SMS_SENDER);
      let unsent = '';
      jest.spyOn(sender, 'send').mockImplementationOnce((message) => {
        unsent = /验证码为 (\d{6})/.exec(message.text)?.[1] ?? '';
        return Promise.reject(new SmsUnavailableError('The SMS gateway answered 502.'));
      });
      const res = await requestCode(phone, ip);
      expect(res.status).toBe(503);
      expect(res.body['code']).toBe('AUTH.SMS_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('60');
      expect(unsent).toMatch(/^\d{6}$/);
      const tried = await exchange(phone, unsent, ip);
      expect(tried.status).toBe(401);
      expect(tried.body['code']).toBe('AUTH.OTP_EXPIRED');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'is documented in OpenAPI: both routes, their bodies with examples, and the 429s',
    async () => {
      const res = await h.sut.app.inject({ method: 'GET', url: '/docs/openapi.json' });
      const paths = res.json<{ paths: Record<string, { post: { responses: Json; requestBody: Json } }> }>()
        .paths;
      expect(Object.keys(paths['/auth/resident/code']?.post.responses ?? {})).toEqual(
        expect.arrayContaining(['202', '400', '429', '503']),
      );
      expect(Object.keys(paths['/auth/resident/token']?.post.responses ?? {})).toEqual(
        expect.arrayContaining(['200', '400', '401', '429']),
      );
      expect(JSON.stringify(paths['/auth/resident/token']?.post.requestBody)).toContain('短信验证码');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'refuses a landline or a malformed code with 400 and the field, and sends nothing',
    async () => {
      const ip = newIp();
      const landline = await requestCode('010-65128088', ip);
      expect(landline.status).toBe(400);
      expect(landline.body['errors']).toEqual([expect.objectContaining({ field: 'phone' })]);
      const nonsense = await requestCode('12345', ip);
      expect(nonsense.status).toBe(400);
      const code = await exchange(newPhone(), '12ab56', ip);
      expect(code.status).toBe(400);
      expect(code.body['errors']).toEqual([expect.objectContaining({ field: 'code' })]);
      expect(logged.mock.calls.filter(([m]) => String(m).startsWith('SMS to'))).toHaveLength(0);
    },
    TEST_TIMEOUT_MS,
  );
});
