import { randomUUID } from 'node:crypto';
import { DEFAULT_TIME_LIMITS, ticketDispatchedV1, ticketReceivedV1, URGENCY_CLASSES } from '@jsjb/contracts';
import { waitFor } from '@jsjb/testing';
import { DEVELOPMENT_OPEN311_KEY } from '../../src/open311/open311.config';
import { CallerData } from '../../src/privacy/caller-data.service';
import { formatDuration, formatOpen311DateTime, type Open311Format } from '../../src/open311/open311.domain';
import type { Open311DocumentKind, Open311Documents } from '../../src/open311/open311.schemas';
import { createOpen311Validator } from '../../src/open311/open311.validator';
import { parseOpen311Xml } from '../../src/open311/open311.xml';
import {
  type HttpResponse,
  type IntakeHarness,
  startIntakeHarness,
  TIMEOUT_MS,
} from '../support/intake-harness';
import { AREAS, CATALOGUE_FIXTURE, seedReference, UNITS } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const FORMATS: readonly Open311Format[] = ['json', 'xml'];
const JURISDICTION = 'beijing.12345.gov.cn';
const KEY = DEVELOPMENT_OPEN311_KEY;
const OTHER_CLIENT = { clientId: 'city-app', key: 'city-app-open311-key-0001' };
const BODY_LIMIT = 16_384;
const DAY = 24 * 60 * 60 * 1000;
const OFFSET = 480;
const PHONE_LIMIT = 3;

type Json = Record<string, unknown>;

/** Points far enough apart (> 200 m) that the same-place duplicate rule never links two tests' tickets. */
let pointSerial = 0;
function nextPoint(): { lat: string; long: string } {
  pointSerial += 1;
  return { lat: (39.9 + pointSerial * 0.01).toFixed(4), long: '116.4035' };
}

describe('Open311 GeoReport v2 at /open311/v2', () => {
  let h: IntakeHarness;
  const validator = createOpen311Validator();

  beforeAll(async () => {
    h = await startIntakeHarness({
      OPEN311_API_KEYS: `open311-dev:${KEY},${OTHER_CLIENT.clientId}:${OTHER_CLIENT.key}`,
      OPEN311_JURISDICTION_ID: JURISDICTION,
      OPEN311_PUBLIC_URL: 'https://12345.example.cn/open311/v2',
      HTTP_BODY_LIMIT_BYTES: String(BODY_LIMIT),
      DUPLICATE_AUTO_MERGE: 'true',
      ABUSE_PHONE_LIMIT: String(PHONE_LIMIT),
      // Every call comes from 127.0.0.1: the per-address limit has its own spec (rate-limit.spec.ts).
      RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
    });
    await seedReference(h);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    h?.clock.reset();
    await h?.close();
  }, TEST_TIMEOUT_MS);

  const get = (path: string) => h.http('GET', `/open311/v2/${path}`, null);
  const post = (format: Open311Format, form: string | Record<string, string>, contentType = FORM) =>
    h.http('POST', `/open311/v2/requests.${format}`, null, typeof form === 'string' ? form : formOf(form), {
      'content-type': contentType,
    });

  /** The response's document in its format, checked against the kind's JSON Schema. */
  function documentOf<K extends Open311DocumentKind>(
    kind: K,
    format: Open311Format,
    res: HttpResponse,
  ): Open311Documents[K] {
    expect(res.headers['content-type']).toBe(
      format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8',
    );
    const document = format === 'json' ? res.json : parseOpen311Xml(kind, res.text);
    expect(validator.check(kind, document)).toEqual([]);
    return document as Open311Documents[K];
  }

  /** An error answer in the specification's format, its codes repeating the status; the descriptions. */
  function errorsOf(format: Open311Format, res: HttpResponse, status: number): string[] {
    expect(res.status).toBe(status);
    const errors = documentOf('errors', format, res);
    expect(errors.map((e) => e.code)).toEqual(errors.map(() => status));
    return errors.map((e) => e.description);
  }

  function ok<K extends Open311DocumentKind>(kind: K, format: Open311Format, res: HttpResponse) {
    expect({ status: res.status, text: res.status === 200 ? '' : res.text }).toEqual({
      status: 200,
      text: '',
    });
    return documentOf(kind, format, res);
  }

  const stored = async () => ({
    tickets: await h.prisma.ticket.count(),
    events: await h.prisma.outboxEvent.count(),
  });

  /** A valid form for `service_code`, at a point of its own. */
  const form = (serviceCode: string, overrides: Record<string, string> = {}): Record<string, string> => ({
    api_key: KEY,
    service_code: serviceCode,
    ...nextPoint(),
    description: `测试诉求 ${randomUUID()}`,
    ...overrides,
  });

  /** POSTs a valid form and returns the new ticket's number (service_request_id). */
  async function create(serviceCode: string, overrides: Record<string, string> = {}): Promise<string> {
    const res = await post('json', form(serviceCode, overrides));
    const [created] = ok('requestCreated', 'json', res);
    if (!created || !('service_request_id' in created)) throw new Error(`no service_request_id: ${res.text}`);
    return created.service_request_id;
  }

  const ticketByNumber = (number: string) => h.prisma.ticket.findUniqueOrThrow({ where: { number } });

  describe('discovery and services', () => {
    it.each(FORMATS)(
      'announces the endpoint, its formats and the catalogue’s changeset (%s)',
      async (format) => {
        const sut = ok('discovery', format, await get(`discovery.${format}`));
        const catalogue = await h.prisma.referenceVersion.findUniqueOrThrow({ where: { kind: 'catalogue' } });
        expect(sut).toEqual({
          changeset: formatOpen311DateTime(catalogue.appliedAt),
          contact: expect.any(String),
          key_service: expect.any(String),
          endpoints: [
            {
              specification: 'http://wiki.open311.org/GeoReport_v2',
              url: 'https://12345.example.cn/open311/v2',
              changeset: formatOpen311DateTime(catalogue.appliedAt),
              type: 'test',
              formats: ['text/xml', 'application/json'],
            },
          ],
        });
      },
    );

    it.each(FORMATS)('lists one service per catalogue item (%s)', async (format) => {
      const sut = ok('serviceList', format, await get(`services.${format}`));
      expect(sut).toHaveLength(CATALOGUE_FIXTURE.items.length);
      expect(sut.find((s) => s.service_code === 'city.facility.manhole')).toEqual({
        service_code: 'city.facility.manhole',
        service_name: '井盖缺失',
        description: '城市管理 › 市政设施 › 井盖缺失',
        metadata: true,
        type: 'realtime',
        keywords: expect.any(String),
        group: '城市管理',
      });
      const withJurisdiction = ok(
        'serviceList',
        format,
        await get(`services.${format}?jurisdiction_id=${JURISDICTION}`),
      );
      expect(withJurisdiction).toHaveLength(sut.length);
      expect(errorsOf(format, await get(`services.${format}?jurisdiction_id=shanghai`), 404)).toEqual([
        'jurisdiction_id shanghai was not found',
      ]);
    });

    it.each(FORMATS)(
      'defines a service whose code holds dots, and answers 404 for an unknown one (%s)',
      async (format) => {
        const sut = ok(
          'serviceDefinition',
          format,
          await get(`services/urban.construction.night-work.${format}`),
        );
        expect(sut.service_code).toBe('urban.construction.night-work');
        expect(sut.attributes.map((a) => a.code)).toEqual(['request_type', 'confidential']);
        expect(errorsOf(format, await get(`services/no.such.service.${format}`), 404)).toEqual([
          'service_code no.such.service was not found',
        ]);
      },
    );

    it('is documented in OpenAPI under the open311 tag, with the form and Chinese examples', async () => {
      const res = await h.http('GET', '/docs/openapi.json', null);
      expect(res.status).toBe(200);
      const paths = res.body['paths'] as Record<string, Record<string, Json>>;
      const open311 = Object.keys(paths).filter((p) => p.startsWith('/open311/v2/'));
      expect(open311.sort()).toEqual([
        '/open311/v2/discovery.{format}',
        '/open311/v2/requests.{format}',
        '/open311/v2/requests/{file}',
        '/open311/v2/services.{format}',
        '/open311/v2/services/{file}',
        '/open311/v2/tokens/{file}',
      ]);
      const create = paths['/open311/v2/requests.{format}']?.['post'];
      expect(create?.['tags']).toEqual(['open311']);
      expect(JSON.stringify(create?.['requestBody'])).toContain('小区门口井盖丢失');
      expect(Object.keys((create?.['requestBody'] as Json)['content'] as Json)).toEqual([FORM]);
    });

    it('answers 404 in JSON for a format it does not serve', async () => {
      for (const path of [
        'services.html',
        'discovery.csv',
        'services/city.facility.manhole',
        'requests/20260101000001.txt',
      ]) {
        expect(errorsOf('json', await get(path), 404)).toHaveLength(1);
      }
    });
  });

  describe('POST requests: refused forms store nothing', () => {
    const cases: [string, string | Record<string, string>, number, RegExp][] = [
      [
        'no api_key',
        { service_code: 'city.facility.manhole', lat: '39.97', long: '116.40', description: '井盖' },
        403,
        /api_key was not provided/,
      ],
      [
        'an unknown api_key',
        { api_key: 'nope', service_code: 'no.such.service' },
        403,
        /api_key is not valid/,
      ],
      [
        'no service_code',
        { api_key: KEY, lat: '39.97', long: '116.40', description: '井盖' },
        400,
        /service_code was not provided/,
      ],
      [
        'an unknown service_code',
        { api_key: KEY, service_code: 'no.such.service', lat: '39.97', long: '116.40', description: '井盖' },
        404,
        /service_code no\.such\.service was not found/,
      ],
      [
        'another jurisdiction',
        { api_key: KEY, jurisdiction_id: 'shanghai', service_code: 'city.facility.manhole' },
        404,
        /jurisdiction_id shanghai was not found/,
      ],
      [
        'no location',
        { api_key: KEY, service_code: 'city.facility.manhole', description: '井盖丢了' },
        400,
        /A location is required/,
      ],
      [
        'a latitude out of range',
        {
          api_key: KEY,
          service_code: 'city.facility.manhole',
          lat: '91',
          long: '116.40',
          description: '井盖',
        },
        400,
        /lat must be a WGS-84 latitude/,
      ],
      [
        'a latitude that is no number',
        {
          api_key: KEY,
          service_code: 'city.facility.manhole',
          lat: 'north',
          long: '116.40',
          description: '井盖',
        },
        400,
        /lat must be a WGS-84 latitude/,
      ],
      [
        'an address_id naming no area',
        { api_key: KEY, service_code: 'city.facility.manhole', address_id: '999999', description: '井盖' },
        400,
        /address_id 999999 was not found/,
      ],
      [
        'a phone that is not a mainland number',
        {
          api_key: KEY,
          service_code: 'city.facility.manhole',
          address_string: '安贞西里',
          description: '井盖',
          phone: '111111111',
        },
        400,
        /phone is not a mainland/,
      ],
      [
        'no description',
        { api_key: KEY, service_code: 'city.facility.manhole', address_string: '安贞西里' },
        400,
        /description was not provided/,
      ],
    ];

    it.each(FORMATS)('answers each in the specification’s format (%s)', async (format) => {
      const before = await stored();
      for (const [what, body, status, description] of cases) {
        const descriptions = errorsOf(format, await post(format, body), status);
        expect({ what, descriptions }).toEqual({
          what,
          descriptions: expect.arrayContaining([expect.stringMatching(description)]),
        });
      }
      expect(await stored()).toEqual(before);
    });

    it.each(FORMATS)(
      'answers 400 for a JSON body and 413 for a form over the body limit (%s)',
      async (format) => {
        const before = await stored();
        const json = await h.http(
          'POST',
          `/open311/v2/requests.${format}`,
          null,
          form('city.facility.manhole'),
        );
        expect(errorsOf(format, json, 400)).toEqual([
          'POST requests takes an application/x-www-form-urlencoded body',
        ]);
        const big = formOf(form('city.facility.manhole', { description: '井'.repeat(2000) }));
        expect(Buffer.byteLength(big)).toBeGreaterThan(BODY_LIMIT);
        expect(errorsOf(format, await post(format, big), 413)).toEqual([
          `The form exceeds ${BODY_LIMIT} bytes`,
        ]);
        expect(await stored()).toEqual(before);
      },
    );

    it('answers 429 with Retry-After, in the specification’s format, for a phone over its rate limit', async () => {
      const phone = '13700002222';
      const codes = ['city.facility.bridge', 'city.facility.fitness', 'city.facility.sewer'];
      for (const code of codes.slice(0, PHONE_LIMIT)) await create(code, { phone });
      const before = await stored();
      for (const format of FORMATS) {
        const res = await post(format, form('city.facility.road-damage', { phone }));
        expect(errorsOf(format, res, 429)).toEqual([expect.stringMatching(/^retry after \d+ s$/)]);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(await stored()).toEqual(before);
    });

    it('takes forms only on Open311 POST requests', async () => {
      const res = await h.http('POST', '/tickets', null, 'content=x', { 'content-type': FORM });
      expect(res.status).toBe(415);
      expect(res.body['code']).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('POST requests and the request it creates', () => {
    it(
      'creates a ticket of the open311 channel, publishes ticket.received, and shows the lead unit and deadline once dispatched',
      async () => {
        const point = nextPoint();
        const res = await post('json', {
          api_key: KEY,
          jurisdiction_id: JURISDICTION,
          service_code: 'city.facility.manhole',
          ...point,
          address_string: '朝阳区安贞西里三区北门',
          description: '小区门口井盖丢失，晚上很危险，联系电话13812345678',
          first_name: '小明',
          last_name: '王',
          phone: '138 1234 5678',
          account_id: 'app-user-42',
          media_url: 'https://media.example.cn/manhole.jpg',
          'attribute[request_type]': 'help',
        });
        const [created] = ok('requestCreated', 'json', res);
        expect(created).toEqual({
          service_request_id: expect.stringMatching(/^\d{14}$/),
          service_notice: expect.stringMatching(/^已受理，工单编号 \d{14}，将在.+内答复。/),
          account_id: 'app-user-42',
        });
        const number = (created as { service_request_id: string }).service_request_id;
        const ticket = await ticketByNumber(number);
        // The reply limit told is the one of the urgency class the ticket was filed under.
        const urgency = URGENCY_CLASSES.find((u) => u === ticket.urgency);
        expect(created).toMatchObject({
          service_notice: expect.stringContaining(
            `将在${formatDuration(DEFAULT_TIME_LIMITS[urgency!].reply)}内答复`,
          ),
        });
        expect(ticket).toMatchObject({
          channel: 'open311',
          open311ClientId: 'open311-dev',
          status: 'forwarded',
          requestType: 'help',
          categoryCode: 'city.facility.manhole',
          // Stored sealed, never plain.
          callerName: null,
          callerPhone: null,
          address: '朝阳区安贞西里三区北门',
          lat: Number(point.lat),
          lng: Number(point.long),
          media: ['https://media.example.cn/manhole.jpg'],
          clientIp: null,
        });
        expect(h.sut.app.get(CallerData).open(ticket)).toEqual({ name: '王小明', phone: '13812345678' });

        const received = await h.event('ticket.received.v1', ticket.id);
        expect(ticketReceivedV1.schema.parse(received.data)).toMatchObject({
          number,
          channel: 'open311',
          categoryCode: 'city.facility.manhole',
          requestType: 'help',
        });
        // The caller's name and phone stay in intake (the content is the resident's own text).
        expect(JSON.stringify(received.data)).not.toMatch(/王小明|caller/);

        for (const format of FORMATS) {
          const [open] = ok('serviceRequests', format, await get(`requests/${number}.${format}`));
          expect(open).toEqual({
            service_request_id: number,
            status: 'open',
            status_notes: '已受理，等待派单',
            service_name: '井盖缺失',
            service_code: 'city.facility.manhole',
            description: '小区门口井盖丢失，晚上很危险，联系电话138****5678',
            agency_responsible: null,
            requested_datetime: formatOpen311DateTime(ticket.createdAt, OFFSET),
            updated_datetime: formatOpen311DateTime(ticket.updatedAt, OFFSET),
            expected_datetime: null,
            address: '朝阳区安贞西里三区北门',
            address_id: null,
            zipcode: null,
            lat: Number(point.lat),
            long: Number(point.long),
            media_url: 'https://media.example.cn/manhole.jpg',
          });
          expect(open?.requested_datetime).toMatch(/\+08:00$/);
        }

        const dispatchedAt = new Date();
        await h.produce(
          'ticket.dispatched.v1',
          ticket.id,
          ticketDispatchedV1.schema.parse({
            ticketId: ticket.id,
            assignments: [{ assignmentId: `A-${randomUUID()}`, unitId: UNITS.anzhen.id, role: 'lead' }],
            rule: 'territorial:street',
            catalogVersion: CATALOGUE_FIXTURE.version,
            dispatchedAt: dispatchedAt.toISOString(),
          }),
        );
        const dispatched = await waitFor(
          async () => {
            const [request] = ok('serviceRequests', 'json', await get(`requests/${number}.json`));
            return request?.agency_responsible ? request : undefined;
          },
          { description: 'the lead unit in GET requests/{id}', timeoutMs: TIMEOUT_MS },
        );
        const replyDueAt = (await ticketByNumber(number)).replyDueAt;
        expect(replyDueAt).not.toBeNull();
        for (const format of FORMATS) {
          const [request] = ok('serviceRequests', format, await get(`requests/${number}.${format}`));
          expect(request).toEqual({
            ...dispatched,
            status: 'open',
            status_notes: `已派至${UNITS.anzhen.name}`,
            agency_responsible: UNITS.anzhen.name,
            expected_datetime: formatOpen311DateTime(replyDueAt!, OFFSET),
          });
        }
      },
      TEST_TIMEOUT_MS,
    );

    it('answers in XML, for another client, and files an address_id under its area', async () => {
      const res = await post('xml', {
        api_key: OTHER_CLIENT.key,
        service_code: 'urban.construction.night-work',
        address_id: AREAS.anzhenXili.code,
        description: '工地每天夜里十一点以后还在施工，噪音很大。',
        'attribute[request_type]': 'report',
        'attribute[confidential]': 'yes',
      });
      const [created] = ok('requestCreated', 'xml', res);
      const number = (created as { service_request_id: string }).service_request_id;
      expect(await ticketByNumber(number)).toMatchObject({
        open311ClientId: OTHER_CLIENT.clientId,
        requestType: 'report',
        confidential: true,
        districtCode: AREAS.district.code,
        streetCode: AREAS.anzhen.code,
        communityCode: AREAS.anzhenXili.code,
      });
      // Confidential: the public view shows neither the content nor the place.
      const [request] = ok('serviceRequests', 'xml', await get(`requests/${number}.xml`));
      expect(request).toMatchObject({
        description: null,
        address: null,
        lat: null,
        long: null,
        media_url: null,
      });
    });

    it.each(FORMATS)('answers 404 for an unknown request and for any token (%s)', async (format) => {
      expect(errorsOf(format, await get(`requests/20200101999999.${format}`), 404)).toEqual([
        'service_request_id 20200101999999 was not found',
      ]);
      expect(errorsOf(format, await get(`tokens/12345.${format}`), 404)).toEqual([
        expect.stringMatching(/^token 12345 was not found: requests are created at once/),
      ]);
    });
  });

  describe('GET requests', () => {
    const numbersOf = (requests: readonly { service_request_id: string }[]) =>
      requests.map((r) => r.service_request_id);

    afterEach(() => {
      h.clock.reset();
    });

    it.each(FORMATS)(
      'lists the ids asked for, in that order, leaving unknown ones out (%s)',
      async (format) => {
        const a = await create('city.facility.streetlight');
        const b = await create('city.facility.sidewalk');
        const sut = ok(
          'serviceRequests',
          format,
          await get(
            `requests.${format}?service_request_id=${b},20200101999999&service_request_id=${a}&status=closed`,
          ),
        );
        expect(numbersOf(sut)).toEqual([b, a]);
      },
    );

    it('searches a service within start and end dates, newest first', async () => {
      const code = 'city.green.pruning';
      const t0 = Date.parse('2026-05-01T10:00:00+08:00');
      const at = async (ms: number, serviceCode = code) => {
        h.clock.setFixed(new Date(t0 + ms));
        return create(serviceCode);
      };
      const first = await at(0);
      const second = await at(2 * DAY);
      const third = await at(4 * DAY);
      const otherService = await at(2 * DAY, 'city.green.damage');
      h.clock.reset();
      for (const format of FORMATS) {
        const window = `start_date=2026-05-02T00:00:00%2B08:00&end_date=2026-05-05T10:00:00%2B08:00`;
        const sut = ok(
          'serviceRequests',
          format,
          await get(`requests.${format}?service_code=${code}&${window}`),
        );
        expect(numbersOf(sut)).toEqual([third, second]);
        const both = ok(
          'serviceRequests',
          format,
          await get(
            `requests.${format}?service_code=${code},city.green.damage&start_date=2026-05-01T00:00:00Z&end_date=2026-05-06T00:00:00Z`,
          ),
        );
        // second and otherService were received at the same instant: their order is the id's.
        expect(numbersOf(both)).toHaveLength(4);
        expect([numbersOf(both)[0], numbersOf(both)[3]]).toEqual([third, first]);
        expect(new Set(numbersOf(both))).toEqual(new Set([first, second, third, otherService]));
        expect(sut[0]?.requested_datetime).toBe('2026-05-05T10:00:00+08:00');
      }
    });

    it('defaults to the last 90 days before now', async () => {
      const code = 'city.green.catkins';
      const now = Date.parse('2026-09-01T12:00:00+08:00');
      h.clock.setFixed(new Date(now - 100 * DAY));
      await create(code);
      h.clock.setFixed(new Date(now - 89 * DAY));
      const recent = await create(code);
      h.clock.setFixed(new Date(now - DAY));
      const latest = await create(code);
      h.clock.setFixed(new Date(now));
      for (const format of FORMATS) {
        const sut = ok('serviceRequests', format, await get(`requests.${format}?service_code=${code}`));
        expect(numbersOf(sut)).toEqual([latest, recent]);
      }
    });

    it('filters by status: a merged (并单) duplicate is closed and names its master', async () => {
      const code = 'city.green.old-tree';
      const content = '小区里的古树枝干开裂，随时可能倒下，请园林部门尽快来看看。';
      const phone = '13900001111';
      const master = await create(code, { description: content, phone });
      const duplicate = await create(code, { description: content, phone });
      expect((await ticketByNumber(duplicate)).status).toBe('merged');
      for (const format of FORMATS) {
        const query = (status: string) => get(`requests.${format}?service_code=${code}${status}`);
        expect(numbersOf(ok('serviceRequests', format, await query('&status=closed')))).toEqual([duplicate]);
        expect(numbersOf(ok('serviceRequests', format, await query('&status=open')))).toEqual([master]);
        expect(numbersOf(ok('serviceRequests', format, await query('')))).toEqual([duplicate, master]);
        const [merged] = ok('serviceRequests', format, await get(`requests/${duplicate}.${format}`));
        expect(merged).toMatchObject({
          status: 'closed',
          status_notes: `已并入工单 ${master}`,
          expected_datetime: null,
        });
      }
    });

    it.each(FORMATS)(
      'returns at most `limit`, newest first, and refuses a bad query (%s)',
      async (format) => {
        const code = format === 'json' ? 'city.green.pests' : 'city.green.park';
        const numbers = [];
        for (let i = 0; i < 3; i += 1) numbers.push(await create(code));
        const sut = ok(
          'serviceRequests',
          format,
          await get(`requests.${format}?service_code=${code}&limit=2`),
        );
        expect(numbersOf(sut)).toEqual([numbers[2], numbers[1]]);
        expect(errorsOf(format, await get(`requests.${format}?limit=1001&status=pending`), 400)).toEqual([
          'status must be open or closed, not pending',
          'limit must be a whole number from 1 to 1000',
        ]);
        expect(
          errorsOf(
            format,
            await get(`requests.${format}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`),
            400,
          ),
        ).toEqual(['start_date and end_date may not span more than 90 days']);
      },
    );
  });
});

const FORM = 'application/x-www-form-urlencoded';

function formOf(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
