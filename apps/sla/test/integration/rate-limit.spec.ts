import { bearer } from '@jsjb/testing';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

const TEST_TIMEOUT_MS = 60_000;

describe('rate limits on the residents’ rating links, per client address', () => {
  let h: SlaHarness;

  beforeAll(async () => {
    h = await startSlaHarness({ RATE_LIMIT_PUBLIC_PER_MINUTE: '3' });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  afterEach(() => h.clock.reset());

  async function call(method: 'GET' | 'POST', url: string, ip: string, authorization?: string) {
    const res = await h.sut.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      ...(method === 'POST'
        ? { payload: JSON.stringify({ resolved: true, satisfaction: 'satisfied' }) }
        : {}),
    });
    return { status: res.statusCode, headers: res.headers, body: res.json<Record<string, unknown>>() };
  }

  it(
    'answers 429 HTTP.RATE_LIMITED with Retry-After after RATE_LIMIT_PUBLIC_PER_MINUTE calls, viewing and rating sharing the budget',
    async () => {
      h.clock.setFixed(new Date(Date.now() + 3_600_000));
      const ip = '203.0.113.50';
      for (const remaining of ['2', '1']) {
        const res = await call('GET', '/ratings/not-a-link', ip);
        expect(res.status).toBe(401);
        expect(res.body['code']).toBe('RATING.LINK_INVALID');
        expect(res.headers['ratelimit-remaining']).toBe(remaining);
        h.clock.advance(10_000);
      }
      expect((await call('POST', '/ratings/not-a-link', ip)).headers['ratelimit-remaining']).toBe('0');
      const over = await call('GET', '/ratings/not-a-link', ip);
      expect(over.status).toBe(429);
      expect(over.headers['content-type']).toContain('application/problem+json');
      expect(over.headers['retry-after']).toBe('40');
      expect(over.headers['ratelimit-limit']).toBe('3');
      expect(over.body).toMatchObject({ status: 429, code: 'HTTP.RATE_LIMITED' });
      expect((await call('POST', '/ratings/not-a-link', ip)).status).toBe(429);
      // Another address is not affected; after Retry-After there is room again.
      expect((await call('GET', '/ratings/not-a-link', '203.0.113.51')).status).toBe(401);
      h.clock.advance(40_000);
      expect((await call('GET', '/ratings/not-a-link', ip)).status).toBe(401);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'leaves routes without @RateLimit alone',
    async () => {
      const ip = '203.0.113.60';
      const manager = bearer({ sub: 'manager-rl', role: 'manager' });
      for (let i = 0; i < 6; i += 1) {
        const res = await call('GET', '/policies', ip, manager);
        expect(res.status).toBe(200);
        expect(res.headers).not.toHaveProperty('ratelimit-limit');
      }
    },
    TEST_TIMEOUT_MS,
  );
});
