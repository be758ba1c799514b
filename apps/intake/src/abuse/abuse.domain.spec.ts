import {
  type AbuseLimits,
  contentHash,
  type CounterReading,
  decideScreening,
  flagSubject,
  screenSubjects,
} from './abuse.domain';

const LIMITS: AbuseLimits = {
  windowMs: 3_600_000,
  phoneLimit: 20,
  ipLimit: 60,
  repeatCount: 3,
  repeatWindowMs: 86_400_000,
};

function reading(overrides: Partial<CounterReading> = {}): CounterReading {
  return {
    phoneCount: 0,
    ipCount: 0,
    phoneWaitMs: 0,
    ipWaitMs: 0,
    contentCount: 1,
    throttled: false,
    firstThrottlePhone: false,
    firstThrottleIp: false,
    ...overrides,
  };
}

describe('contentHash', () => {
  it('is the same for the same words with other punctuation, digits or formulas', () => {
    expect(contentHash('市民来电反映：楼下5号商铺噪音扰民！')).toBe(contentHash('楼下8号商铺噪音扰民'));
    expect(contentHash('楼上拖动家具，噪音扰民')).toBe(contentHash('楼上拖动家具噪音扰民！'));
  });

  it('differs for different words', () => {
    expect(contentHash('楼下商铺噪音扰民')).not.toBe(contentHash('楼下商铺油烟扰民'));
  });
});

describe('screenSubjects', () => {
  const base = { phone: '13800138000', ip: '203.0.113.7', content: '噪音扰民' };

  it('counts a hotline call by the caller’s phone only (the address is the operator’s desk) and never throttles it', () => {
    expect(screenSubjects({ ...base, channel: 'hotline' })).toEqual({
      phone: '13800138000',
      ip: null,
      content: { kind: 'phone', subject: '13800138000', hash: contentHash('噪音扰民') },
      throttles: false,
    });
  });

  it('counts online requests by phone and address, and may throttle them', () => {
    for (const channel of ['app', 'web', 'mini-program', 'open311']) {
      expect(screenSubjects({ ...base, channel })).toMatchObject({
        phone: '13800138000',
        ip: '203.0.113.7',
        throttles: true,
      });
    }
  });

  it('counts repeated content by the address when there is no phone', () => {
    expect(screenSubjects({ ...base, phone: null, channel: 'web' }).content).toEqual({
      kind: 'ip',
      subject: '203.0.113.7',
      hash: contentHash('噪音扰民'),
    });
  });

  it('has nothing to count for a hotline call without a number', () => {
    expect(screenSubjects({ ...base, phone: null, channel: 'hotline' })).toMatchObject({
      phone: null,
      ip: null,
      content: null,
    });
  });
});

describe('flagSubject', () => {
  it('flags the phone for its rate and for repeated content, the address for its rate', () => {
    expect(flagSubject('rate-phone', '13800138000', '203.0.113.7')).toEqual({
      kind: 'phone',
      subject: '13800138000',
    });
    expect(flagSubject('rate-ip', '13800138000', '::ffff:203.0.113.7')).toEqual({
      kind: 'ip',
      subject: '203.0.113.7',
    });
    expect(flagSubject('repeated-content', '13800138000', '203.0.113.7')).toEqual({
      kind: 'phone',
      subject: '13800138000',
    });
    expect(flagSubject('repeated-content', null, '203.0.113.7')).toEqual({
      kind: 'ip',
      subject: '203.0.113.7',
    });
  });

  it('has no subject without the phone or address', () => {
    expect(flagSubject('rate-phone', null, '203.0.113.7')).toBeNull();
    expect(flagSubject('repeated-content', null, null)).toBeNull();
  });
});

describe('decideScreening', () => {
  it('passes a request within the limits', () => {
    expect(decideScreening(reading({ phoneCount: 19, ipCount: 59, contentCount: 2 }), LIMITS)).toEqual({
      throttled: null,
      flags: [],
      recordNow: [],
    });
  });

  it('flags a request past the limit that was not throttled (a hotline call), recording it with its ticket', () => {
    expect(decideScreening(reading({ phoneCount: 20, phoneWaitMs: 5000, ipCount: null }), LIMITS)).toEqual({
      throttled: null,
      flags: ['rate-phone'],
      recordNow: [],
    });
  });

  it('flags the third identical content', () => {
    expect(decideScreening(reading({ contentCount: 3 }), LIMITS).flags).toEqual(['repeated-content']);
  });

  it('throttles with the longer wait when both limits are exceeded, and records the first refusal at once', () => {
    expect(
      decideScreening(
        reading({
          throttled: true,
          phoneWaitMs: 1500,
          ipWaitMs: 90_000,
          firstThrottleIp: true,
          contentCount: null,
        }),
        LIMITS,
      ),
    ).toEqual({
      throttled: { retryAfterSeconds: 90, limit: 'ip' },
      flags: ['rate-phone', 'rate-ip'],
      recordNow: ['rate-ip'],
    });
  });

  it('names the phone limit when it is the one that waits longer', () => {
    expect(decideScreening(reading({ throttled: true, phoneWaitMs: 1500 }), LIMITS)).toEqual({
      throttled: { retryAfterSeconds: 2, limit: 'phone' },
      flags: ['rate-phone'],
      recordNow: [],
    });
  });
});
