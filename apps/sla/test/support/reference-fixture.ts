import type { CatalogueChangedV1, TerritoryChangedV1, UnitsChangedV1 } from '@jsjb/contracts';
import { waitFor } from '@jsjb/testing';
import { UnitDirectory } from '../../src/units/unit-directory.service';
import type { SlaHarness } from './sla-harness';

type Unit = UnitsChangedV1['upserted'][number];

export const unit = (
  id: string,
  kind: Unit['kind'],
  name: string,
  districtCode: string | null = null,
  streetCode: string | null = null,
): Unit => ({ id, kind, name, districtCode, streetCode, sector: null, serviceArea: [] });

/** A small city: two districts, their governments, streets, departments and a utility. */
export const FIXTURE_UNITS: Unit[] = [
  unit('gov-110105', 'district-government', '朝阳区人民政府', '110105'),
  unit('gov-110101', 'district-government', '东城区人民政府', '110101'),
  unit('street-a', 'street', '建外街道', '110105', '110105001'),
  unit('street-b', 'street', '朝外街道', '110105', '110105002'),
  unit('street-c', 'street', '东华门街道', '110101', '110101001'),
  unit('street-d', 'street', '呼家楼街道', '110105', '110105003'),
  unit('dept-housing-110105', 'department', '朝阳区住房和城乡建设委员会', '110105'),
  unit('dept-housing', 'department', '市住房和城乡建设委员会'),
  unit('dept-police', 'department', '市公安局'),
  unit('util-water', 'utility', '市自来水集团'),
];

const header = (version: string, part = 1, parts = 1) => ({
  version,
  previousVersion: null,
  mode: 'snapshot' as const,
  part,
  parts,
  publishedAt: '2026-02-01T00:00:00+08:00',
});

export const FIXTURE_TERRITORY: TerritoryChangedV1 = {
  ...header('t1'),
  upserted: [
    { code: '110105', name: '朝阳区', level: 'district', parentCode: null },
    { code: '110101', name: '东城区', level: 'district', parentCode: null },
    { code: '110105001', name: '建外街道', level: 'street', parentCode: '110105' },
    { code: '110105002', name: '朝外街道', level: 'street', parentCode: '110105' },
    { code: '110101001', name: '东华门街道', level: 'street', parentCode: '110101' },
  ],
  removed: [],
};

export const FIXTURE_CATALOGUE: CatalogueChangedV1 = {
  ...header('c1'),
  upserted: [
    {
      code: 'A01',
      name: '施工噪声',
      path: ['环境保护', '施工噪声'],
      urgency: 'general',
      keywords: [],
      lead: '属地街道',
    },
    {
      code: 'B02',
      name: '违章停车',
      path: ['交通管理', '违章停车'],
      urgency: 'general',
      keywords: [],
      lead: '属地街道',
    },
    {
      code: 'C03',
      name: '供暖不热',
      path: ['供暖', '供暖不热'],
      urgency: 'utilities',
      keywords: [],
      lead: '供热企业',
    },
  ],
  removed: [],
};

/** Delivers the fixture's units (as a snapshot in two parts), territory and catalogue, and waits until they are in force. */
export async function deliverReference(h: SlaHarness, unitsVersion = 'u1'): Promise<void> {
  const half = Math.ceil(FIXTURE_UNITS.length / 2);
  await h.deliver('units.changed.v1', 'units', {
    ...header(unitsVersion, 1, 2),
    upserted: FIXTURE_UNITS.slice(0, half),
    removed: [],
  });
  await h.deliver('units.changed.v1', 'units', {
    ...header(unitsVersion, 2, 2),
    upserted: FIXTURE_UNITS.slice(half),
    removed: [],
  });
  await h.deliver('territory.changed.v1', 'territory', FIXTURE_TERRITORY);
  await h.deliver('catalogue.changed.v1', 'catalogue', FIXTURE_CATALOGUE);
  const directory = h.sut.app.get(UnitDirectory);
  await waitFor(
    () =>
      directory.version('units') === unitsVersion &&
      directory.version('territory') === 't1' &&
      directory.version('catalogue') === 'c1',
    { description: 'the reference data in force', timeoutMs: 20_000 },
  );
}
