import { randomBytes } from 'node:crypto';
import {
  baseConfigSchema,
  loadConfig,
  RateLimiter,
  type RateWindow,
  ReadinessRegistry,
  RedisConnection,
} from '../../src';
import { postgresUrl, redisUrl } from '../support';

const MINUTE = 60_000;
const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

describe('RateLimiter (sliding-window logs in Redis, one atomic script)', () => {
  let redis: RedisConnection;
  let sut: RateLimiter;
  let prefix: string;

  beforeAll(async () => {
    prefix = `jsjb:test:rl-${randomBytes(4).toString('hex')}:`;
    const config = loadConfig(baseConfigSchema, {
      PORT: '0',
      DATABASE_URL: postgresUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
    });
    redis = new RedisConnection(config, 'platform', new ReadinessRegistry());
    await redis.onModuleInit();
    sut = new RateLimiter(redis);
  }, 60_000);

  afterAll(async () => {
    // ioredis prefixes keys but not patterns: keys() takes and answers full names, del() adds the prefix.
    const keys = await redis.client.keys(`${prefix}platform:*`);
    const own = keys.map((k) => k.slice(`${prefix}platform:`.length));
    if (own.length > 0) await redis.client.del(...own);
    await redis.onModuleDestroy();
  }, 60_000);

  let serial = 0;
  const window = (limit: number | null, windowMs = MINUTE): RateWindow => {
    serial += 1;
    return { key: `spec:${serial}`, limit, windowMs };
  };

  it('allows `limit` requests in a window, refuses the next without counting it, and says when there is room', async () => {
    const w = window(3);
    for (const [i, ms] of [0, 10_000, 20_000].entries()) {
      const hit = await sut.hit([w], { at: at(ms) });
      expect(hit.refused).toBe(false);
      expect(hit.windows[0]).toMatchObject({ count: i, waitMs: 0, oldestAt: i === 0 ? null : T0.getTime() });
    }
    const refused = await sut.hit([w], { at: at(30_000) });
    expect(refused.refused).toBe(true);
    // The oldest request (t=0) leaves the window at t=60 s.
    expect(refused.windows[0]).toMatchObject({ count: 3, waitMs: 30_000, firstRefusal: true });
    const again = await sut.hit([w], { at: at(59_999) });
    expect(again.windows[0]).toMatchObject({ count: 3, waitMs: 1, firstRefusal: false });
    // The window slides: at t=60 s the first request is out, one slot is free.
    const later = await sut.hit([w], { at: at(60_000) });
    expect(later.refused).toBe(false);
    expect(later.windows[0]).toMatchObject({ count: 2, oldestAt: T0.getTime() + 10_000 });
    expect((await sut.hit([w], { at: at(60_001) })).refused).toBe(true);
  });

  it('counts in all windows or none: a full window refuses and the others stay as they were', async () => {
    const short = window(1, 10_000);
    const long = window(2, MINUTE);
    expect((await sut.hit([short, long], { at: at(0) })).refused).toBe(false);
    const refused = await sut.hit([short, long], { at: at(5_000) });
    expect(refused.refused).toBe(true);
    expect(refused.windows.map((r) => [r.count, r.waitMs > 0])).toEqual([
      [1, true],
      [1, false],
    ]);
    expect((await sut.hit([short, long], { at: at(10_000) })).windows[1]?.count).toBe(1);
    const third = await sut.hit([short, long], { at: at(20_000) });
    expect(third.refused).toBe(true);
    expect(third.windows[1]).toMatchObject({ count: 2, waitMs: 40_000 });
  });

  it('counts without refusing when not enforcing, and a window without a limit only counts', async () => {
    const limited = window(1);
    const counted = window(null);
    for (let i = 0; i < 3; i += 1) {
      const hit = await sut.hit([limited, counted], { at: at(i * 1000), enforce: false });
      expect(hit.refused).toBe(false);
      expect(hit.windows[1]?.count).toBe(i);
    }
    const reading = await sut.hit([limited, counted], { at: at(3000), enforce: false });
    expect(reading.windows[0]).toMatchObject({ count: 3, waitMs: MINUTE - 1000 });
  });

  it('fails with RATE_LIMIT.UNAVAILABLE when Redis does not answer in time', async () => {
    redis.client.disconnect();
    try {
      await expect(sut.hit([window(1)], { at: at(0), timeoutMs: 50 })).rejects.toMatchObject({
        code: 'RATE_LIMIT.UNAVAILABLE',
      });
    } finally {
      await redis.client.connect();
    }
  });
});
