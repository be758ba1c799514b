import {
  type CatalogueChangedV1,
  catalogueChangedV1,
  type TerritoryChangedV1,
  territoryChangedV1,
  type UnitsChangedV1,
  unitsChangedV1,
} from '@jsjb/contracts';
import type { TokenClaims } from '@jsjb/platform';
import { waitFor } from '@jsjb/testing';
import { ReferenceReadModel } from '../../src/reference/reference-read-model';
import type {
  ReferenceArea,
  ReferenceCatalogueItem,
  ReferenceKind,
  ReferenceUnit,
} from '../../src/reference/reference.domain';
import { ReferenceRepository } from '../../src/reference/reference.repository';
import { ReferenceService } from '../../src/reference/reference.service';
import { type IntakeHarness, startIntakeHarness, TIMEOUT_MS } from '../support/intake-harness';

const OPERATOR: TokenClaims = { sub: 'op-1', role: 'operator' };
const ADMIN: TokenClaims = { sub: 'admin-1', role: 'admin' };
const RESIDENT: TokenClaims = { sub: 'resident-1', role: 'resident' };
const TEST_TIMEOUT_MS = 60_000;

// A small city as routing would publish it: 2 districts × 2 streets × 2 communities × 1 grid.
const area = (code: string, level: ReferenceArea['level'], parentCode: string | null, name: string) => ({
  code,
  name,
  level,
  parentCode,
});
const AREAS: ReferenceArea[] = [area('110000', 'city', null, '北京市')];
for (const [d, district] of [
  ['110101', '东城区'],
  ['110102', '西城区'],
] as const) {
  AREAS.push(area(d, 'district', '110000', district));
  for (const s of [1, 2]) {
    const street = `${d}00${s}`;
    AREAS.push(area(street, 'street', d, `${district}第${s}街道`));
    for (const c of [1, 2]) {
      const community = `${street}00${c}`;
      AREAS.push(area(community, 'community', street, `${district}第${s}街道第${c}社区`));
      AREAS.push(area(`${community}001`, 'grid', community, `网格${community}`));
    }
  }
}

const streetUnit = (streetCode: string, districtCode: string): ReferenceUnit => ({
  id: `street-${streetCode}`,
  kind: 'street',
  name: `${streetCode}街道办事处`,
  districtCode,
  streetCode,
  sector: null,
  serviceArea: [],
});
const UNITS: ReferenceUnit[] = [
  streetUnit('110101001', '110101'),
  streetUnit('110101002', '110101'),
  streetUnit('110102001', '110102'),
  {
    id: 'gov-110101',
    kind: 'district-government',
    name: '东城区人民政府',
    districtCode: '110101',
    streetCode: null,
    sector: null,
    serviceArea: [],
  },
  {
    id: 'util-heating-1',
    kind: 'utility',
    name: '热力集团第一分公司',
    districtCode: null,
    streetCode: null,
    sector: 'heating',
    serviceArea: ['110101001', '110101002'],
  },
];

const ITEMS: ReferenceCatalogueItem[] = [
  {
    code: 'urban.noise.construction',
    name: '施工噪音',
    path: ['城市管理', '噪音', '施工噪音'],
    urgency: 'general',
    keywords: ['施工', '噪音', '夜间'],
    lead: '属地街道',
  },
  {
    code: 'utility.heating.no-heat',
    name: '暖气不热',
    path: ['供热', '暖气不热'],
    urgency: 'utilities',
    keywords: ['暖气', '不热'],
    lead: '供热企业',
  },
  {
    code: 'housing.property.fee',
    name: '物业收费',
    path: ['住房', '物业收费'],
    urgency: 'general',
    keywords: ['物业费'],
    lead: '区住房和城乡建设部门',
  },
];

const PUBLISHED_AT = '2026-11-22T08:00:00+08:00';

interface Header {
  version: string;
  previousVersion: string | null;
  part?: number;
  parts?: number;
  removed?: string[];
}

/** Events as routing publishes them, checked by the contract's schema. */
function territoryEvent(header: Header, upserted: ReferenceArea[]): TerritoryChangedV1 {
  return territoryChangedV1.schema.parse(envelope(header, upserted));
}
function unitsEvent(header: Header, upserted: ReferenceUnit[]): UnitsChangedV1 {
  return unitsChangedV1.schema.parse(envelope(header, upserted));
}
function catalogueEvent(header: Header, upserted: ReferenceCatalogueItem[]): CatalogueChangedV1 {
  return catalogueChangedV1.schema.parse(envelope(header, upserted));
}
function envelope(header: Header, upserted: unknown[]) {
  return {
    version: header.version,
    previousVersion: header.previousVersion,
    mode: header.previousVersion === null ? 'snapshot' : 'changes',
    part: header.part ?? 1,
    parts: header.parts ?? 1,
    publishedAt: PUBLISHED_AT,
    upserted,
    removed: header.removed ?? [],
  };
}

describe('intake reference read model', () => {
  let h: IntakeHarness;
  let sut: ReferenceReadModel;
  const catalogueChanges: { version: string | null; codes: string[] }[] = [];

  beforeAll(async () => {
    h = await startIntakeHarness();
    sut = h.sut.app.get(ReferenceReadModel);
    sut.onCatalogueChanged((items, version) => {
      catalogueChanges.push({ version, codes: items.map((i) => i.code) });
    });
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  /** Produces a reference event keyed by its kind, as routing's relay does, and waits until it is handled. */
  async function deliver(
    kind: ReferenceKind,
    data: TerritoryChangedV1 | UnitsChangedV1 | CatalogueChangedV1,
    eventId?: string,
  ): Promise<string> {
    const type = `${kind}.changed.v1` as const;
    const id = await h.produce(type, kind, data, eventId === undefined ? {} : { eventId });
    await h.processed(id);
    return id;
  }

  async function inForce(kind: ReferenceKind, version: string): Promise<void> {
    await waitFor(() => sut.version(kind) === version, {
      description: `${kind} ${version} in memory`,
      timeoutMs: TIMEOUT_MS,
    });
  }

  async function stored() {
    return {
      versions: await h.prisma.referenceVersion.findMany({
        orderBy: { kind: 'asc' },
        select: { kind: true, version: true, pending: true, pendingParts: true },
      }),
      areas: await h.prisma.referenceArea.findMany({ orderBy: { code: 'asc' } }),
      units: await h.prisma.referenceUnit.findMany({ orderBy: { id: 'asc' } }),
      items: await h.prisma.referenceCatalogueItem.findMany({ orderBy: { code: 'asc' } }),
    };
  }

  it('starts empty, and shows that on /reference/status to operators and admins only', async () => {
    expect([sut.version('territory'), sut.version('units'), sut.version('catalogue')]).toEqual([
      null,
      null,
      null,
    ]);
    expect(sut.checkLocationCodes({ districtCode: '110101' })).toEqual([
      expect.objectContaining({ field: 'districtCode', code: 'unknown_area' }),
    ]);
    const status = await h.http('GET', '/reference/status', OPERATOR);
    expect(status.status).toBe(200);
    expect(status.body['catalogue']).toEqual({
      version: null,
      appliedAt: null,
      rows: 0,
      pending: null,
      inForceHere: { version: null, entries: 0 },
    });
    expect((await h.http('GET', '/reference/status', RESIDENT)).status).toBe(403);
    expect((await h.http('GET', '/reference/status', null)).status).toBe(401);
  });

  it(
    'applies a territory snapshot in two parts, switching the version only at the last part',
    async () => {
      const half = Math.ceil(AREAS.length / 2);
      await deliver(
        'territory',
        territoryEvent({ version: 't1', previousVersion: null, part: 1, parts: 2 }, AREAS.slice(0, half)),
      );
      // Part 1 is stored, the version is not switched, and the memory still answers the old one.
      const midway = await stored();
      expect(midway.versions).toEqual([{ kind: 'territory', version: '', pending: 't1', pendingParts: 1 }]);
      expect(midway.areas).toHaveLength(half);
      expect((await sut.refresh()).includes('territory')).toBe(false);
      expect(sut.version('territory')).toBeNull();
      expect(sut.area('110101')).toBeUndefined();
      const status = await h.http('GET', '/reference/status', ADMIN);
      expect(status.body['territory']).toMatchObject({
        version: null,
        rows: half,
        pending: { version: 't1', partsApplied: 1 },
      });

      await deliver(
        'territory',
        territoryEvent({ version: 't1', previousVersion: null, part: 2, parts: 2 }, AREAS.slice(half)),
      );
      await inForce('territory', 't1');
      expect((await stored()).versions).toEqual([
        { kind: 'territory', version: 't1', pending: null, pendingParts: 0 },
      ]);
      expect((await stored()).areas).toHaveLength(AREAS.length);
      expect(sut.count('territory')).toBe(AREAS.length);
      expect(sut.area('110101002')).toEqual(area('110101002', 'street', '110101', '东城区第2街道'));
      expect(sut.ancestor('110102001002001', 'district')?.name).toBe('西城区');
      expect(
        sut.checkLocationCodes({
          districtCode: '110101',
          streetCode: '110101002',
          communityCode: '110101002001',
        }),
      ).toEqual([]);
      expect(
        sut.checkLocationCodes(
          { districtCode: '110102', streetCode: '110101002', communityCode: '110101009001' },
          'location.',
        ),
      ).toEqual([
        expect.objectContaining({ field: 'location.communityCode', code: 'unknown_area' }),
        expect.objectContaining({ field: 'location.streetCode', code: 'not_within', value: '110101002' }),
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'applies unit and catalogue snapshots and tells catalogue listeners',
    async () => {
      await deliver('units', unitsEvent({ version: 'u1', previousVersion: null }, UNITS));
      await deliver('catalogue', catalogueEvent({ version: '2026.1', previousVersion: null }, ITEMS));
      await inForce('units', 'u1');
      await inForce('catalogue', '2026.1');

      expect(sut.unitName('street-110101001')).toBe('110101001街道办事处');
      expect(sut.unit('util-heating-1')?.serviceArea).toEqual(['110101001', '110101002']);
      expect(sut.unitName('no-such-unit')).toBeUndefined();
      expect(sut.catalogueItem('utility.heating.no-heat')).toEqual(ITEMS[1]);
      expect(sut.catalogueItems().map((i) => i.code)).toEqual([
        'housing.property.fee',
        'urban.noise.construction',
        'utility.heating.no-heat',
      ]);
      expect(catalogueChanges).toEqual([
        {
          version: '2026.1',
          codes: ['housing.property.fee', 'urban.noise.construction', 'utility.heating.no-heat'],
        },
      ]);
      const rows = await stored();
      expect(rows.units.map((u) => u.id)).toEqual(UNITS.map((u) => u.id).sort());
      expect(rows.items.find((i) => i.code === 'urban.noise.construction')).toEqual(ITEMS[0]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'applies changes: upserted entries replace or add rows, removed keys delete them',
    async () => {
      const renamed = { ...area('110101002', 'street', '110101', '东城区新街道') };
      const added = area('110101001003', 'community', '110101001', '新建社区');
      await deliver(
        'territory',
        territoryEvent({ version: 't2', previousVersion: 't1', removed: ['110102002002001'] }, [
          renamed,
          added,
        ]),
      );
      await deliver(
        'units',
        unitsEvent({ version: 'u2', previousVersion: 'u1', removed: ['gov-110101'] }, [
          { ...UNITS[0]!, name: '东华门街道办事处' },
        ]),
      );
      const newItem: ReferenceCatalogueItem = {
        code: 'traffic.parking.illegal',
        name: '违章停车',
        path: ['交通', '违章停车'],
        urgency: 'general',
        keywords: ['停车', '占道'],
        lead: '市公安交管部门',
      };
      await deliver(
        'catalogue',
        catalogueEvent({ version: '2026.2', previousVersion: '2026.1', removed: ['housing.property.fee'] }, [
          { ...ITEMS[0]!, keywords: [...ITEMS[0]!.keywords, '噪声'] },
          newItem,
        ]),
      );
      await inForce('territory', 't2');
      await inForce('units', 'u2');
      await inForce('catalogue', '2026.2');

      expect(sut.area('110101002')?.name).toBe('东城区新街道');
      expect(sut.area('110101001003')).toEqual(added);
      expect(sut.area('110102002002001')).toBeUndefined();
      expect(sut.count('territory')).toBe(AREAS.length);
      expect(sut.unitName('street-110101001')).toBe('东华门街道办事处');
      expect(sut.unit('gov-110101')).toBeUndefined();
      expect(sut.catalogueItem('housing.property.fee')).toBeUndefined();
      expect(sut.catalogueItem('urban.noise.construction')?.keywords).toContain('噪声');
      expect(catalogueChanges.at(-1)).toEqual({
        version: '2026.2',
        codes: ['traffic.parking.illegal', 'urban.noise.construction', 'utility.heating.no-heat'],
      });

      const rows = await stored();
      expect(rows.versions.map((v) => [v.kind, v.version, v.pending])).toEqual([
        ['catalogue', '2026.2', null],
        ['territory', 't2', null],
        ['units', 'u2', null],
      ]);
      expect(rows.areas.find((a) => a.code === '110101002')?.name).toBe('东城区新街道');
      expect(rows.areas.some((a) => a.code === '110102002002001')).toBe(false);
      expect(rows.units.map((u) => u.id)).not.toContain('gov-110101');
      expect(rows.items.map((i) => i.code)).toEqual([
        'traffic.parking.illegal',
        'urban.noise.construction',
        'utility.heating.no-heat',
      ]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'treats a redelivered event as a no-op, and the same changes under a new id as applied already',
    async () => {
      const before = await stored();
      const listened = catalogueChanges.length;
      // Redelivery of the first snapshot part (same event id): handled again, it would wipe the territory.
      const firstPart = await h.prisma.processedEvent.findFirstOrThrow({
        where: { eventType: 'territory.changed.v1' },
        orderBy: { processedAt: 'asc' },
      });
      await h.produce(
        'territory.changed.v1',
        'territory',
        territoryEvent({ version: 't1', previousVersion: null, part: 1, parts: 2 }, AREAS.slice(0, 3)),
        { eventId: firstPart.eventId },
      );
      // The same catalogue changes published again under another id.
      await deliver(
        'catalogue',
        catalogueEvent(
          { version: '2026.2', previousVersion: '2026.1', removed: ['housing.property.fee'] },
          [],
        ),
      );
      // Same key, so once a later territory event is handled the redelivered one was handled before it.
      await deliver(
        'territory',
        territoryEvent({ version: 't2', previousVersion: 't1', removed: ['110101001001001'] }, []),
      );

      const metrics = (await h.http('GET', '/metrics', null)).text;
      const duplicates = metrics
        .split('\n')
        .find(
          (line) =>
            line.startsWith('events_consumed_total') &&
            line.includes('type="territory.changed.v1"') &&
            line.includes('outcome="duplicate"'),
        );
      expect(duplicates?.split(' ').at(-1)).toBe('1');
      expect(await stored()).toEqual(before);
      expect(await sut.refresh()).toEqual([]);
      expect(catalogueChanges).toHaveLength(listened);
      expect(sut.area('110101001001001')).toBeDefined();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'ignores changes not made from the version in force and parts out of order, until a new snapshot',
    async () => {
      const before = await stored();
      await deliver(
        'units',
        unitsEvent({ version: 'u4', previousVersion: 'u3', removed: ['street-110101001'] }, []),
      );
      await deliver(
        'territory',
        territoryEvent({ version: 't9', previousVersion: null, part: 2, parts: 2 }, AREAS.slice(0, 2)),
      );
      await deliver(
        'catalogue',
        catalogueEvent({ version: '2026.4', previousVersion: '2026.3', part: 1, parts: 1 }, []),
      );
      expect(await stored()).toEqual(before);
      expect(await sut.refresh()).toEqual([]);
      expect([sut.version('territory'), sut.version('units'), sut.version('catalogue')]).toEqual([
        't2',
        'u2',
        '2026.2',
      ]);
      expect(sut.unit('street-110101001')).toBeDefined();

      // A snapshot (routing publishes one on POST /reference/units/snapshot) replaces everything.
      const kept = UNITS.slice(1, 3);
      await deliver('units', unitsEvent({ version: 'u5', previousVersion: null }, kept));
      await inForce('units', 'u5');
      expect(sut.count('units')).toBe(2);
      expect(sut.unit('street-110101001')).toBeUndefined();
      expect((await stored()).units.map((u) => u.id)).toEqual(kept.map((u) => u.id).sort());
      // And changes from it apply again.
      await deliver('units', unitsEvent({ version: 'u6', previousVersion: 'u5' }, [UNITS[0]!]));
      await inForce('units', 'u6');
      expect(sut.count('units')).toBe(3);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'boots another instance from the database, and every instance catches up by polling',
    async () => {
      const other = await new ReferenceReadModel(h.sut.app.get(ReferenceRepository)).start();
      for (const kind of ['territory', 'units', 'catalogue'] as const) {
        expect([kind, other.version(kind), other.count(kind)]).toEqual([
          kind,
          sut.version(kind),
          sut.count(kind),
        ]);
      }
      expect(other.catalogueItems()).toEqual(sut.catalogueItems());
      expect(other.area('110101001003')).toEqual(sut.area('110101001003'));

      await deliver(
        'catalogue',
        catalogueEvent({ version: '2026.3', previousVersion: '2026.2' }, [ITEMS[2]!]),
      );
      await inForce('catalogue', '2026.3');
      expect(await other.refresh()).toEqual(['catalogue']);
      expect(other.catalogueItem('housing.property.fee')).toEqual(ITEMS[2]);

      // Another instance's consumer applies 2026.4: this one picks it up by polling the stored versions.
      const elsewhere = catalogueEvent({ version: '2026.4', previousVersion: '2026.3' }, []);
      await h.prisma.$transaction((tx) =>
        h.sut.app
          .get(ReferenceService)
          .applyPart(tx, elsewhere, { kind: 'catalogue', upserted: [], removed: [] }),
      );
      await inForce('catalogue', '2026.4');
      expect(catalogueChanges.at(-1)?.version).toBe('2026.4');

      const status = await h.http('GET', '/reference/status', OPERATOR);
      expect(status.body['catalogue']).toMatchObject({
        version: '2026.4',
        rows: 4,
        pending: null,
        inForceHere: { version: '2026.4', entries: 4 },
      });
      expect(status.body['units']).toMatchObject({ version: 'u6', rows: 3 });
      expect(status.body['territory']).toMatchObject({ version: 't2', rows: AREAS.length });
      expect(Date.parse(String((status.body['catalogue'] as { appliedAt: string }).appliedAt))).not.toBeNaN();
    },
    TEST_TIMEOUT_MS,
  );
});
