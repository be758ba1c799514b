import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogueChangedV1, territoryChangedV1, unitsChangedV1 } from '@jsjb/contracts';
import { waitFor } from '@jsjb/testing';
import { ReferenceReadModel } from '../../src/reference/reference-read-model';
import type { ReferenceKind as Kind } from '../../src/reference/reference.domain';
import { type IntakeHarness, TIMEOUT_MS } from './intake-harness';

/** Routing's catalogue 2026.1 as published (kept equal to routing's by tools/test/catalogue-fixture.spec.ts). */
export const CATALOGUE_FIXTURE = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/catalogue-2026.1.json'), 'utf8'),
) as { version: string; items: unknown[] };

/** A small territory: one district, two streets, three communities. */
export const AREAS = {
  district: { code: '110105', name: '朝阳区' },
  anzhen: { code: '110105001', name: '安贞街道' },
  anzhenXili: { code: '110105001001', name: '安贞西里社区' },
  anhuaLi: { code: '110105001002', name: '安华里社区' },
  hepingli: { code: '110105002', name: '和平街街道' },
  hepingliQi: { code: '110105002001', name: '和平里七区社区' },
} as const;

export const UNITS = {
  anzhen: { id: 'street-110105001', name: '安贞街道办事处' },
  chengguan: { id: 'dept-city-management', name: '市城市管理委员会' },
} as const;

/** Publishes territory, units and catalogue snapshots as routing's relay would, and waits until intake serves them. */
export async function seedReference(h: IntakeHarness): Promise<void> {
  const header = (version: string) => ({
    version,
    previousVersion: null,
    mode: 'snapshot',
    part: 1,
    parts: 1,
    publishedAt: '2026-11-21T08:00:00+08:00',
    removed: [],
  });
  const { district, anzhen, anzhenXili, anhuaLi, hepingli, hepingliQi } = AREAS;
  const territory = territoryChangedV1.schema.parse({
    ...header('t1'),
    upserted: [
      { ...district, level: 'district', parentCode: null },
      { ...anzhen, level: 'street', parentCode: district.code },
      { ...anzhenXili, level: 'community', parentCode: anzhen.code },
      { ...anhuaLi, level: 'community', parentCode: anzhen.code },
      { ...hepingli, level: 'street', parentCode: district.code },
      { ...hepingliQi, level: 'community', parentCode: hepingli.code },
    ],
  });
  const units = unitsChangedV1.schema.parse({
    ...header('u1'),
    upserted: [
      {
        ...UNITS.anzhen,
        kind: 'street',
        districtCode: district.code,
        streetCode: anzhen.code,
        sector: null,
        serviceArea: [anzhen.code],
      },
      {
        ...UNITS.chengguan,
        kind: 'department',
        districtCode: null,
        streetCode: null,
        sector: 'city-management',
        serviceArea: [],
      },
    ],
  });
  const catalogue = catalogueChangedV1.schema.parse({
    ...header(CATALOGUE_FIXTURE.version),
    upserted: CATALOGUE_FIXTURE.items,
  });
  const sent: [Kind, unknown][] = [
    ['territory', territory],
    ['units', units],
    ['catalogue', catalogue],
  ];
  for (const [kind, data] of sent) await h.processed(await h.produce(`${kind}.changed.v1`, kind, data));
  const model = h.sut.app.get(ReferenceReadModel);
  await waitFor(
    () =>
      model.version('territory') === 't1' &&
      model.version('units') === 'u1' &&
      model.version('catalogue') === CATALOGUE_FIXTURE.version,
    { description: 'reference data in force', timeoutMs: TIMEOUT_MS },
  );
}
