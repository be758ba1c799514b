import { Logger } from '@nestjs/common';
import { RedisConnection } from '@jsjb/platform';
import { bearer } from '@jsjb/testing';
import { type IntakeHarness, startIntakeHarness } from '../support/intake-harness';

const TEST_TIMEOUT_MS = 60_000;

/** Public routes' limit per client address per minute, small so that tests reach it; one trusted proxy. */
const PROXY = '203.0.113.40';
const ENV = { RATE_LIMIT_PUBLIC_PER_MINUTE: '3', HTTP_TRUST_PROXY: PROXY };

describe('rate limits on public routes (Open311), per client address', () => {
  let h: IntakeHarness;

  beforeAll(async () => {
    h = await startIntakeHarness(ENV);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  afterEach(() => {
    h.clock.reset();
    jest.restoreAllMocks();
  });

  async function call(
    method: 'GET' | 'POST',
    url: string,
    ip: string,
    authorization?: string,
    forwardedFor?: string,
  ) {
    const res = await h.sut.app.inject({
      method,
      url,
      remoteAddress: ip,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { payload: 'api_key=wrong&service_code=x' } : {}),
    });
    return { status: res.statusCode, headers: res.headers, text: res.body };
  }

  it(
    'answers 429 with Retry-After after RATE_LIMIT_PUBLIC_PER_MINUTE calls, in the GeoReport format, GET and POST sharing the budget; another address goes on; a minute later there is room',
    async () => {
      const start = new Date(Date.now() + 3_600_000);
      h.clock.setFixed(start);
      const ip = '203.0.113.10';
      // One call a second: the first one leaves the window 60 s after it was made.
      for (const [remaining, reset] of [
        ['2', '60'],
        ['1', '59'],
        ['0', '58'],
      ]) {
        const res = await call('GET', '/open311/v2/discovery.json', ip);
        expect(res.status).toBe(200);
        expect(res.headers['ratelimit-limit']).toBe('3');
        expect(res.headers['ratelimit-remaining']).toBe(remaining);
        expect(res.headers['ratelimit-reset']).toBe(reset);
        h.clock.advance(1000);
      }
      const over = await call('GET', '/open311/v2/discovery.json', ip);
      expect(over.status).toBe(429);
      // The first call leaves the window 60 s after it was made, 3 s ago.
      expect(over.headers['retry-after']).toBe('57');
      expect(over.headers['ratelimit-remaining']).toBe('0');
      expect(over.headers['ratelimit-reset']).toBe('57');
      expect(JSON.parse(over.text)).toEqual([
        { code: 429, description: 'Too many requests; retry after 57 s.' },
      ]);

      const post = await call('POST', '/open311/v2/requests.xml', ip);
      expect(post.status).toBe(429);
      expect(post.headers['content-type']).toContain('text/xml');
      expect(post.text).toContain('<code>429</code>');

      expect((await call('GET', '/open311/v2/discovery.json', '203.0.113.11')).status).toBe(200);

      h.clock.advance(57_000);
      const later = await call('GET', '/open311/v2/discovery.json', ip);
      expect(later.status).toBe(200);
      expect(later.headers['ratelimit-remaining']).toBe('0');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'counts the client behind a trusted proxy (HTTP_TRUST_PROXY), and an untrusted sender by its own address whatever it forwards',
    async () => {
      const discovery = '/open311/v2/discovery.json';
      for (let i = 0; i < 3; i += 1) {
        expect((await call('GET', discovery, PROXY, undefined, '198.51.100.7')).status).toBe(200);
      }
      expect((await call('GET', discovery, PROXY, undefined, '198.51.100.7')).status).toBe(429);
      expect((await call('GET', discovery, PROXY, undefined, '198.51.100.8')).status).toBe(200);

      const spoofer = '192.0.2.1';
      for (let i = 0; i < 3; i += 1) {
        expect((await call('GET', discovery, spoofer, undefined, `198.51.100.${100 + i}`)).status).toBe(200);
      }
      expect((await call('GET', discovery, spoofer, undefined, '198.51.100.200')).status).toBe(429);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'leaves routes without @RateLimit alone',
    async () => {
      const ip = '203.0.113.20';
      const resident = bearer({ sub: 'resident-rl', role: 'resident' });
      for (let i = 0; i < 8; i += 1) {
        const list = await call('GET', '/resident/tickets', ip, resident);
        expect(list.status).toBe(200);
        expect(list.headers).not.toHaveProperty('ratelimit-limit');
        expect((await call('GET', '/healthz', ip)).status).toBe(200);
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'fails open while Redis is down: requests go through, a warning is logged and counted',
    async () => {
      const ip = '203.0.113.30';
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const redis = h.sut.app.get(RedisConnection).client;
      redis.disconnect();
      try {
        for (let i = 0; i < 5; i += 1) {
          const res = await call('GET', '/open311/v2/discovery.json', ip);
          expect(res.status).toBe(200);
          expect(res.headers).not.toHaveProperty('ratelimit-limit');
        }
      } finally {
        await redis.connect();
      }
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /^rate limit open311 not checked, request let through \(rate-limit counters unavailable/,
        ),
      );
      const metrics = await h.sut.app.inject({ method: 'GET', url: '/metrics' });
      const unchecked = metrics.body
        .split('\n')
        .find(
          (line) =>
            line.startsWith('http_rate_limit_requests_total{') &&
            line.includes('limit="open311"') &&
            line.includes('outcome="unchecked"'),
        );
      expect(Number(unchecked?.split(' ').at(-1))).toBeGreaterThanOrEqual(5);
    },
    TEST_TIMEOUT_MS,
  );
});
