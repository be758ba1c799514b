import { generateSampleCity } from '../territory/sample-city.domain';
import {
  DISTRICT_SECTORS,
  districtDepartment,
  SECTORS,
  type Unit,
  UnitDirectory,
  unitSchema,
  unitsOfTerritory,
  UTILITY_KINDS,
} from './units.domain';

describe('unitsOfTerritory', () => {
  const city = generateSampleCity({
    seed: 3,
    districts: 3,
    streetsPerDistrict: 4,
    communitiesPerStreet: 2,
    gridsPerCommunity: 2,
  });
  const districts = city.areas.filter((a) => a.level === 'district');
  const streets = city.areas.filter((a) => a.level === 'street');
  const sut = unitsOfTerritory(city);
  const directory = new UnitDirectory(sut);
  const ofKind = <K extends Unit['kind']>(kind: K) => sut.filter((u) => u.kind === kind);

  it('gives every street its 街道/乡镇 unit, in its district', () => {
    expect(ofKind('street')).toHaveLength(streets.length);
    for (const street of streets) {
      expect(directory.street(street.code)).toEqual({
        kind: 'street',
        id: `street-${street.code}`,
        name: street.name,
        streetCode: street.code,
        districtCode: street.parentCode,
      });
    }
  });

  it('gives every district its 区政府 and a company of each kind of supply serving it', () => {
    for (const district of districts) {
      expect(directory.districtGovernment(district.code)?.name).toBe(`${district.name}人民政府`);
      for (const kind of UTILITY_KINDS) {
        expect(directory.utility(kind, { districtCode: district.code })?.id).toBe(
          `util-${kind}-${district.code}`,
        );
      }
    }
  });

  it('gives every district a bureau (区级部门) for each district-level sector, the rest only at city level', () => {
    expect(ofKind('department')).toHaveLength(SECTORS.length + districts.length * DISTRICT_SECTORS.length);
    for (const district of districts) {
      for (const sector of SECTORS) {
        const found = directory.department(sector, district.code);
        if (DISTRICT_SECTORS.includes(sector)) {
          expect(found).toMatchObject({
            id: `dept-${district.code}-${sector}`,
            level: 'district',
            districtCode: district.code,
          });
        } else {
          expect(found).toBeUndefined();
        }
      }
    }
    for (const sector of SECTORS) expect(directory.department(sector)?.id).toBe(`city-${sector}`);
  });

  it('names district bureaus as the city names them', () => {
    const dongcheng = { code: '110101', name: '东城区' };
    expect(districtDepartment('housing', dongcheng).name).toBe('东城区住房和城乡建设委员会');
    expect(districtDepartment('urban-enforcement', dongcheng).name).toBe('东城区城市管理综合行政执法局');
    expect(districtDepartment('traffic-police', dongcheng).name).toBe('市公安局公安交通管理局东城交通支队');
    expect(districtDepartment('ecology', dongcheng).name).toBe('市生态环境局东城分局');
  });

  it('builds units every one of which the import schema accepts, with unique names', () => {
    for (const unit of sut) expect(unitSchema.parse(unit)).toEqual(unit);
    expect(new Set(sut.map((u) => u.name)).size).toBe(sut.length);
  });

  it('is deterministic', () => {
    expect(unitsOfTerritory(city)).toEqual(sut);
  });
});
