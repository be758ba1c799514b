import { catalogueFromCsv, catalogueToCsv } from '../catalogue/catalogue-csv.domain';
import { CATALOGUE_2026_1 } from '../catalogue/data/catalogue-2026.1';
import { type Unit, unitsOfTerritory } from '../dispatch/units.domain';
import { generateSampleCity } from '../territory/sample-city.domain';
import { toFeatureCollection } from '../territory/territory-geojson.domain';
import {
  canonicalJson,
  checksumOf,
  ofKind,
  parseContent,
  payloadOf,
  ReferenceContentError,
  unitTerritoryIssues,
} from './reference-version.domain';

function issuesOf(work: () => unknown): { field: string; code: string }[] {
  try {
    work();
  } catch (error) {
    if (error instanceof ReferenceContentError)
      return error.issues.map(({ field, code }) => ({ field, code }));
    throw error;
  }
  throw new Error('expected a ReferenceContentError');
}

describe('reference versions', () => {
  const city = generateSampleCity({
    seed: 5,
    districts: 2,
    streetsPerDistrict: 2,
    communitiesPerStreet: 2,
    gridsPerCommunity: 2,
  });
  const units = unitsOfTerritory(city);
  const [street] = city.areas.filter((a) => a.level === 'street');
  if (!street) throw new Error('no street');

  describe('canonicalJson and checksumOf', () => {
    it('ignore key order and undefined members, not array order', () => {
      expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
      expect(checksumOf({ a: 1, b: 2 })).toBe(checksumOf({ b: 2, a: 1 }));
      expect(checksumOf([1, 2])).not.toBe(checksumOf([2, 1]));
      expect(checksumOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('parseContent', () => {
    it('reads back what payloadOf stores, for every kind, with the same checksum', () => {
      const contents = [
        { kind: 'territory', version: 'v1', territory: city },
        { kind: 'units', version: 'v1', units },
        { kind: 'catalogue', version: '2026.1', catalogue: CATALOGUE_2026_1 },
      ] as const;
      for (const content of contents) {
        const payload = JSON.parse(JSON.stringify(payloadOf(content))) as unknown;
        const sut = parseContent(content.kind, content.version, payload);
        expect(sut).toEqual(content);
        expect(checksumOf(payloadOf(sut))).toBe(checksumOf(payloadOf(content)));
      }
    });

    it('gives the same checksum to a catalogue imported as CSV and as JSON', () => {
      const { version, publishedAt } = CATALOGUE_2026_1;
      const fromCsv = catalogueFromCsv(catalogueToCsv(CATALOGUE_2026_1), { version, publishedAt });
      const fromJson = parseContent('catalogue', version, JSON.parse(JSON.stringify(CATALOGUE_2026_1)));
      expect(checksumOf(payloadOf({ kind: 'catalogue', version, catalogue: fromCsv }))).toBe(
        checksumOf(payloadOf(fromJson)),
      );
    });

    it('refuses a bad version label, and a catalogue whose version differs from the one given', () => {
      expect(issuesOf(() => parseContent('units', 'no spaces', { units }))).toEqual([
        { field: 'version', code: 'invalid_format' },
      ]);
      expect(issuesOf(() => parseContent('catalogue', '2026.9', CATALOGUE_2026_1))).toEqual([
        { field: 'version', code: 'version_mismatch' },
      ]);
    });

    it('names the bad fields of units: shape, repeated ids, two units for one jurisdiction', () => {
      const [first, second] = units;
      if (!first || !second) throw new Error('no units');
      const twin: Unit = { ...first, id: 'twin' };
      expect(
        issuesOf(() =>
          parseContent('units', 'v2', {
            units: [first, { ...second, id: first.id }, twin, { kind: 'street', id: 'x' }],
          }),
        ),
      ).toEqual(
        expect.arrayContaining([
          { field: 'units.3.name', code: 'invalid_type' },
          { field: 'units.3.streetCode', code: 'invalid_type' },
        ]),
      );
      const issues = issuesOf(() =>
        parseContent('units', 'v2', { units: [first, { ...second, id: first.id }, twin] }),
      );
      expect(issues).toContainEqual({ field: 'units.1.id', code: 'duplicate_id' });
      expect(issues.some((i) => i.field.startsWith('units.2.') && i.code === 'duplicate_jurisdiction')).toBe(
        true,
      );
    });

    it('names the bad features of a territory', () => {
      const collection = toFeatureCollection(city);
      const broken = {
        ...collection,
        features: collection.features.map((f, i) =>
          i === 3 ? { ...f, properties: { ...f.properties, parentCode: '999999' } } : f,
        ),
      };
      expect(issuesOf(() => parseContent('territory', 'v2', broken))).toContainEqual({
        field: 'features.3.parentCode',
        code: 'invalid_territory',
      });
      expect(issuesOf(() => parseContent('territory', 'v2', { type: 'Feature' }))[0]?.field).toBe('type');
    });

    it('narrows content to its kind, refusing another', () => {
      const content = parseContent('units', 'v1', { units });
      expect(ofKind(content, 'units').units).toHaveLength(units.length);
      expect(() => ofKind(content, 'territory')).toThrow('expected territory content, got units');
    });
  });

  describe('unitTerritoryIssues', () => {
    it('accepts the units of the territory itself', () => {
      expect(unitTerritoryIssues(units, city)).toEqual([]);
    });

    it('names every code that is not an area of the right level, and streets in another district', () => {
      const otherDistrict = city.areas.find((a) => a.level === 'district' && a.code !== street.parentCode);
      const sut = unitTerritoryIssues(
        [
          { kind: 'street', id: 's', name: 's', streetCode: '110199001', districtCode: '110199' },
          {
            kind: 'street',
            id: 't',
            name: 't',
            streetCode: street.code,
            districtCode: otherDistrict?.code ?? '',
          },
          { kind: 'district-government', id: 'g', name: 'g', districtCode: street.code.slice(0, 6) },
          {
            kind: 'department',
            id: 'd',
            name: 'd',
            sector: 'housing',
            level: 'district',
            districtCode: '110188',
          },
          { kind: 'department', id: 'c', name: 'c', sector: 'housing', level: 'city' },
          { kind: 'utility', id: 'u', name: 'u', utility: 'gas', serviceArea: [street.code, '110177001'] },
        ],
        city,
      );
      expect(sut.map((i) => [i.field, i.code])).toEqual([
        ['units.0.streetCode', 'unknown_area'],
        ['units.0.districtCode', 'unknown_area'],
        ['units.1.districtCode', 'wrong_district'],
        ['units.3.districtCode', 'unknown_area'],
        ['units.5.serviceArea.1', 'unknown_area'],
      ]);
    });
  });
});
