import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import {
  interiorPoint,
  isClosedRing,
  isSimpleRing,
  planarArea,
  polygonsOf,
  signedRingArea,
} from './geometry.domain';
import { generateSampleCity } from './sample-city.domain';
import { type Area, CODE_LENGTH, territoryIssues } from './territory.domain';
import { TerritoryError } from './territory.errors';

describe('generateSampleCity', () => {
  const started = performance.now();
  const sut = generateSampleCity();
  const elapsedMs = performance.now() - started;
  const byLevel = (level: Area['level']): Area[] => sut.areas.filter((a) => a.level === level);

  it('builds a city of 6 districts, 60 streets, 600 communities and 6,000 grids, quickly', () => {
    expect(byLevel('city')).toHaveLength(1);
    expect(byLevel('district')).toHaveLength(6);
    expect(byLevel('street')).toHaveLength(60);
    expect(byLevel('community')).toHaveLength(600);
    expect(byLevel('grid')).toHaveLength(6000);
    expect(elapsedMs).toBeLessThan(2000);
  });

  it('is structurally valid: codes per level, parents exist and prefix their children', () => {
    expect(territoryIssues(sut.areas)).toEqual([]);
    for (const area of sut.areas) expect(area.code).toHaveLength(CODE_LENGTH[area.level]);
  });

  it('follows the code ranges: 街道 001–099, 镇 1xx, 乡 2xx; 社区 001–199, 村 2xx', () => {
    for (const street of byLevel('street')) {
      const serial = Number(street.code.slice(6));
      if (street.name.endsWith('街道')) expect(serial).toBeLessThan(100);
      else if (street.name.endsWith('镇')) expect(serial).toBeGreaterThanOrEqual(100);
      else expect(street.name.endsWith('乡') && serial >= 200).toBe(true);
    }
    for (const community of byLevel('community')) {
      const serial = Number(community.code.slice(9));
      expect(
        community.name.endsWith('村') ? serial >= 200 : community.name.endsWith('社区') && serial < 200,
      ).toBe(true);
    }
    expect(byLevel('district').every((d) => d.name.endsWith('区'))).toBe(true);
    expect(byLevel('grid').every((g) => /^第\d+网格$/.test(g.name))).toBe(true);
    expect(byLevel('street').some((s) => s.name.endsWith('镇'))).toBe(true);
    expect(byLevel('community').some((c) => c.name.endsWith('村'))).toBe(true);
    const names = [...byLevel('district'), ...byLevel('street'), ...byLevel('community')].map((a) => a.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(generateSampleCity())).toBe(JSON.stringify(sut));
    const other = generateSampleCity({ seed: 7 });
    expect(other.areas.map((a) => a.name)).not.toEqual(sut.areas.map((a) => a.name));
    expect(JSON.stringify(generateSampleCity({ seed: 7 }))).toBe(JSON.stringify(other));
  });

  it('honours the fan-out options', () => {
    const small = generateSampleCity({
      districts: 2,
      streetsPerDistrict: 3,
      communitiesPerStreet: 4,
      gridsPerCommunity: 5,
    });
    expect(small.areas).toHaveLength(1 + 2 + 6 + 24 + 120);
    expect(territoryIssues(small.areas)).toEqual([]);
    expect(() => generateSampleCity({ districts: 0 })).toThrow(TerritoryError);
    expect(() => generateSampleCity({ gridsPerCommunity: 2.5 })).toThrow(
      /gridsPerCommunity must be an integer/,
    );
    const many = generateSampleCity({
      districts: 20,
      streetsPerDistrict: 1,
      communitiesPerStreet: 1,
      gridsPerCommunity: 1,
    });
    const districtNames = many.areas.filter((a) => a.level === 'district').map((a) => a.name);
    expect(new Set(districtNames).size).toBe(20);
    expect(territoryIssues(many.areas)).toEqual([]);
  });

  it('draws every ring closed, simple, counter-clockwise and inside the requested extent', () => {
    const bad: string[] = [];
    const extent = [Infinity, Infinity, -Infinity, -Infinity];
    for (const area of sut.areas) {
      for (const [outer = [], ...holes] of polygonsOf(area.geometry)) {
        if (holes.length > 0 || !isClosedRing(outer) || signedRingArea(outer) <= 0 || !isSimpleRing(outer)) {
          bad.push(area.code);
        }
        for (const [lng = NaN, lat = NaN] of outer) {
          extent[0] = Math.min(extent[0] ?? NaN, lng);
          extent[1] = Math.min(extent[1] ?? NaN, lat);
          extent[2] = Math.max(extent[2] ?? NaN, lng);
          extent[3] = Math.max(extent[3] ?? NaN, lat);
        }
      }
    }
    expect(bad).toEqual([]);
    expect(extent[0]).toBeGreaterThan(116.19);
    expect(extent[1]).toBeGreaterThan(39.79);
    expect(extent[2]).toBeLessThan(116.61);
    expect(extent[3]).toBeLessThan(40.11);
  });

  it('tiles each parent exactly with its children: areas add up and every child lies inside its parent', () => {
    const byCode = new Map(sut.areas.map((a) => [a.code, a]));
    const childArea = new Map<string, number>();
    for (const area of sut.areas) {
      if (area.parentCode === null) continue;
      childArea.set(area.parentCode, (childArea.get(area.parentCode) ?? 0) + planarArea(area.geometry));
      const parent = byCode.get(area.parentCode);
      if (parent === undefined) throw new Error(`no parent for ${area.code}`);
      expect(
        booleanPointInPolygon(interiorPoint(area.geometry), parent.geometry, { ignoreBoundary: true }),
      ).toBe(true);
    }
    for (const area of sut.areas) {
      if (area.level === 'grid') continue;
      expect(childArea.get(area.code)).toBeCloseTo(planarArea(area.geometry), 12);
    }
  });
});
