import { type TokenClaims, createApp, loadConfig, startApp } from '@jsjb/platform';
import { bearer, testRedisUrl, waitFor } from '@jsjb/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, SERVICE } from '../../src/app.module';
import { catalogueToCsv } from '../../src/catalogue/catalogue-csv.domain';
import { type Catalogue, type CatalogueItem } from '../../src/catalogue/catalogue.domain';
import { routingConfigSchema } from '../../src/config';
import { DISTRICT_SECTORS, type Unit } from '../../src/dispatch/units.domain';
import { ReferenceStore } from '../../src/reference/reference-data';
import { toFeatureCollection } from '../../src/territory/territory-geojson.domain';
import {
  type PublishedEvent,
  type RoutingHarness,
  startRoutingHarness,
  TIMEOUT_MS,
} from '../support/routing-harness';

const ADMIN: TokenClaims = { sub: 'admin-1', role: 'admin' };
const STAFF: TokenClaims = { sub: 'staff-1', role: 'unit_staff', unit: 'street-110101001' };

interface ReferenceEventData {
  version: string;
  previousVersion: string | null;
  mode: 'snapshot' | 'changes';
  part: number;
  parts: number;
  upserted: ({ code: string } | { id: string })[];
  removed: string[];
}

// Imports of a whole city (6,667 areas as GeoJSON) take seconds on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('routing reference data', () => {
  let h: RoutingHarness;

  beforeAll(async () => {
    h = await startRoutingHarness();
  }, 60_000);

  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /** All parts of one version of a kind in one mode, once every part has arrived. */
  async function parts(
    type: string,
    version: string,
    mode: 'snapshot' | 'changes',
    after = 0,
  ): Promise<ReferenceEventData[]> {
    return waitFor(
      () => {
        const found = h.published
          .slice(after)
          .filter((e) => e.type === type && data(e).version === version && data(e).mode === mode)
          .map(data);
        const total = found[0]?.parts;
        return total !== undefined && found.length >= total ? found : undefined;
      },
      { description: `${type} ${version} ${mode}`, timeoutMs: TIMEOUT_MS },
    );
  }

  function data(event: PublishedEvent): ReferenceEventData {
    return event.data as unknown as ReferenceEventData;
  }

  async function post(url: string, body: string, contentType: string, caller: TokenClaims = ADMIN) {
    const response = await h.sut.app.inject({
      method: 'POST',
      url,
      headers: { authorization: bearer(caller), 'content-type': contentType },
      payload: body,
    });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  }

  async function stored(): Promise<{ rows: number; outbox: number }> {
    return {
      rows: await h.prisma.referenceVersion.count(),
      outbox: await h.prisma.outboxEvent.count({ where: { topic: 'jsjb.reference.v1' } }),
    };
  }

  function catalogue(): Catalogue {
    return h.reference().catalogue;
  }

  it('seeds a fresh database and publishes a snapshot of each kind in parts', async () => {
    const rows = await h.prisma.referenceVersion.findMany({ orderBy: { kind: 'asc' } });
    expect(rows.map((r) => [r.kind, r.version, r.activatedAt !== null, r.checksum.length])).toEqual([
      ['catalogue', '2026.1', true, 64],
      ['territory', 'sample-12345', true, 64],
      ['units', 'sample-12345', true, 64],
    ]);
    const { territory, directory } = h.reference();
    expect(h.reference().versions).toEqual({
      territory: 'sample-12345',
      units: 'sample-12345',
      catalogue: '2026.1',
    });

    const areas = await parts('territory.changed.v1', 'sample-12345', 'snapshot');
    expect(areas.map((p) => [p.part, p.parts])).toEqual(
      areas.map((_, i) => [i + 1, Math.ceil(territory.areas.length / 1000)]),
    );
    expect(areas.every((p) => p.upserted.length <= 1000 && p.previousVersion === null)).toBe(true);
    expect(areas.flatMap((p) => p.upserted)).toHaveLength(territory.areas.length);
    expect(areas.flatMap((p) => p.upserted).some((a) => 'geometry' in a)).toBe(false);

    const units = await parts('units.changed.v1', 'sample-12345', 'snapshot');
    expect(units.flatMap((p) => p.upserted)).toHaveLength(directory.size);
    const items = await parts('catalogue.changed.v1', '2026.1', 'snapshot');
    expect(items.flatMap((p) => p.upserted)).toHaveLength(catalogue().items.length);
    expect(h.published.filter((e) => e.topic === 'jsjb.reference.v1').map((e) => e.subject)).toEqual(
      expect.arrayContaining(['territory', 'units', 'catalogue']),
    );
  });

  it('answers the versions in force, the catalogue tree and the units of a district', async () => {
    const versions = await h.http('GET', '/reference/versions', { sub: 'd-1', role: 'dispatcher' });
    expect(versions.status).toBe(200);
    expect(versions.body).toMatchObject({
      territory: { version: 'sample-12345', inForceHere: 'sample-12345' },
      catalogue: { version: '2026.1' },
    });
    expect((await h.http('GET', '/reference/versions', STAFF)).status).toBe(403);

    const tree = await h.http('GET', '/reference/catalogue/tree', ADMIN);
    expect(tree.status).toBe(200);
    const roots = tree.body['tree'] as { name: string; children: unknown[] }[];
    expect(roots.length).toBeGreaterThan(3);
    expect(roots.every((r) => r.children.length > 0)).toBe(true);

    const { districtCode } = h.pointInGrid(0);
    const bureaus = await h.http(
      'GET',
      `/reference/units?kind=department&districtCode=${districtCode}`,
      ADMIN,
    );
    expect(bureaus.status).toBe(200);
    const units = bureaus.body['units'] as Unit[];
    expect(units.map((u) => u.id).sort()).toEqual(
      DISTRICT_SECTORS.map((sector) => `dept-${districtCode}-${sector}`).sort(),
    );
    expect((await h.http('GET', '/reference/units?districtCode=11', ADMIN)).status).toBe(400);
  });

  it('imports catalogue 2026.2, publishes exactly its changes, and dispatches by it from then on', async () => {
    const before = h.published.length;
    const items = catalogue().items;
    const changed = items.find((i) => i.rule.kind === 'territorial');
    const removed = items.find((i) => i !== changed);
    const template = items.find((i) => i.rule.kind === 'department' && i.rule.level === 'district');
    if (!changed || !removed || !template || template.rule.kind !== 'department') throw new Error('no items');
    const added: CatalogueItem = {
      ...template,
      code: 'urban.test.new-matter',
      name: '新增测试事项',
      path: [template.path[0] ?? '城乡建设', '新增测试事项'],
      rule: { kind: 'department', sector: 'housing', level: 'district' },
      coHandlers: [],
    };
    const next: Catalogue = {
      version: '2026.2',
      publishedAt: '2026-11-21T00:00:00+08:00',
      items: [
        ...items
          .filter((i) => i !== removed)
          .map((i) => (i === changed ? { ...i, keywords: [...i.keywords, '新关键词'] } : i)),
        added,
      ],
    };

    const sut = await h.http('POST', '/reference/catalogue', ADMIN, next);
    expect(sut.status).toBe(201);
    expect(sut.body).toMatchObject({
      kind: 'catalogue',
      version: '2026.2',
      outcome: 'activated',
      previousVersion: '2026.1',
      parts: 1,
    });
    expect(h.reference().catalogue.version).toBe('2026.2');

    const [changes] = await parts('catalogue.changed.v1', '2026.2', 'changes', before);
    expect(changes).toMatchObject({ previousVersion: '2026.1', part: 1, parts: 1, removed: [removed.code] });
    expect(changes?.upserted.map((i) => ('code' in i ? i.code : '')).sort()).toEqual(
      [added.code, changed.code].sort(),
    );

    const point = h.pointInGrid(77);
    const ticket = h.received({
      categoryCode: added.code,
      location: { ...h.received().location, lng: point.lng, lat: point.lat },
    });
    await h.produce('ticket.received.v1', ticket.ticketId, ticket);
    const dispatched = await h.event('ticket.dispatched.v1', ticket.ticketId);
    expect(dispatched.data).toMatchObject({
      catalogVersion: '2026.2',
      rule: `department:district ${point.districtCode} housing`,
      assignments: [{ unitId: `dept-${point.districtCode}-housing`, role: 'lead' }],
    });
    const rows = await h.prisma.assignment.findMany({ where: { ticketId: ticket.ticketId } });
    expect(rows.map((r) => r.catalogueVersion)).toEqual(rows.map(() => '2026.2'));
  });

  it('treats a repeated import as a no-op and the same version with other content as a conflict', async () => {
    const before = await stored();
    const again = await h.http('POST', '/reference/catalogue', ADMIN, catalogue());
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ version: '2026.2', outcome: 'unchanged', parts: 0 });

    const [first, ...rest] = catalogue().items;
    if (!first) throw new Error('no items');
    const other = { ...catalogue(), items: [...rest, { ...first, urgency: 'complex' }] };
    const conflict = await h.http('POST', '/reference/catalogue', ADMIN, other);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'REFERENCE.VERSION_EXISTS' });
    expect(await stored()).toEqual(before);
  });

  it('refuses a bad import with field errors and changes nothing', async () => {
    const before = await stored();
    const [first, second, ...rest] = catalogue().items;
    if (!first || !second) throw new Error('no items');
    const bad = {
      version: '2026.3',
      publishedAt: '2026-11-22T00:00:00Z',
      items: [{ ...first, urgency: 'whenever' }, { ...second, keywords: [] }, ...rest],
    };
    const sut = await h.http('POST', '/reference/catalogue', ADMIN, bad);
    expect(sut.status).toBe(422);
    expect(sut.body).toMatchObject({ code: 'REFERENCE.INVALID_CATALOGUE' });
    const fields = (sut.body['errors'] as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['items.0.urgency', 'items.1.keywords']));

    const csv = catalogueToCsv({ ...catalogue(), items: catalogue().items.slice(0, 3) }).replace(
      'general',
      'sometime',
    );
    const badCsv = await post('/reference/catalogue?version=2026.3', csv, 'text/csv');
    expect(badCsv.status).toBe(422);
    expect(badCsv.body['errors']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: expect.stringMatching(/^rows\.\d+\.urgency$/) }),
      ]),
    );
    expect((await post('/reference/catalogue', csv, 'text/csv')).status).toBe(400); // no ?version=

    const forbidden = await post('/reference/catalogue?version=2026.3', csv, 'text/csv', STAFF);
    expect(forbidden.status).toBe(403);
    expect(await stored()).toEqual(before);
    expect(h.reference().catalogue.version).toBe('2026.2');
  });

  it('imports a catalogue from CSV and accepts CSV nowhere else', async () => {
    const csv = catalogueToCsv(catalogue());
    const sut = await post(
      '/reference/catalogue?version=2026.3&publishedAt=2026-11-23T00:00:00Z',
      csv,
      'text/csv',
    );
    expect(sut.status).toBe(201);
    expect(sut.body).toMatchObject({ version: '2026.3', previousVersion: '2026.2' });
    const [changes] = await parts('catalogue.changed.v1', '2026.3', 'changes');
    expect(changes).toMatchObject({ upserted: [], removed: [] });

    const elsewhere = await post('/reference/units', csv, 'text/csv');
    expect(elsewhere.status).toBe(415);
    expect(elsewhere.body).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE' });
  });

  it('imports units that lie in the territory, and refuses units elsewhere with field errors', async () => {
    const units = [...h.reference().directory.all()];
    const { districtCode, streetCode } = h.pointInGrid(5);
    const boilerHouse: Unit = {
      kind: 'utility',
      id: 'util-heating-boiler-1',
      name: '某街道自管供暖所',
      utility: 'heating',
      serviceArea: [streetCode],
    };
    const before = await stored();
    const outside = await h.http('POST', '/reference/units', ADMIN, {
      version: 'units-2',
      units: [
        ...units,
        { ...boilerHouse, serviceArea: ['110199001'] },
        { kind: 'district-government', id: 'gov-x', name: '虚构区人民政府', districtCode: '119999' },
      ],
    });
    expect(outside.status).toBe(422);
    expect(outside.body).toMatchObject({
      code: 'REFERENCE.UNKNOWN_AREA',
      errors: [
        expect.objectContaining({ field: `units.${units.length}.serviceArea.0`, code: 'unknown_area' }),
        expect.objectContaining({ field: `units.${units.length + 1}.districtCode`, code: 'unknown_area' }),
      ],
    });
    const invalid = await h.http('POST', '/reference/units', ADMIN, {
      version: 'units-2',
      units: [{ kind: 'street', id: 'street-x', name: '' }],
    });
    expect(invalid.status).toBe(422);
    expect((invalid.body['errors'] as { field: string }[]).map((e) => e.field)).toEqual(
      expect.arrayContaining(['units.0.name', 'units.0.streetCode']),
    );
    expect(await stored()).toEqual(before);

    const sut = await h.http('POST', '/reference/units', ADMIN, {
      version: 'units-2',
      units: [...units, boilerHouse],
    });
    expect(sut.status).toBe(201);
    const [changes] = await parts('units.changed.v1', 'units-2', 'changes');
    expect(changes).toMatchObject({ previousVersion: 'sample-12345', removed: [] });
    expect(changes?.upserted).toEqual([
      expect.objectContaining({ id: boilerHouse.id, serviceArea: [streetCode] }),
    ]);
    expect(h.reference().directory.utility('heating', { streetCode, districtCode })?.id).toBe(boilerHouse.id);
  });

  it('imports a territory as GeoJSON, refusing one that drops areas units answer for', async () => {
    const { territory } = h.reference();
    const street = territory.areas.find((a) => a.level === 'street');
    if (!street) throw new Error('no street');
    const renamed = toFeatureCollection({
      areas: territory.areas.map((a) => (a === street ? { ...a, name: `${a.name}新` } : a)),
    });
    const before = await stored();
    const dropped = toFeatureCollection({
      areas: territory.areas.filter((a) => a.code !== street.code && !a.code.startsWith(street.code)),
    });
    const orphaned = await post(
      '/reference/territory?version=city-2',
      JSON.stringify(dropped),
      'application/geo+json',
    );
    expect(orphaned.status).toBe(422);
    expect(orphaned.body).toMatchObject({ code: 'REFERENCE.UNITS_ORPHANED' });
    expect(await stored()).toEqual(before);

    const body = JSON.stringify(renamed);
    expect(Buffer.byteLength(body)).toBeGreaterThan(h.sut.config.HTTP_BODY_LIMIT_BYTES); // JSON's limit would refuse it
    const sut = await post('/reference/territory?version=city-2', body, 'application/geo+json');
    expect(sut.status).toBe(201);
    const [changes] = await parts('territory.changed.v1', 'city-2', 'changes');
    expect(changes).toMatchObject({
      previousVersion: 'sample-12345',
      upserted: [{ code: street.code, name: `${street.name}新` }],
      removed: [],
    });
    expect(h.reference().versions.territory).toBe('city-2');
    expect(h.reference().index.locateByCodes({ streetCode: street.code })?.street?.name).toBe(
      `${street.name}新`,
    );
  });

  it('publishes a full snapshot of a kind on demand', async () => {
    const before = h.published.length;
    const sut = await h.http('POST', '/reference/units/snapshot', ADMIN);
    expect(sut.status).toBe(202);
    expect(sut.body).toEqual({ kind: 'units', version: 'units-2', parts: 1 });
    const [snapshot] = await parts('units.changed.v1', 'units-2', 'snapshot', before);
    expect(snapshot?.upserted).toHaveLength(h.reference().directory.size);
    expect((await h.http('POST', '/reference/grids/snapshot', ADMIN)).status).toBe(400);
  });

  it('boots a second instance from the stored versions without seeding, and keeps it in step', async () => {
    const rowsBefore = await h.prisma.referenceVersion.count();
    const second = await startInstance(h, { REFERENCE_REFRESH_MS: '200' });
    try {
      const store = second.get(ReferenceStore);
      expect(store.current().versions).toEqual(h.reference().versions);
      expect(store.current().directory.unit('util-heating-boiler-1')).toBeDefined();
      expect(await h.prisma.referenceVersion.count()).toBe(rowsBefore);

      const next = { ...catalogue(), version: '2026.4', items: catalogue().items.slice(1) };
      expect((await h.http('POST', '/reference/catalogue', ADMIN, next)).status).toBe(201);
      await waitFor(() => store.current().versions.catalogue === '2026.4', {
        description: 'the second instance picks up catalogue 2026.4',
        timeoutMs: TIMEOUT_MS,
      });
      expect(store.current().versions.territory).toBe('city-2');
    } finally {
      await second.close();
    }
  });
});

/** Another routing instance on the same database and broker (what a second pod is). */
async function startInstance(
  h: RoutingHarness,
  env: Record<string, string>,
): Promise<NestFastifyApplication> {
  const config = loadConfig(routingConfigSchema, {
    NODE_ENV: 'test',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: h.sut.config.DATABASE_URL,
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: h.sut.config.REDIS_KEY_PREFIX,
    KAFKA_BROKERS: h.sut.config.KAFKA_BROKERS.join(','),
    // The same group: the two instances share the ticket topic's partitions.
    ...(h.sut.config.KAFKA_CONSUMER_GROUP ? { KAFKA_CONSUMER_GROUP: h.sut.config.KAFKA_CONSUMER_GROUP } : {}),
    ...env,
  });
  const app = await createApp({
    module: AppModule.forRoot(config),
    config,
    openApi: { title: `jsjb ${SERVICE} (second instance)`, description: 'test instance' },
  });
  await startApp(app);
  return app;
}
