import { EVENTS } from '@jsjb/contracts';
import { type CatalogueItem } from '../catalogue/catalogue.domain';
import { CATALOGUE_2026_1 } from '../catalogue/data/catalogue-2026.1';
import { type Unit, unitsOfTerritory } from '../dispatch/units.domain';
import { generateSampleCity } from '../territory/sample-city.domain';
import {
  changeEvents,
  diffByKey,
  leadOf,
  type ReferenceEvent,
  snapshotEvents,
  splitIntoParts,
  toReferenceArea,
  toReferenceCatalogueItem,
  toReferenceUnit,
} from './reference-events.domain';

const publishedAt = new Date('2026-11-21T08:00:00Z');

/** The codes (areas, items) or ids (units) an event upserts. */
function keysOf(event: ReferenceEvent): string[] {
  switch (event.type) {
    case 'territory.changed.v1':
    case 'catalogue.changed.v1':
      return event.data.upserted.map((entry) => entry.code);
    case 'units.changed.v1':
      return event.data.upserted.map((entry) => entry.id);
  }
}

/** Every event must pass its contract's schema, as the outbox checks before storing it. */
function expectValid(events: ReferenceEvent[]): void {
  for (const event of events) {
    expect(EVENTS[event.type].schema.safeParse(event.data).success).toBe(true);
  }
}

describe('reference events', () => {
  const city = generateSampleCity({
    seed: 11,
    districts: 2,
    streetsPerDistrict: 3,
    communitiesPerStreet: 4,
    gridsPerCommunity: 5,
  });
  const units = unitsOfTerritory(city);

  describe('mapping', () => {
    it('publishes areas without geometry', () => {
      const [area] = city.areas;
      if (!area) throw new Error('no area');
      expect(toReferenceArea(area)).toEqual({
        code: area.code,
        name: area.name,
        level: area.level,
        parentCode: area.parentCode,
      });
    });

    it('publishes each kind of unit with its district, street, sector and service area', () => {
      const cases: [Unit, object][] = [
        [
          { kind: 'street', id: 's', name: '东华门街道', streetCode: '110101001', districtCode: '110101' },
          { districtCode: '110101', streetCode: '110101001', sector: null, serviceArea: [] },
        ],
        [
          { kind: 'district-government', id: 'g', name: '东城区人民政府', districtCode: '110101' },
          { districtCode: '110101', streetCode: null, sector: null, serviceArea: [] },
        ],
        [
          { kind: 'department', id: 'c', name: '市交通部门', sector: 'transport', level: 'city' },
          { districtCode: null, streetCode: null, sector: 'transport', serviceArea: [] },
        ],
        [
          {
            kind: 'department',
            id: 'd',
            name: '东城区交通局',
            sector: 'transport',
            level: 'district',
            districtCode: '110101',
          },
          { districtCode: '110101', streetCode: null, sector: 'transport', serviceArea: [] },
        ],
        [
          { kind: 'utility', id: 'u', name: '供热所', utility: 'heating', serviceArea: ['110101001'] },
          { districtCode: null, streetCode: null, sector: 'heating', serviceArea: ['110101001'] },
        ],
      ];
      for (const [unit, expected] of cases) {
        expect(toReferenceUnit(unit)).toEqual({ id: unit.id, kind: unit.kind, name: unit.name, ...expected });
      }
    });

    it('says who leads a catalogue item, for people', () => {
      expect(leadOf({ kind: 'territorial' })).toBe('属地街道');
      expect(leadOf({ kind: 'department', sector: 'housing', level: 'district' })).toBe(
        '区住房和城乡建设部门',
      );
      expect(leadOf({ kind: 'department', sector: 'traffic-police', level: 'city' })).toBe('市公安交管部门');
      expect(leadOf({ kind: 'utility', utility: 'water' })).toBe('供水企业');
      expect(leadOf({ kind: 'district' })).toBe('区政府');
      const [item] = CATALOGUE_2026_1.items;
      if (!item) throw new Error('no item');
      expect(toReferenceCatalogueItem(item)).toEqual({
        code: item.code,
        name: item.name,
        path: item.path,
        urgency: item.urgency,
        keywords: item.keywords,
        lead: leadOf(item.rule),
      });
    });
  });

  describe('diffByKey', () => {
    it('upserts new and changed entries, removes missing keys, both in key order', () => {
      const before = new Map([
        ['b', { v: 1 }],
        ['a', { v: 1 }],
        ['c', { v: 1 }],
      ]);
      const after = new Map([
        ['d', { v: 1 }],
        ['a', { v: 2 }],
        ['c', { v: 1 }],
      ]);
      expect(diffByKey(before, after)).toEqual({ upserted: [{ v: 2 }, { v: 1 }], removed: ['b'] });
      expect(diffByKey(before, before)).toEqual({ upserted: [], removed: [] });
    });
  });

  describe('splitIntoParts', () => {
    it('keeps each part within the entry limit, upserts before removals, nothing lost', () => {
      const upserted = Array.from({ length: 7 }, (_, i) => ({ i }));
      const removed = ['x', 'y', 'z'];
      const sut = splitIntoParts({ upserted, removed }, { maxEntries: 4, maxBytes: 1_000_000 });
      expect(sut).toEqual([
        { upserted: upserted.slice(0, 4), removed: [] },
        { upserted: upserted.slice(4), removed: ['x'] },
        { upserted: [], removed: ['y', 'z'] },
      ]);
    });

    it('keeps each part within the byte limit (UTF-8), one entry at least', () => {
      const big = { name: '很'.repeat(100) }; // 300 bytes of UTF-8 plus JSON
      const sut = splitIntoParts(
        { upserted: [big, big, big], removed: [] },
        { maxEntries: 100, maxBytes: 700 },
      );
      expect(sut.map((p) => p.upserted.length)).toEqual([2, 1]);
      const huge = splitIntoParts({ upserted: [big], removed: [] }, { maxEntries: 100, maxBytes: 10 });
      expect(huge).toEqual([{ upserted: [big], removed: [] }]);
    });

    it('gives one empty part for no changes', () => {
      expect(splitIntoParts({ upserted: [], removed: [] })).toEqual([{ upserted: [], removed: [] }]);
    });
  });

  describe('snapshotEvents', () => {
    it('publishes every area in numbered parts of at most 1000, keyed by kind, valid by contract', () => {
      const big = generateSampleCity({
        seed: 1,
        districts: 2,
        streetsPerDistrict: 3,
        communitiesPerStreet: 10,
        gridsPerCommunity: 20,
      });
      expect(big.areas.length).toBeGreaterThan(1000);
      const sut = snapshotEvents({ kind: 'territory', version: 't1', territory: big }, { publishedAt });
      expect(sut.length).toBe(Math.ceil(big.areas.length / 1000));
      expect(sut.every((e) => e.type === 'territory.changed.v1' && e.subject === 'territory')).toBe(true);
      expect(sut.map((e) => [e.data.part, e.data.parts])).toEqual(sut.map((_, i) => [i + 1, sut.length]));
      expect(sut.every((e) => e.data.upserted.length <= 1000 && e.data.removed.length === 0)).toBe(true);
      expect(sut.flatMap(keysOf)).toEqual(big.areas.map((a) => a.code));
      expect(sut[0]?.data).toMatchObject({
        version: 't1',
        previousVersion: null,
        mode: 'snapshot',
        publishedAt: publishedAt.toISOString(),
      });
      for (const event of sut) expect(Buffer.byteLength(JSON.stringify(event.data))).toBeLessThan(512 * 1024);
      expectValid(sut);
    });

    it('publishes units and the catalogue as one part each at their size', () => {
      const unitEvents = snapshotEvents({ kind: 'units', version: 'u1', units }, { publishedAt });
      expect(unitEvents).toHaveLength(1);
      expect(unitEvents[0]?.data.upserted).toHaveLength(units.length);
      const catalogueEvents = snapshotEvents(
        { kind: 'catalogue', version: '2026.1', catalogue: CATALOGUE_2026_1 },
        { publishedAt },
      );
      expect(catalogueEvents.map((e) => [e.type, e.subject, e.data.upserted.length])).toEqual([
        ['catalogue.changed.v1', 'catalogue', CATALOGUE_2026_1.items.length],
      ]);
      expectValid([...unitEvents, ...catalogueEvents]);
    });
  });

  describe('changeEvents', () => {
    it('publishes a catalogue version as the items added or changed and the codes removed', () => {
      const [changed, removed, ...rest] = CATALOGUE_2026_1.items;
      if (!changed || !removed) throw new Error('too few items');
      const edited: CatalogueItem = { ...changed, keywords: [...changed.keywords, '新词'] };
      const added: CatalogueItem = {
        ...changed,
        code: 'zz.new.item',
        name: '新事项',
        path: ['新类', '新事项'],
      };
      const next = { ...CATALOGUE_2026_1, version: '2026.2', items: [edited, ...rest, added] };
      const sut = changeEvents(
        { kind: 'catalogue', version: '2026.1', catalogue: CATALOGUE_2026_1 },
        { kind: 'catalogue', version: '2026.2', catalogue: next },
        { publishedAt },
      );
      expect(sut).toHaveLength(1);
      expect(sut[0]?.data).toMatchObject({
        version: '2026.2',
        previousVersion: '2026.1',
        mode: 'changes',
        part: 1,
        parts: 1,
        removed: [removed.code],
      });
      expect(sut.flatMap(keysOf).sort()).toEqual([added.code, edited.code].sort());
      expectValid(sut);
    });

    it('publishes units and territory versions as the entries that differ as published', () => {
      const [first, ...others] = units;
      if (!first) throw new Error('no units');
      const renamed = { ...first, name: `${first.name}（新）` };
      const sut = changeEvents(
        { kind: 'units', version: 'u1', units },
        { kind: 'units', version: 'u2', units: [renamed, ...others.slice(1)] },
        { publishedAt },
      );
      expect(sut.map((e) => e.data)).toEqual([
        expect.objectContaining({
          upserted: [toReferenceUnit(renamed)],
          removed: [others[0]?.id],
          previousVersion: 'u1',
          version: 'u2',
        }),
      ]);

      const grid = city.areas[city.areas.length - 1];
      const territoryEvents = changeEvents(
        { kind: 'territory', version: 't1', territory: city },
        { kind: 'territory', version: 't2', territory: { areas: city.areas.filter((a) => a !== grid) } },
        { publishedAt },
      );
      expect(territoryEvents.map((e) => [e.data.upserted.length, e.data.removed])).toEqual([
        [0, [grid?.code]],
      ]);
      expectValid([...sut, ...territoryEvents]);
    });

    it('refuses to diff two kinds', () => {
      expect(() =>
        changeEvents(
          { kind: 'units', version: 'u1', units },
          { kind: 'territory', version: 't1', territory: city },
          { publishedAt },
        ),
      ).toThrow('cannot diff units with territory');
    });
  });
});
