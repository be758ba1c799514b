import { DirectoryIndex, type DirectoryUnit, NO_VERSION, type PartHeader, planPart } from './units.domain';

const units: DirectoryUnit[] = [
  {
    id: 'gov-110105',
    kind: 'district-government',
    name: '朝阳区人民政府',
    districtCode: '110105',
    streetCode: null,
  },
  {
    id: 'street-110105001',
    kind: 'street',
    name: '建外街道',
    districtCode: '110105',
    streetCode: '110105001',
  },
  {
    id: 'dept-housing-110105',
    kind: 'department',
    name: '朝阳区住建委',
    districtCode: '110105',
    streetCode: null,
  },
  { id: 'dept-housing', kind: 'department', name: '市住房城乡建设委', districtCode: null, streetCode: null },
  { id: 'util-water', kind: 'utility', name: '市自来水集团', districtCode: null, streetCode: null },
  // A street whose district has no government in the directory.
  { id: 'street-110999001', kind: 'street', name: '某街道', districtCode: '110999', streetCode: '110999001' },
];

describe('DirectoryIndex', () => {
  const sut = DirectoryIndex.empty().with({ kind: 'units', version: 'u1', entries: units });

  it('classes units: streets, district government and departments, city departments, utilities', () => {
    expect(sut.classOf('street-110105001')).toBe('street');
    expect(sut.classOf('gov-110105')).toBe('district');
    expect(sut.classOf('dept-housing-110105')).toBe('district');
    expect(sut.classOf('dept-housing')).toBe('city-department');
    expect(sut.classOf('util-water')).toBe('enterprise');
    expect(sut.classOf('nobody')).toBeNull();
  });

  it('escalates a street and a district department to their district government, nothing else', () => {
    expect(sut.escalation('street-110105001')).toEqual({
      unitId: 'street-110105001',
      headUnitId: 'gov-110105',
      districtCode: '110105',
    });
    expect(sut.escalation('dept-housing-110105')).toEqual({
      unitId: 'dept-housing-110105',
      headUnitId: 'gov-110105',
      districtCode: '110105',
    });
    expect(sut.escalation('gov-110105')).toEqual({
      unitId: 'gov-110105',
      headUnitId: null,
      districtCode: '110105',
    });
    expect(sut.escalation('dept-housing')).toEqual({
      unitId: 'dept-housing',
      headUnitId: null,
      districtCode: null,
    });
    expect(sut.escalation('util-water')).toEqual({
      unitId: 'util-water',
      headUnitId: null,
      districtCode: null,
    });
    expect(sut.escalation('street-110999001')).toEqual({
      unitId: 'street-110999001',
      headUnitId: null,
      districtCode: '110999',
    });
    expect(sut.escalation('nobody')).toEqual({ unitId: 'nobody', headUnitId: null, districtCode: null });
  });

  it('keeps the other kinds when one is replaced', () => {
    const next = sut.with({
      kind: 'catalogue',
      version: 'c1',
      entries: [{ code: 'A01', name: '噪声扰民', path: ['环境保护', '噪声扰民'], urgency: 'general' }],
    });
    expect(next.classOf('street-110105001')).toBe('street');
    expect(next.category('A01')?.name).toBe('噪声扰民');
    expect(next.version('units')).toBe('u1');
    expect(next.version('catalogue')).toBe('c1');
  });
});

describe('planPart', () => {
  const header = (h: Partial<PartHeader>): PartHeader => ({
    version: 'v2',
    previousVersion: 'v1',
    mode: 'changes',
    part: 1,
    parts: 1,
    ...h,
  });

  it('applies a snapshot in parts, switching with the last', () => {
    const first = planPart(NO_VERSION, header({ mode: 'snapshot', previousVersion: null, parts: 2 }));
    expect(first).toEqual({
      action: 'apply',
      replaceAll: true,
      completes: false,
      next: { version: null, pending: 'v2', pendingParts: 1 },
    });
    if (first.action !== 'apply') throw new Error('unreachable');
    const second = planPart(
      first.next,
      header({ mode: 'snapshot', previousVersion: null, part: 2, parts: 2 }),
    );
    expect(second).toEqual({
      action: 'apply',
      replaceAll: false,
      completes: true,
      next: { version: 'v2', pending: null, pendingParts: 0 },
    });
    if (second.action !== 'apply') throw new Error('unreachable');
    expect(
      planPart(second.next, header({ mode: 'snapshot', previousVersion: null, part: 2, parts: 2 })),
    ).toEqual({
      action: 'ignore',
      reason: 'already-applied',
    });
  });

  it('applies changes only on the version they were made from', () => {
    const inForce = { version: 'v1', pending: null, pendingParts: 0 };
    expect(planPart(inForce, header({}))).toMatchObject({
      action: 'apply',
      replaceAll: false,
      completes: true,
    });
    expect(planPart({ ...inForce, version: 'v0' }, header({}))).toEqual({
      action: 'ignore',
      reason: 'out-of-sequence',
    });
    expect(planPart({ ...inForce, version: 'v2' }, header({}))).toEqual({
      action: 'ignore',
      reason: 'already-applied',
    });
    expect(planPart(inForce, header({ part: 2, parts: 2 }))).toEqual({
      action: 'ignore',
      reason: 'out-of-sequence',
    });
    expect(planPart(inForce, header({ part: 3, parts: 2 }))).toEqual({
      action: 'ignore',
      reason: 'invalid-header',
    });
  });
});
