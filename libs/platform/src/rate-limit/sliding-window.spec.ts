import { rateLimitStatus, retryAfterSeconds, type WindowReading } from './sliding-window';

const WINDOW = { limit: 5, windowMs: 60_000 };
const NOW = 1_000_000;

function reading(overrides: Partial<WindowReading> = {}): WindowReading {
  return { count: 0, waitMs: 0, oldestAt: null, firstRefusal: false, ...overrides };
}

describe('retryAfterSeconds', () => {
  it('rounds a wait up to whole seconds, at least 1', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(0)).toBe(1);
  });
});

describe('rateLimitStatus', () => {
  it('counts this request: the first of an empty window leaves limit − 1 and frees its slot a window later', () => {
    expect(rateLimitStatus(WINDOW, reading(), false, NOW)).toEqual({
      limit: 5,
      remaining: 4,
      resetSeconds: 60,
      retryAfterSeconds: null,
    });
  });

  it('resets when the oldest request in the window leaves it', () => {
    const status = rateLimitStatus(WINDOW, reading({ count: 3, oldestAt: NOW - 45_500 }), false, NOW);
    expect(status).toEqual({ limit: 5, remaining: 1, resetSeconds: 15, retryAfterSeconds: null });
  });

  it('has nothing left after the last allowed request', () => {
    const status = rateLimitStatus(WINDOW, reading({ count: 4, oldestAt: NOW - 10_000 }), false, NOW);
    expect(status.remaining).toBe(0);
    expect(status.resetSeconds).toBe(50);
  });

  it('tells a refused client how long to wait, the same in Reset and Retry-After', () => {
    const status = rateLimitStatus(
      WINDOW,
      reading({ count: 5, waitMs: 12_001, oldestAt: NOW - 47_999 }),
      true,
      NOW,
    );
    expect(status).toEqual({ limit: 5, remaining: 0, resetSeconds: 13, retryAfterSeconds: 13 });
  });
});
