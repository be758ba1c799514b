import { chooseUnits } from './manual-dispatch.domain';
import { cityDepartment, UnitDirectory } from './units.domain';

const directory = new UnitDirectory([
  {
    kind: 'street',
    id: 'street-110101001',
    name: '东华门街道',
    streetCode: '110101001',
    districtCode: '110101',
  },
  { kind: 'district-government', id: 'gov-110101', name: '东城区人民政府', districtCode: '110101' },
  {
    kind: 'utility',
    id: 'util-water-110101',
    name: '东城区供水公司',
    utility: 'water',
    serviceArea: ['110101'],
  },
  cityDepartment('housing'),
  cityDepartment('transport'),
]);

describe('chooseUnits', () => {
  it('copies a street lead to its district government, after the co-handlers', () => {
    expect(chooseUnits({ leadUnitId: 'street-110101001', coUnitIds: ['city-housing'] }, directory)).toEqual({
      ok: true,
      units: [
        { unitId: 'street-110101001', role: 'lead' },
        { unitId: 'city-housing', role: 'co' },
        { unitId: 'gov-110101', role: 'copy' },
      ],
    });
  });

  it('does not copy the district government when it is already a co-handler', () => {
    const sut = chooseUnits({ leadUnitId: 'street-110101001', coUnitIds: ['gov-110101'] }, directory);
    expect(sut).toEqual({
      ok: true,
      units: [
        { unitId: 'street-110101001', role: 'lead' },
        { unitId: 'gov-110101', role: 'co' },
      ],
    });
  });

  it('copies nobody for a department, utility or district government lead', () => {
    for (const leadUnitId of ['city-housing', 'util-water-110101', 'gov-110101']) {
      expect(chooseUnits({ leadUnitId, coUnitIds: [] }, directory)).toEqual({
        ok: true,
        units: [{ unitId: leadUnitId, role: 'lead' }],
      });
    }
  });

  it('lets a dispatcher choose a street for any matter (only existence is checked)', () => {
    expect(chooseUnits({ leadUnitId: 'street-110101001', coUnitIds: [] }, directory).ok).toBe(true);
  });

  it('names every unknown or repeated unit by its field', () => {
    const sut = chooseUnits(
      { leadUnitId: 'nowhere', coUnitIds: ['city-housing', 'city-housing', 'gone', 'nowhere'] },
      directory,
    );
    expect(sut).toEqual({
      ok: false,
      issues: [
        { field: 'leadUnitId', code: 'unknown_unit', message: 'no unit nowhere' },
        { field: 'coUnitIds.1', code: 'duplicate_unit', message: 'city-housing is already chosen' },
        { field: 'coUnitIds.2', code: 'unknown_unit', message: 'no unit gone' },
        { field: 'coUnitIds.3', code: 'duplicate_unit', message: 'nowhere is already chosen' },
      ],
    });
  });

  it('refuses the lead as its own co-handler', () => {
    const sut = chooseUnits(
      { leadUnitId: 'city-housing', coUnitIds: ['city-transport', 'city-housing'] },
      directory,
    );
    expect(sut).toEqual({
      ok: false,
      issues: [{ field: 'coUnitIds.1', code: 'duplicate_unit', message: 'city-housing is already chosen' }],
    });
  });
});
