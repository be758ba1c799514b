import {
  NO_VERSION,
  type PartHeader,
  planPart,
  type ReferenceArea,
  ReferenceIndex,
  type VersionState,
} from './reference.domain';

const inForce = (version: string): VersionState => ({ version, pending: null, pendingParts: 0 });
const snapshot = (version: string, part: number, parts: number): PartHeader => ({
  version,
  previousVersion: null,
  mode: 'snapshot',
  part,
  parts,
});
const changes = (previousVersion: string, version: string, part = 1, parts = 1): PartHeader => ({
  version,
  previousVersion,
  mode: 'changes',
  part,
  parts,
});

describe('planPart', () => {
  it('applies a one-part snapshot on an empty copy and puts its version in force', () => {
    expect(planPart(NO_VERSION, snapshot('v1', 1, 1))).toEqual({
      action: 'apply',
      replaceAll: true,
      completes: true,
      next: inForce('v1'),
      abandons: null,
    });
  });

  it('applies a snapshot part by part, switching the version at the last part', () => {
    const first = planPart(inForce('v1'), snapshot('v2', 1, 3));
    expect(first).toMatchObject({ action: 'apply', replaceAll: true, completes: false });
    const afterFirst = { version: 'v1', pending: 'v2', pendingParts: 1 };
    expect(first.action === 'apply' && first.next).toEqual(afterFirst);

    const second = planPart(afterFirst, snapshot('v2', 2, 3));
    expect(second).toMatchObject({ action: 'apply', replaceAll: false, completes: false });
    const afterSecond = { version: 'v1', pending: 'v2', pendingParts: 2 };
    expect(second.action === 'apply' && second.next).toEqual(afterSecond);

    expect(planPart(afterSecond, snapshot('v2', 3, 3))).toMatchObject({
      action: 'apply',
      replaceAll: false,
      completes: true,
      next: inForce('v2'),
    });
  });

  it('ignores a snapshot part that does not follow the last one applied (joined midway, or a part lost)', () => {
    expect(planPart(NO_VERSION, snapshot('v1', 2, 3))).toMatchObject({
      action: 'ignore',
      reason: 'part-out-of-order',
    });
    expect(planPart({ version: null, pending: 'v1', pendingParts: 1 }, snapshot('v1', 3, 3))).toMatchObject({
      action: 'ignore',
      reason: 'part-out-of-order',
    });
  });

  it('ignores a part applied already and restarts on a new snapshot, abandoning the unfinished one', () => {
    const pending = { version: 'v1', pending: 'v2', pendingParts: 2 };
    expect(planPart(pending, snapshot('v2', 2, 3))).toMatchObject({
      action: 'ignore',
      reason: 'already-applied',
    });
    expect(planPart(pending, snapshot('v3', 1, 2))).toMatchObject({
      action: 'apply',
      replaceAll: true,
      abandons: 'v2',
      next: { version: 'v1', pending: 'v3', pendingParts: 1 },
    });
  });

  it('re-applies a snapshot of the version in force (a rebuild on request)', () => {
    expect(planPart(inForce('v1'), snapshot('v1', 1, 1))).toMatchObject({
      action: 'apply',
      replaceAll: true,
      next: inForce('v1'),
    });
  });

  it('applies changes only on top of the version they were made from', () => {
    expect(planPart(inForce('v1'), changes('v1', 'v2'))).toEqual({
      action: 'apply',
      replaceAll: false,
      completes: true,
      next: inForce('v2'),
      abandons: null,
    });
    expect(planPart(inForce('v2'), changes('v1', 'v2'))).toMatchObject({
      action: 'ignore',
      reason: 'already-applied',
    });
    expect(planPart(inForce('v1'), changes('v2', 'v3'))).toMatchObject({
      action: 'ignore',
      reason: 'out-of-sequence',
    });
    expect(planPart(NO_VERSION, changes('v1', 'v2'))).toMatchObject({
      action: 'ignore',
      reason: 'out-of-sequence',
    });
  });

  it('applies multi-part changes in order and refuses changes on top of an unfinished version', () => {
    const first = planPart(inForce('v1'), changes('v1', 'v2', 1, 2));
    expect(first).toMatchObject({ action: 'apply', completes: false });
    const pending = { version: 'v1', pending: 'v2', pendingParts: 1 };
    expect(first.action === 'apply' && first.next).toEqual(pending);
    expect(planPart(pending, changes('v1', 'v2', 2, 2))).toMatchObject({
      action: 'apply',
      completes: true,
      next: inForce('v2'),
    });
    expect(planPart(pending, changes('v1', 'v2', 1, 2))).toMatchObject({
      action: 'ignore',
      reason: 'already-applied',
    });
    // Rows of an unfinished snapshot are not the version in force: changes must not land on them.
    expect(planPart({ version: 'v1', pending: 's', pendingParts: 1 }, changes('v1', 'v2'))).toMatchObject({
      action: 'ignore',
      reason: 'out-of-sequence',
    });
  });

  it('ignores a header whose part exceeds its parts', () => {
    expect(planPart(NO_VERSION, snapshot('v1', 2, 1))).toMatchObject({
      action: 'ignore',
      reason: 'invalid-header',
    });
  });
});

describe('ReferenceIndex', () => {
  const area = (
    code: string,
    level: ReferenceArea['level'],
    parentCode: string | null,
    name = code,
  ): ReferenceArea => ({ code, name, level, parentCode });
  const areas: ReferenceArea[] = [
    area('1101', 'city', null, '北京市'),
    area('110101', 'district', '1101', '东城区'),
    area('110102', 'district', '1101', '西城区'),
    area('110101001', 'street', '110101', '东华门街道'),
    area('110102001', 'street', '110102', '西长安街街道'),
    area('110101001001', 'community', '110101001', '多福巷社区'),
    area('110101001001001', 'grid', '110101001001', '网格1'),
  ];
  const sut = ReferenceIndex.empty()
    .with({ kind: 'territory', version: 't1', entries: areas })
    .with({
      kind: 'units',
      version: 'u1',
      entries: [
        {
          id: 'street-110101001',
          kind: 'street',
          name: '东华门街道办事处',
          districtCode: '110101',
          streetCode: '110101001',
          sector: null,
          serviceArea: [],
        },
      ],
    })
    .with({
      kind: 'catalogue',
      version: '2026.1',
      entries: [
        {
          code: 'b.item',
          name: '乙',
          path: ['类', '乙'],
          urgency: 'general',
          keywords: [],
          lead: '属地街道',
        },
        {
          code: 'a.item',
          name: '甲',
          path: ['类', '甲'],
          urgency: 'urgent',
          keywords: ['甲'],
          lead: '区政府',
        },
      ],
    });

  it('answers versions, counts, areas, units and catalogue items', () => {
    expect([sut.version('territory'), sut.version('units'), sut.version('catalogue')]).toEqual([
      't1',
      'u1',
      '2026.1',
    ]);
    expect(ReferenceIndex.empty().version('territory')).toBeNull();
    expect(sut.count('territory')).toBe(areas.length);
    expect(sut.area('110101')?.name).toBe('东城区');
    expect(sut.unitName('street-110101001')).toBe('东华门街道办事处');
    expect(sut.unitName('nope')).toBeUndefined();
    expect(sut.catalogueItem('a.item')?.lead).toBe('区政府');
    expect(sut.catalogueItems().map((i) => i.code)).toEqual(['a.item', 'b.item']);
  });

  it('finds the area of a level containing a code', () => {
    expect(sut.ancestor('110101001001001', 'district')?.code).toBe('110101');
    expect(sut.ancestor('110101001', 'street')?.code).toBe('110101001');
    expect(sut.ancestor('110101', 'street')).toBeUndefined();
    expect(sut.ancestor('999', 'district')).toBeUndefined();
  });

  it('replaces one kind and keeps the others', () => {
    const next = sut.with({ kind: 'catalogue', version: '2026.2', entries: [] });
    expect(next.version('catalogue')).toBe('2026.2');
    expect(next.catalogueItems()).toEqual([]);
    expect(next.area('110101')).toBe(sut.area('110101'));
    expect(sut.catalogueItems()).toHaveLength(2);
  });

  describe('checkLocationCodes', () => {
    it('accepts consistent codes and codes not given', () => {
      expect(
        sut.checkLocationCodes({
          districtCode: '110101',
          streetCode: '110101001',
          communityCode: '110101001001',
        }),
      ).toEqual([]);
      expect(sut.checkLocationCodes({ streetCode: '110101001' })).toEqual([]);
      expect(sut.checkLocationCodes({ districtCode: null, streetCode: null, communityCode: null })).toEqual(
        [],
      );
      expect(sut.checkLocationCodes({ districtCode: '110101', communityCode: '110101001001' })).toEqual([]);
    });

    it('reports unknown codes and codes of another level, as field errors', () => {
      expect(
        sut.checkLocationCodes(
          { districtCode: '999999', streetCode: '110101', communityCode: '110101001001' },
          'location.',
        ),
      ).toEqual([
        {
          field: 'location.districtCode',
          code: 'unknown_area',
          value: '999999',
          message: 'no district has code 999999',
        },
        {
          field: 'location.streetCode',
          code: 'wrong_level',
          value: '110101',
          message: '110101 (东城区) is a district, not a street',
        },
      ]);
    });

    it('reports a street outside the district and a community outside the street, once each', () => {
      expect(sut.checkLocationCodes({ districtCode: '110102', streetCode: '110101001' })).toEqual([
        {
          field: 'streetCode',
          code: 'not_within',
          value: '110101001',
          message: 'street 110101001 (东华门街道) is not in district 110102 (西城区)',
        },
      ]);
      expect(
        sut
          .checkLocationCodes({
            districtCode: '110101',
            streetCode: '110102001',
            communityCode: '110101001001',
          })
          .map((i) => [i.field, i.code]),
      ).toEqual([
        ['streetCode', 'not_within'],
        ['communityCode', 'not_within'],
      ]);
      expect(
        sut.checkLocationCodes({ districtCode: '110102', communityCode: '110101001001' }).map((i) => i.field),
      ).toEqual(['communityCode']);
    });
  });
});
