import { waitFor } from '@jsjb/testing';
import { UnitDirectory } from '../../src/units/unit-directory.service';
import { UnitsRepository } from '../../src/units/units.repository';
import { deliverReference, unit } from '../support/reference-fixture';
import { type SlaHarness, startSlaHarness } from '../support/sla-harness';

describe('units read model', () => {
  let h: SlaHarness;
  let sut: UnitDirectory;
  beforeAll(async () => {
    h = await startSlaHarness();
    sut = h.sut.app.get(UnitDirectory);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('knows nothing before routing published', () => {
    expect(sut.classOf('street-a')).toBeNull();
    expect(sut.escalation('street-a')).toEqual({ unitId: 'street-a', headUnitId: null, districtCode: null });
  });

  it('applies a snapshot in parts, then answers escalation targets and classes', async () => {
    await deliverReference(h);
    expect(sut.escalation('street-a')).toEqual({
      unitId: 'street-a',
      headUnitId: 'gov-110105',
      districtCode: '110105',
    });
    expect(sut.escalation('dept-housing-110105')).toEqual({
      unitId: 'dept-housing-110105',
      headUnitId: 'gov-110105',
      districtCode: '110105',
    });
    expect(sut.escalation('dept-housing')).toEqual({
      unitId: 'dept-housing',
      headUnitId: null,
      districtCode: null,
    });
    expect(sut.classOf('street-c')).toBe('street');
    expect(sut.classOf('gov-110101')).toBe('district');
    expect(sut.classOf('dept-housing-110105')).toBe('district');
    expect(sut.classOf('dept-police')).toBe('city-department');
    expect(sut.classOf('util-water')).toBe('enterprise');
    expect(sut.area('110105001')?.name).toBe('建外街道');
    expect(sut.category('C03')).toEqual({
      code: 'C03',
      name: '供暖不热',
      path: ['供暖', '供暖不热'],
      urgency: 'utilities',
    });
  });

  it('applies changes on the version in force and ignores changes from another one', async () => {
    const changes = {
      previousVersion: 'u1',
      mode: 'changes' as const,
      part: 1,
      parts: 1,
      publishedAt: '2026-02-02T00:00:00+08:00',
    };
    // From a version sla never had: ignored.
    await h.deliver('units.changed.v1', 'units', {
      ...changes,
      version: 'u9',
      previousVersion: 'u8',
      upserted: [unit('street-x', 'street', '某街道', '110105', '110105009')],
      removed: [],
    });
    await h.deliver('units.changed.v1', 'units', {
      ...changes,
      version: 'u2',
      upserted: [unit('street-e', 'street', '六里屯街道', '110105', '110105004')],
      removed: ['util-water'],
    });
    await waitFor(() => sut.version('units') === 'u2', { description: 'u2 in force', timeoutMs: 20_000 });
    expect(sut.classOf('street-e')).toBe('street');
    expect(sut.escalation('street-e').headUnitId).toBe('gov-110105');
    expect(sut.classOf('util-water')).toBeNull();
    expect(sut.classOf('street-x')).toBeNull();
  });

  it('is loaded from the database at boot', async () => {
    const booted = await new UnitDirectory(h.sut.app.get(UnitsRepository), 60_000).start();
    expect(booted.version('units')).toBe('u2');
    expect(booted.escalation('street-b')).toEqual({
      unitId: 'street-b',
      headUnitId: 'gov-110105',
      districtCode: '110105',
    });
    expect(booted.units()).toHaveLength(10);
    await booted.onModuleDestroy();
  });
});
