import { type TicketReceivedV1 } from '@jsjb/contracts';
import { interiorPoint } from '../territory/geometry.domain';
import { generateSampleCity } from '../territory/sample-city.domain';
import { TerritoryIndex } from '../territory/territory-index.domain';
import { type Area } from '../territory/territory.domain';
import { locateTicket } from './ticket-location.domain';

type ReceivedLocation = TicketReceivedV1['location'];

const NOWHERE: ReceivedLocation = {
  districtCode: null,
  streetCode: null,
  communityCode: null,
  address: null,
  lng: null,
  lat: null,
};

describe('locateTicket', () => {
  const city = generateSampleCity({
    seed: 7,
    districts: 2,
    streetsPerDistrict: 3,
    communitiesPerStreet: 3,
    gridsPerCommunity: 3,
  });
  const index = new TerritoryIndex(city);
  const byCode = new Map(city.areas.map((a) => [a.code, a]));
  const at = (level: Area['level'], n = 0): Area => {
    const area = city.areas.filter((a) => a.level === level)[n];
    if (!area) throw new Error(`no ${level} ${n}`);
    return area;
  };
  const parent = (area: Area): Area => {
    const found = area.parentCode === null ? undefined : byCode.get(area.parentCode);
    if (!found) throw new Error(`no parent of ${area.code}`);
    return found;
  };
  const grid = at('grid', 10);
  const community = parent(grid);
  const street = parent(community);
  const district = parent(street);
  const [lng = 0, lat = 0] = interiorPoint(grid.geometry);

  it('puts a point in the grid containing it, with full confidence', () => {
    expect(locateTicket(index, { ...NOWHERE, lng, lat })).toEqual({
      districtCode: district.code,
      streetCode: street.code,
      communityCode: community.code,
      gridCode: grid.code,
      resolvedLevel: 'grid',
      confidence: 1,
    });
  });

  it('trusts coordinates over codes that say otherwise', () => {
    const elsewhere = at('street', 5);
    const sut = locateTicket(index, { ...NOWHERE, lng, lat, streetCode: elsewhere.code });
    expect(sut).toMatchObject({ gridCode: grid.code, streetCode: street.code, resolvedLevel: 'grid' });
  });

  it('falls back to the area codes when the point is outside the city', () => {
    expect(locateTicket(index, { ...NOWHERE, lng: 0, lat: 0, streetCode: street.code })).toEqual({
      districtCode: district.code,
      streetCode: street.code,
      communityCode: undefined,
      resolvedLevel: 'street',
      confidence: 0.9,
    });
  });

  it('resolves to the most specific code given', () => {
    expect(
      locateTicket(index, { ...NOWHERE, districtCode: district.code, communityCode: community.code }),
    ).toEqual({
      districtCode: district.code,
      streetCode: street.code,
      communityCode: community.code,
      resolvedLevel: 'community',
      confidence: 0.9,
    });
    expect(locateTicket(index, { ...NOWHERE, districtCode: district.code })).toMatchObject({
      districtCode: district.code,
      streetCode: undefined,
      resolvedLevel: 'district',
    });
  });

  it('falls back to the names in the address when the codes are unknown or contradict each other', () => {
    const otherDistrict = at('district', 1);
    const address = `${district.name}${street.name}某小区3号楼`;
    const expected = index.locateByAddress(address);
    expect(expected?.street?.code).toBe(street.code);

    const sut = locateTicket(index, {
      ...NOWHERE,
      streetCode: street.code,
      districtCode: otherDistrict.code, // contradicts the street: the codes are not used
      address,
    });
    expect(sut).toEqual({
      districtCode: district.code,
      streetCode: street.code,
      communityCode: undefined,
      resolvedLevel: 'street',
      confidence: expected?.confidence,
    });
    expect(sut.confidence).toBeLessThan(1);
  });

  it('resolves nothing from nothing usable', () => {
    expect(locateTicket(index, NOWHERE)).toEqual({ resolvedLevel: 'none', confidence: 0 });
    expect(
      locateTicket(index, { ...NOWHERE, lng: 0, lat: 0, streetCode: '999999999', address: '火星某处' }),
    ).toEqual({ resolvedLevel: 'none', confidence: 0 });
  });
});
