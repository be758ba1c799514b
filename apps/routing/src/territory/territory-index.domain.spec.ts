import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { bboxOf, interiorPoint, polygonsOf } from './geometry.domain';
import { generateSampleCity } from './sample-city.domain';
import { type Area, type Territory } from './territory.domain';
import { TerritoryIndex } from './territory-index.domain';

/** Deterministic points for the tests (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function only<T>(items: readonly T[], what: string): T {
  const [item, ...rest] = items;
  if (item === undefined || rest.length > 0) throw new Error(`expected one ${what}, got ${items.length}`);
  return item;
}

describe('TerritoryIndex', () => {
  const city = generateSampleCity();
  const sut = new TerritoryIndex(city);
  const byCode = new Map(city.areas.map((a) => [a.code, a]));
  const grids = city.areas.filter((a) => a.level === 'grid');
  const outline = only(
    city.areas.filter((a) => a.level === 'city'),
    'city',
  );
  const [minLng, minLat, maxLng, maxLat] = bboxOf(outline.geometry);
  const next = random(42);
  const inside: [number, number][] = [];
  const outside: [number, number][] = [];
  while (inside.length < 20_000) {
    // sample a slightly larger box so points outside the city are exercised too
    const lng = minLng - 0.01 + next() * (maxLng - minLng + 0.02);
    const lat = minLat - 0.01 + next() * (maxLat - minLat + 0.02);
    (booleanPointInPolygon([lng, lat], outline.geometry) ? inside : outside).push([lng, lat]);
  }

  it('puts each of 20,000 random points inside the city in exactly one grid, with its ancestors', () => {
    const bad: string[] = [];
    for (const [lng, lat] of inside) {
      const found = sut.gridsAt(lng, lat);
      const location = sut.locate(lng, lat);
      if (location === undefined || found.length !== 1 || location.grid !== found[0])
        bad.push(`${lng},${lat}: ${found.length}`);
      else if (
        location.grid.parentCode !== location.community.code ||
        location.community.parentCode !== location.street.code ||
        location.street.parentCode !== location.district.code
      ) {
        bad.push(`${lng},${lat}: broken chain`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('finds nothing outside the city', () => {
    expect(outside.length).toBeGreaterThan(100);
    expect(outside.filter(([lng, lat]) => sut.locate(lng, lat) !== undefined)).toEqual([]);
    expect(sut.locate(0, 0)).toBeUndefined();
    expect(sut.locate(116.4, 41)).toBeUndefined();
  });

  it('agrees with brute force over all 6,000 grids for 500 points', () => {
    for (const [lng, lat] of inside.slice(0, 500)) {
      const containing = grids.filter((g) => booleanPointInPolygon([lng, lat], g.geometry));
      expect(containing).toHaveLength(1);
      expect(sut.locate(lng, lat)?.grid.code).toBe(containing[0]?.code);
    }
  });

  it("locates every grid's interior point to that grid and its parents", () => {
    const bad = grids.filter((grid) => {
      const [lng = NaN, lat = NaN] = interiorPoint(grid.geometry);
      const location = sut.locate(lng, lat);
      const community = byCode.get(grid.parentCode ?? '');
      const street = byCode.get(community?.parentCode ?? '');
      return (
        location?.grid.code !== grid.code ||
        location.community.code !== community?.code ||
        location.street.code !== street?.code ||
        location.district.code !== street.parentCode
      );
    });
    expect(bad.map((g) => g.code)).toEqual([]);
  });

  it('resolves points on shared vertices and edges to exactly one grid, the smallest code', () => {
    let shared = 0;
    for (const grid of grids.slice(0, 400)) {
      const ring = polygonsOf(grid.geometry)[0]?.[0] ?? [];
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1 = NaN, y1 = NaN] = ring[i] ?? [];
        const [x2 = NaN, y2 = NaN] = ring[i + 1] ?? [];
        for (const [lng, lat] of [
          [x1, y1],
          [(x1 + x2) / 2, (y1 + y2) / 2],
        ] as const) {
          const found = sut.gridsAt(lng, lat);
          if (found.length === 0) {
            // only a midpoint on the city's border may round to just outside it
            expect(booleanPointInPolygon([lng, lat], outline.geometry)).toBe(false);
            expect(sut.locate(lng, lat)).toBeUndefined();
            continue;
          }
          if (found.length > 1) shared++;
          const smallest = found.map((g) => g.code).sort()[0];
          expect(sut.locate(lng, lat)?.grid.code).toBe(smallest);
          expect(sut.locate(lng, lat)?.grid.code).toBe(smallest); // stable on repeat
        }
      }
    }
    expect(shared).toBeGreaterThan(1000);
  });

  it('locates quickly', () => {
    const started = performance.now();
    for (const [lng, lat] of inside) sut.locate(lng, lat);
    const perCallUs = ((performance.now() - started) * 1000) / inside.length;
    expect(perCallUs).toBeLessThan(100);
  });

  describe('locateByCodes', () => {
    const community = only(
      city.areas.filter((a) => a.code === '110102001003'),
      'community',
    );

    it('resolves the most specific known code with its ancestors', () => {
      expect(sut.locateByCodes({ communityCode: community.code })).toEqual({
        level: 'community',
        community,
        street: byCode.get('110102001'),
        district: byCode.get('110102'),
      });
      expect(sut.locateByCodes({ districtCode: '110102', streetCode: '110102001' })).toMatchObject({
        level: 'street',
        street: { code: '110102001' },
        district: { code: '110102' },
      });
      expect(sut.locateByCodes({ districtCode: '110103' })).toMatchObject({ level: 'district' });
      expect(sut.locateByCodes({ districtCode: '110103', streetCode: '999999999' })).toMatchObject({
        level: 'district',
      });
    });

    it('returns undefined for unknown or contradictory codes', () => {
      expect(sut.locateByCodes({})).toBeUndefined();
      expect(sut.locateByCodes({ communityCode: '110199001001' })).toBeUndefined();
      expect(sut.locateByCodes({ districtCode: '110101001' })).toBeUndefined(); // a street code as district
      expect(sut.locateByCodes({ districtCode: '110101', communityCode: community.code })).toBeUndefined();
    });
  });

  describe('locateByAddress', () => {
    const area = (code: string): Area => {
      const found = byCode.get(code);
      if (found === undefined) throw new Error(`no ${code}`);
      return found;
    };
    const district = area('110103');
    const street = area('110103001');
    const community = area('110103001002');
    const strip = (name: string): string => name.replace(/(社区|街道|村|镇|乡|区)$/, '');

    it('resolves full names to the community with full confidence', () => {
      const found = sut.locateByAddress(`北京市${district.name}${street.name}${community.name}5号楼2单元301`);
      expect(found).toMatchObject({ level: 'community', community, street, district, confidence: 1 });
      expect(found?.matched).toEqual(expect.arrayContaining([district.name, street.name, community.name]));
    });

    it('resolves a community named alone, or without its suffix, with less confidence', () => {
      const alone = sut.locateByAddress(`${community.name}东门`);
      expect(alone).toMatchObject({ level: 'community', community, confidence: 0.7 });
      const bare = sut.locateByAddress(`${strip(street.name)} ${strip(community.name)} 12号院`);
      expect(bare).toMatchObject({ level: 'community', community });
      expect(bare?.confidence).toBeLessThan(1);
      expect(bare?.confidence).toBeGreaterThan(0.6);
    });

    it('stops at the street or district when that is all the address names', () => {
      expect(sut.locateByAddress(`${district.name}${street.name}某某路88号`)).toMatchObject({
        level: 'street',
        street,
        district,
        confidence: 0.85,
      });
      expect(sut.locateByAddress(`${district.name}人民路1号`)).toMatchObject({ level: 'district', district });
      expect(sut.locateByAddress('火星基地一号')).toBeUndefined();
    });

    it('lowers confidence when the address names a district the community is not in', () => {
      const elsewhere = area('110101');
      const found = sut.locateByAddress(`${elsewhere.name}${community.name}`);
      expect(found).toMatchObject({ level: 'community', community });
      expect(found?.confidence).toBeLessThan(0.7);
    });

    describe('with duplicate and overlapping names', () => {
      const small = generateSampleCity({
        districts: 2,
        streetsPerDistrict: 2,
        communitiesPerStreet: 2,
        gridsPerCommunity: 1,
      });
      // street codes depend on the kind (街道 0xx, 镇 1xx, 乡 2xx), so find the areas by position
      const childrenOf = (code: string): string[] =>
        small.areas.filter((a) => a.parentCode === code).map((a) => a.code);
      const [d1s1 = '', d1s2 = ''] = childrenOf('110101');
      const [d2s1 = '', d2s2 = ''] = childrenOf('110102');
      const [heping1 = '', heping2 = ''] = [childrenOf(d1s1)[0], childrenOf(d2s1)[0]];
      const [xingfu1 = '', xingfu2 = ''] = [childrenOf(d2s1)[1], childrenOf(d2s2)[0]];
      const rename: Record<string, string> = {
        [heping1]: '和平里社区',
        [heping2]: '和平里社区',
        [d1s2]: '和平街道', // its name is inside 和平里社区
        [xingfu1]: '幸福村',
        [xingfu2]: '幸福村',
      };
      const territory: Territory = {
        areas: small.areas.map((a) => ({ ...a, name: rename[a.code] ?? a.name })),
      };
      const index = new TerritoryIndex(territory);
      const name = (code: string): string => index.area(code)?.name ?? '';
      const codeOf = (address: string): string | undefined => {
        const found = index.locateByAddress(address);
        return found?.community?.code ?? found?.street?.code ?? found?.district.code;
      };

      it('lets the street or district named alongside pick between same-named communities', () => {
        expect(codeOf(`${name(d2s1)}和平里社区`)).toBe(heping2);
        expect(codeOf(`${name('110101')}和平里社区`)).toBe(heping1);
        expect(codeOf(`${name(d2s2)}幸福村`)).toBe(xingfu2);
      });

      it('falls back to the common ancestor, with low confidence, when nothing disambiguates', () => {
        // the two 和平里 are in different districts: nothing in common below the city
        expect(index.locateByAddress('和平里社区')).toBeUndefined();
        // the two 幸福村 share their district
        const found = index.locateByAddress('幸福村18号');
        expect(found).toMatchObject({ level: 'district', district: { code: '110102' } });
        expect(found?.community).toBeUndefined();
        expect(found?.confidence).toBeLessThan(0.5);
      });

      it('ignores a name found inside a longer one', () => {
        const found = index.locateByAddress(`${name('110101')}和平里社区`);
        expect(found?.matched).not.toContain('和平');
        expect(found?.matched).not.toContain('和平街道');
        expect(codeOf('和平街道3号')).toBe(d1s2);
      });
    });
  });
});
