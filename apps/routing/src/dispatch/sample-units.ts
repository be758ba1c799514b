import {
  cityDepartment,
  districtDepartment as bureau,
  type Sector,
  SECTORS,
  type Unit,
  UnitDirectory,
} from './units.domain';

/**
 * A small, realistic unit directory for tests and demos: three districts of Beijing's core
 * (东城 110101, 西城 110102, 朝阳 110105) with some of their streets. 东城 and 朝阳 have a
 * district bureau for every sector; 西城 only for a few, so its other matters reach city bureaus.
 * 西城 has no heating company in the list (a gap dispatch must cover with 兜底).
 */
export const SAMPLE_DISTRICTS = { dongcheng: '110101', xicheng: '110102', chaoyang: '110105' } as const;

const DISTRICT_NAMES: Record<string, string> = { '110101': '东城区', '110102': '西城区', '110105': '朝阳区' };

const STREETS: [code: string, name: string][] = [
  ['110101001', '东华门街道'],
  ['110101002', '景山街道'],
  ['110101003', '交道口街道'],
  ['110102001', '西长安街街道'],
  ['110102003', '新街口街道'],
  ['110105001', '建外街道'],
  ['110105002', '朝外街道'],
  ['110105010', '望京街道'],
];

const XICHENG_SECTORS: readonly Sector[] = [
  'housing',
  'education',
  'health',
  'civil-affairs',
  'public-security',
];

export function sampleUnits(): Unit[] {
  const units: Unit[] = [];
  for (const [districtCode, name] of Object.entries(DISTRICT_NAMES)) {
    units.push({
      kind: 'district-government',
      id: `gov-${districtCode}`,
      name: `${name}人民政府`,
      districtCode,
    });
  }
  for (const [streetCode, name] of STREETS) {
    units.push({
      kind: 'street',
      id: `street-${streetCode}`,
      name,
      streetCode,
      districtCode: streetCode.slice(0, 6),
    });
  }
  for (const sector of SECTORS) {
    units.push(cityDepartment(sector));
    for (const districtCode of [SAMPLE_DISTRICTS.dongcheng, SAMPLE_DISTRICTS.chaoyang]) {
      units.push(districtDepartment(sector, districtCode));
    }
  }
  for (const sector of XICHENG_SECTORS) units.push(districtDepartment(sector, SAMPLE_DISTRICTS.xicheng));
  const allDistricts = Object.values(SAMPLE_DISTRICTS);
  units.push(
    { kind: 'utility', id: 'util-water', name: '市自来水集团', utility: 'water', serviceArea: allDistricts },
    { kind: 'utility', id: 'util-power', name: '市电力公司', utility: 'power', serviceArea: allDistricts },
    { kind: 'utility', id: 'util-gas', name: '市燃气集团', utility: 'gas', serviceArea: allDistricts },
    {
      kind: 'utility',
      id: 'util-heating-city',
      name: '市热力集团',
      utility: 'heating',
      serviceArea: ['110101', '110105'],
    },
    // A self-run boiler house serving one street, ahead of the city company there.
    {
      kind: 'utility',
      id: 'util-heating-dhm',
      name: '东华门供暖所',
      utility: 'heating',
      serviceArea: ['110101001'],
    },
  );
  return units;
}

export function sampleUnitDirectory(): UnitDirectory {
  return new UnitDirectory(sampleUnits());
}

function districtDepartment(sector: Sector, districtCode: string): Unit {
  return bureau(sector, { code: districtCode, name: DISTRICT_NAMES[districtCode] ?? districtCode });
}
