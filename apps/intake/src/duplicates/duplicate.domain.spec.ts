import { distanceMetres } from '../tickets/ticket.domain';
import {
  bestDuplicate,
  canBeMaster,
  type DuplicateCandidate,
  type DuplicateProbe,
  type DuplicateRules,
  isSameCaller,
  isSamePlace,
  searchBox,
} from './duplicate.domain';

const HOUR = 3_600_000;
const AT = new Date('2026-11-21T10:00:00.000Z');
const RULES: DuplicateRules = {
  callerWindowMs: 72 * HOUR,
  placeWindowMs: 24 * HOUR,
  callerSimilarity: 0.6,
  placeSimilarity: 0.35,
  placeRadiusMetres: 200,
  autoMerge: false,
  autoMergeSimilarity: 0.85,
};
const LAMP = '幸福小区3号楼前的路灯坏了一个星期了，晚上很黑';
const LAMP_COPY = '幸福小区3号楼前的路灯坏了一个星期了，晚上特别黑';
const LAMP_RETOLD = '幸福小区3号楼门前路灯不亮一周了';
const NOISE = '楼下工地夜间施工噪音扰民';

function probe(overrides: Partial<DuplicateProbe> = {}): DuplicateProbe {
  return {
    id: 'new',
    callerPhoneHash: 'hash-of-13800138000',
    residentSubject: null,
    categoryCode: 'municipal.streetlight',
    communityCode: '110105001001',
    lng: 116.4,
    lat: 39.9,
    content: LAMP,
    createdAt: AT,
    ...overrides,
  };
}

let serial = 0;
function earlier(hoursAgo: number, overrides: Partial<DuplicateCandidate> = {}): DuplicateCandidate {
  serial += 1;
  return {
    ...probe(),
    id: `t${serial}`,
    number: `20261121${String(serial).padStart(6, '0')}`,
    status: 'forwarded',
    masterTicketId: null,
    createdAt: new Date(AT.getTime() - hoursAgo * HOUR),
    ...overrides,
  };
}

/** Another caller, another community: only coordinates can make it the same place. */
const stranger = { callerPhoneHash: 'hash-of-13900139000', communityCode: '110105001002' };

describe('isSameCaller', () => {
  it('matches the phone, or the resident account', () => {
    expect(isSameCaller(probe(), earlier(1))).toBe(true);
    expect(
      isSameCaller(
        probe({ callerPhoneHash: null, residentSubject: 'r-1' }),
        earlier(1, { callerPhoneHash: null, residentSubject: 'r-1' }),
      ),
    ).toBe(true);
  });

  it('never matches on missing values', () => {
    expect(isSameCaller(probe({ callerPhoneHash: null }), earlier(1, { callerPhoneHash: null }))).toBe(false);
  });
});

describe('isSamePlace', () => {
  it('needs the same category', () => {
    expect(isSamePlace(probe(), earlier(1, { categoryCode: 'environment.noise' }), 200)).toBe(false);
    expect(isSamePlace(probe({ categoryCode: null }), earlier(1, { categoryCode: null }), 200)).toBe(false);
  });

  it('is the same community, whatever the coordinates', () => {
    expect(isSamePlace(probe(), earlier(1, { lng: null, lat: null }), 200)).toBe(true);
  });

  it('is coordinates within the radius when the communities differ', () => {
    const near = { lng: 116.4015, lat: 39.9 }; // ~128 m east
    const far = { lng: 116.403, lat: 39.9 }; // ~256 m east
    expect(distanceMetres({ lng: 116.4, lat: 39.9 }, near)).toBeLessThan(200);
    expect(distanceMetres({ lng: 116.4, lat: 39.9 }, far)).toBeGreaterThan(200);
    expect(isSamePlace(probe(), earlier(1, { ...stranger, ...near }), 200)).toBe(true);
    expect(isSamePlace(probe(), earlier(1, { ...stranger, ...far }), 200)).toBe(false);
  });

  it('is not the same place when either side has neither community nor coordinates', () => {
    expect(isSamePlace(probe({ communityCode: null, lng: null, lat: null }), earlier(1), 200)).toBe(false);
  });
});

describe('searchBox', () => {
  it('holds every point within the radius', () => {
    const box = searchBox(116.4, 39.9, 200);
    for (const bearing of [0, 45, 90, 135, 180, 225, 270, 315]) {
      const rad = (bearing * Math.PI) / 180;
      const point = {
        lng: 116.4 + ((199 * Math.sin(rad)) / (111_320 * Math.cos((39.9 * Math.PI) / 180))) * 0.999,
        lat: 39.9 + ((199 * Math.cos(rad)) / 111_320) * 0.999,
      };
      expect(distanceMetres({ lng: 116.4, lat: 39.9 }, point)).toBeLessThanOrEqual(200);
      expect(point.lng).toBeGreaterThanOrEqual(box.minLng);
      expect(point.lng).toBeLessThanOrEqual(box.maxLng);
      expect(point.lat).toBeGreaterThanOrEqual(box.minLat);
      expect(point.lat).toBeLessThanOrEqual(box.maxLat);
    }
  });
});

describe('canBeMaster', () => {
  it('excludes merged and diverted tickets, and any with a master', () => {
    expect(canBeMaster({ status: 'forwarded', masterTicketId: null })).toBe(true);
    expect(canBeMaster({ status: 'answered', masterTicketId: null })).toBe(true);
    expect(canBeMaster({ status: 'merged', masterTicketId: 'm' })).toBe(false);
    expect(canBeMaster({ status: 'diverted', masterTicketId: null })).toBe(false);
    expect(canBeMaster({ status: 'pending', masterTicketId: 'm' })).toBe(false);
  });
});

describe('bestDuplicate', () => {
  it('finds the same caller with the same matter within 72 h', () => {
    const master = earlier(60, { content: LAMP_COPY, communityCode: null, lng: null, lat: null });
    expect(bestDuplicate(probe(), [master], RULES, AT)).toEqual({
      masterId: master.id,
      masterNumber: master.number,
      reason: 'same-caller',
      similarity: expect.any(Number) as number,
      automatic: false,
    });
  });

  it('ignores the same caller past the window, or with another matter', () => {
    const old = earlier(73, { content: LAMP_COPY, communityCode: null });
    const other = earlier(1, { content: NOISE, categoryCode: 'environment.noise' });
    expect(bestDuplicate(probe(), [old, other], RULES, AT)).toBeNull();
  });

  it('finds another caller at the same place in the same category within 24 h with the lower threshold', () => {
    const master = earlier(20, { ...stranger, lng: 116.4008, lat: 39.9003, content: LAMP_RETOLD });
    const found = bestDuplicate(probe(), [master], RULES, AT);
    expect(found).toMatchObject({ masterId: master.id, reason: 'same-place' });
    expect(found?.similarity).toBeGreaterThanOrEqual(0.35);
    expect(found?.similarity).toBeLessThan(0.6);
  });

  it('ignores the same place past 24 h even within the caller window of another caller', () => {
    expect(
      bestDuplicate(probe(), [earlier(25, { ...stranger, communityCode: '110105001001' })], RULES, AT),
    ).toBeNull();
  });

  it('calls it the same caller when both links hold and the caller threshold is met', () => {
    const master = earlier(2, { content: LAMP_COPY });
    expect(bestDuplicate(probe(), [master], RULES, AT)?.reason).toBe('same-caller');
  });

  it('falls back to the same place when the same caller’s text clears only the place threshold', () => {
    const master = earlier(2, { content: LAMP_RETOLD });
    expect(bestDuplicate(probe(), [master], RULES, AT)?.reason).toBe('same-place');
  });

  it('picks the most similar, then the earliest', () => {
    const retold = earlier(5, { ...stranger, content: LAMP_RETOLD, communityCode: '110105001001' });
    const copyLate = earlier(3, { content: LAMP_COPY });
    const copyEarly = earlier(4, { content: LAMP_COPY });
    expect(bestDuplicate(probe(), [retold, copyLate, copyEarly], RULES, AT)?.masterId).toBe(copyEarly.id);
  });

  it('skips itself, merged and diverted tickets, and tickets created after it', () => {
    const candidates = [
      { ...earlier(0), id: 'new' },
      earlier(1, { status: 'merged', masterTicketId: 'x' }),
      earlier(1, { status: 'diverted' }),
      earlier(-1),
    ];
    expect(bestDuplicate(probe(), candidates, RULES, AT)).toBeNull();
  });

  it('is automatic only when configured and the similarity reaches the automatic threshold', () => {
    const copy = earlier(1, { content: LAMP });
    const retold = earlier(1, { content: LAMP_RETOLD });
    const auto = { ...RULES, autoMerge: true };
    expect(bestDuplicate(probe(), [copy], RULES, AT)?.automatic).toBe(false);
    expect(bestDuplicate(probe(), [copy], auto, AT)).toMatchObject({ automatic: true, similarity: 1 });
    expect(bestDuplicate(probe(), [retold], auto, AT)?.automatic).toBe(false);
  });

  it('finds nothing among no candidates', () => {
    expect(bestDuplicate(probe(), [], RULES, AT)).toBeNull();
  });
});
