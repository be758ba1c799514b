import { generateSampleCity } from './sample-city.domain';
import { fromFeatureCollection, toFeatureCollection } from './territory-geojson.domain';
import { TerritoryError } from './territory.errors';

function importErrors(input: unknown): string[] {
  try {
    fromFeatureCollection(input);
  } catch (error) {
    if (error instanceof TerritoryError)
      return error.issues.map((i) => `${i.index} ${i.field}: ${i.message}`);
    throw error;
  }
  throw new Error('expected the import to fail');
}

describe('territory GeoJSON', () => {
  const city = generateSampleCity({
    districts: 2,
    streetsPerDistrict: 3,
    communitiesPerStreet: 3,
    gridsPerCommunity: 4,
  });
  const collection = toFeatureCollection(city);

  it('exports one feature per area with code, name, level and parentCode', () => {
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.features).toHaveLength(city.areas.length);
    const [first] = collection.features;
    expect(first?.id).toBe('1101');
    expect(first?.properties).toEqual({ code: '1101', name: '京华市', level: 'city', parentCode: null });
    expect(collection.features[1]?.properties).toMatchObject({
      code: '110101',
      level: 'district',
      parentCode: '1101',
    });
  });

  it('round-trips through JSON text unchanged', () => {
    const sut = fromFeatureCollection(JSON.parse(JSON.stringify(collection)));
    expect(sut).toEqual(city);
    expect(JSON.stringify(toFeatureCollection(sut))).toBe(JSON.stringify(collection));
  });

  it('round-trips the full-size sample city', () => {
    const full = generateSampleCity();
    const text = JSON.stringify(toFeatureCollection(full));
    expect(JSON.stringify(toFeatureCollection(fromFeatureCollection(JSON.parse(text))))).toBe(text);
  });

  it('accepts MultiPolygons and features in any order', () => {
    const features = [...structuredClone(collection.features)].reverse();
    const grid = features[0];
    if (grid === undefined || grid.geometry.type !== 'Polygon') throw new Error('expected a polygon grid');
    grid.geometry = { type: 'MultiPolygon', coordinates: [grid.geometry.coordinates] };
    const sut = fromFeatureCollection({ type: 'FeatureCollection', features });
    expect(sut.areas.map((a) => a.code)).toEqual(city.areas.map((a) => a.code));
    expect(sut.areas.at(-1)?.geometry.type).toBe('MultiPolygon');
  });

  it('rejects what is not a FeatureCollection', () => {
    expect(() => fromFeatureCollection({ type: 'Feature' })).toThrow(TerritoryError);
    expect(() => fromFeatureCollection(null)).toThrow(/not a GeoJSON FeatureCollection/);
  });

  it('names the feature index and field of every schema problem', () => {
    const features: unknown[] = structuredClone(collection.features);
    const set = (index: number, patch: (f: Record<string, unknown>) => void): void => {
      patch(features[index] as Record<string, unknown>);
    };
    set(2, (f) => ((f['properties'] as Record<string, unknown>)['level'] = 'province'));
    set(3, (f) => ((f['properties'] as Record<string, unknown>)['name'] = ' '));
    set(4, (f) => {
      const geometry = f['geometry'] as { coordinates: number[][][] };
      geometry.coordinates[0]?.pop(); // no longer closed
    });
    set(5, (f) => ((f['geometry'] as Record<string, unknown>)['type'] = 'LineString'));
    set(6, (f) => {
      const geometry = f['geometry'] as { coordinates: number[][][] };
      geometry.coordinates[0]?.splice(1, 1, [200, 40]);
    });
    set(7, (f) => delete f['properties']);
    const errors = importErrors({ type: 'FeatureCollection', features });
    expect(errors).toEqual([
      expect.stringMatching(/^2 properties\.level: /),
      expect.stringMatching(/^3 properties\.name: /),
      expect.stringMatching(/^4 geometry\.coordinates\.0: a linear ring has at least 4 positions/),
      expect.stringMatching(/^5 geometry\.type: /),
      expect.stringMatching(/^6 geometry\.coordinates\.0\.1: position outside WGS-84/),
      expect.stringMatching(/^7 properties: /),
    ]);
  });

  it('names the feature of every structural problem: duplicates, unknown parents, wrong levels and codes', () => {
    const features = structuredClone(collection.features);
    const props = (i: number): { code: string; parentCode: string | null; level: string } => {
      const feature = features[i];
      if (feature === undefined) throw new Error(`no feature ${i}`);
      return feature.properties;
    };
    // features are in code order: 1101, 110101, 110101001 (the first street), its communities and grids …
    const streets = features.flatMap((f, i) => (f.properties.level === 'street' ? [i] : []));
    const [s1 = -1, s2 = -1, s3 = -1, s4 = -1] = streets.slice(1);
    const s4Code = '110199' + props(s4).code.slice(6);
    props(s1).code = '110101001'; // duplicate of the first street
    props(s2).parentCode = '999999'; // unknown parent
    props(s3).parentCode = '1101'; // a street under the city
    props(s4).code = s4Code; // does not extend its parent's code
    const last = features.length - 1;
    props(last).code += '0'; // wrong length for a grid
    const errors = importErrors({ type: 'FeatureCollection', features });
    expect(errors).toEqual(
      expect.arrayContaining([
        `${s1} code: duplicate code 110101001`,
        `${s2} parentCode: unknown parent 999999`,
        `${s3} parentCode: a street's parent must be a district, 1101 is a city`,
        `${s4} code: ${s4Code} does not extend its parent's code ${String(props(s4).parentCode)}`,
        `${last} code: a grid code has 15 digits, got "${props(last).code}"`,
      ]),
    );
    expect(() => fromFeatureCollection({ type: 'FeatureCollection', features })).toThrow(
      new RegExp(`feature ${s2} parentCode: unknown parent`),
    );
  });
});
