import { DEFAULT_TIME_LIMITS, DIVERSION_REASONS, REQUEST_TYPES } from '@jsjb/contracts';
import {
  formatOpen311DateTime,
  maskPersonalData,
  open311Failure,
  open311StatusNotes,
  open311StatusOf,
  parseCreateRequestForm,
  parseOpen311DateTime,
  parseOpen311Format,
  parseRequestsQuery,
  splitOpen311Resource,
  checkJurisdiction,
  TICKET_LIFECYCLE_STATUSES,
  toOpen311Discovery,
  toOpen311RequestCreated,
  toOpen311Service,
  toOpen311ServiceDefinition,
  toOpen311ServiceList,
  toOpen311ServiceRequest,
  toOpen311ServiceRequests,
  UNCLASSIFIED_SERVICE,
  type CreateOpen311RequestCommand,
  type Open311CatalogueItem,
  type Open311Failure,
  type Open311Result,
  type Open311TicketView,
  type TicketLifecycleStatus,
} from './open311.domain';
import { type Open311Documents, type Open311DocumentKind } from './open311.schemas';
import { createOpen311Validator } from './open311.validator';
import { parseOpen311Xml, toOpen311Xml } from './open311.xml';

const elevator: Open311CatalogueItem = {
  code: '0102',
  name: '电梯故障',
  path: ['城乡建设', '物业管理', '电梯故障'],
  urgency: 'utilities',
  keywords: ['电梯', '困人', '停运'],
};
const noise: Open311CatalogueItem = {
  code: '0007',
  name: '施工噪音',
  path: ['生态环境', '施工噪音'],
  urgency: 'general',
  keywords: [],
};

function ticketView(overrides: Partial<Open311TicketView> = {}): Open311TicketView {
  return {
    number: '20260301000042',
    status: 'dispatched',
    categoryCode: elevator.code,
    categoryName: elevator.name,
    content: '3号楼电梯停运两天，联系电话13812345678',
    confidential: false,
    address: '朝阳区幸福小区3号楼',
    lat: 39.9219,
    lng: 116.4436,
    mediaUrls: ['media/ab12.jpg', 'https://media.example.org/ab12.jpg'],
    leadUnitName: '朝阳区住房和城乡建设委员会',
    replyDueAt: new Date('2026-03-02T01:00:00Z'),
    masterNumber: null,
    diversionReason: null,
    receivedAt: new Date('2026-03-01T01:00:00.456Z'),
    updatedAt: new Date('2026-03-01T02:30:00Z'),
    closedAt: null,
    ...overrides,
  };
}

const validator = createOpen311Validator();

/** A document is valid as JSON and, written as XML and read back, as the same JSON. */
function expectValidBothWays<K extends Open311DocumentKind>(kind: K, document: Open311Documents[K]): void {
  expect(validator.check(kind, document)).toEqual([]);
  const back = parseOpen311Xml(kind, toOpen311Xml(kind, document));
  expect(back).toEqual(JSON.parse(JSON.stringify(document)));
  expect(validator.check(kind, back)).toEqual([]);
}

function value<T>(result: Open311Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

function failure<T>(result: Open311Result<T>): Open311Failure {
  if (result.ok) throw new Error(`expected failure, got ${JSON.stringify(result.value)}`);
  expectValidBothWays('errors', result.failure.errors);
  return result.failure;
}

const descriptions = (f: Open311Failure): string[] => f.errors.map((e) => e.description);

describe('services', () => {
  it('maps a catalogue item to a realtime service with metadata, path as description and first segment as group', () => {
    expect(toOpen311Service(elevator)).toEqual({
      service_code: '0102',
      service_name: '电梯故障',
      description: '城乡建设 › 物业管理 › 电梯故障',
      metadata: true,
      type: 'realtime',
      keywords: '电梯, 困人, 停运',
      group: '城乡建设',
    });
    expect(toOpen311Service(noise).keywords).toBeNull();
  });

  it('keeps a comma inside a keyword from splitting the comma-separated list', () => {
    expect(toOpen311Service({ ...elevator, keywords: ['困人,急', ' '] }).keywords).toBe('困人 急');
  });

  it('lists services by code, valid in JSON and XML', () => {
    const list = toOpen311ServiceList([elevator, noise]);
    expect(list.map((s) => s.service_code)).toEqual(['0007', '0102']);
    expectValidBothWays('serviceList', list);
  });

  it('defines the request type and confidential attributes for every service', () => {
    const definition = toOpen311ServiceDefinition(elevator);
    expectValidBothWays('serviceDefinition', definition);
    expect(definition.service_code).toBe('0102');
    const [requestType, confidential] = definition.attributes;
    expect(requestType).toMatchObject({
      code: 'request_type',
      datatype: 'singlevaluelist',
      required: false,
      order: 1,
    });
    expect(requestType?.values?.map((v) => v.key)).toEqual([...REQUEST_TYPES]);
    expect(requestType?.values?.map((v) => v.name)).toEqual(['咨询', '求助', '投诉', '举报', '建议', '表扬']);
    expect(confidential).toMatchObject({ code: 'confidential', datatype: 'singlevaluelist', order: 2 });
    expect(confidential?.values).toEqual([
      { key: 'no', name: '否' },
      { key: 'yes', name: '是' },
    ]);
    expect(new Set(definition.attributes.map((a) => a.order)).size).toBe(definition.attributes.length);
  });

  it('gives each definition its own copy of the attributes', () => {
    const first = toOpen311ServiceDefinition(elevator);
    first.attributes[0]!.values!.push({ key: 'x', name: 'x' });
    expect(toOpen311ServiceDefinition(elevator).attributes[0]!.values).toHaveLength(REQUEST_TYPES.length);
  });
});

describe('requests: a ticket as a service request', () => {
  it('maps a dispatched ticket: open, lead unit, reply deadline, WGS-84 point, first http media', () => {
    const sut = toOpen311ServiceRequest(ticketView(), { utcOffsetMinutes: 480 });
    expect(sut).toEqual({
      service_request_id: '20260301000042',
      status: 'open',
      status_notes: '已派至朝阳区住房和城乡建设委员会',
      service_name: '电梯故障',
      service_code: '0102',
      description: '3号楼电梯停运两天，联系电话138****5678',
      agency_responsible: '朝阳区住房和城乡建设委员会',
      requested_datetime: '2026-03-01T09:00:00+08:00',
      updated_datetime: '2026-03-01T10:30:00+08:00',
      expected_datetime: '2026-03-02T09:00:00+08:00',
      address: '朝阳区幸福小区3号楼',
      address_id: null,
      zipcode: null,
      lat: 39.9219,
      long: 116.4436,
      media_url: 'https://media.example.org/ab12.jpg',
    });
    expectValidBothWays('serviceRequests', [sut]);
  });

  const cases: [TicketLifecycleStatus, Partial<Open311TicketView>, 'open' | 'closed', string][] = [
    ['pending', { leadUnitName: null }, 'open', '已受理，正在核实'],
    ['forwarded', { leadUnitName: null }, 'open', '已受理，等待派单'],
    ['dispatched', {}, 'open', '已派至朝阳区住房和城乡建设委员会'],
    ['dispatched', { leadUnitName: null }, 'open', '已派单'],
    ['in-progress', {}, 'open', '朝阳区住房和城乡建设委员会正在办理'],
    ['in-progress', { leadUnitName: null }, 'open', '正在办理'],
    ['replied', {}, 'closed', '朝阳区住房和城乡建设委员会已答复，等待回访'],
    ['replied', { leadUnitName: null }, 'closed', '已答复，等待回访'],
    ['rated', {}, 'closed', '已答复并完成回访'],
    ['answered', {}, 'closed', '已直接答复'],
    ['merged', { masterNumber: '20260228000007' }, 'closed', '已并入工单 20260228000007'],
    ['merged', {}, 'closed', '已并入其他工单'],
    ['diverted', { diversionReason: 'emergency-119' }, 'closed', '属紧急情况，已转 119 处置'],
    ['diverted', { diversionReason: 'out-of-scope' }, 'closed', '不属于政府职责范围，已告知相关渠道'],
    ['diverted', { diversionReason: 'something-new' }, 'closed', '已按规定分流办理'],
  ];

  it.each(cases)('%s %j → %s, "%s"', (status, overrides, expected, notes) => {
    const view = ticketView({ status, ...overrides });
    expect(open311StatusOf(view)).toBe(expected);
    expect(open311StatusNotes(view)).toBe(notes);
    expectValidBothWays('serviceRequests', [toOpen311ServiceRequest(view)]);
  });

  it('tells the resident something specific for every diversion reason, and not for unknown ones', () => {
    const notes = DIVERSION_REASONS.map((diversionReason) =>
      open311StatusNotes(ticketView({ status: 'diverted', diversionReason })),
    );
    expect(new Set(notes).size).toBe(DIVERSION_REASONS.length);
    expect(notes).not.toContain('已按规定分流办理');
    expect(open311StatusNotes(ticketView({ status: 'diverted', diversionReason: 'toString' }))).toBe(
      '已按规定分流办理',
    );
  });

  it('covers every lifecycle status', () => {
    expect(new Set(cases.map(([status]) => status))).toEqual(new Set(TICKET_LIFECYCLE_STATUSES));
  });

  it('dates a closed request by its closing time and drops the deadline', () => {
    const closedAt = new Date('2026-03-05T06:00:00Z');
    const sut = toOpen311ServiceRequest(ticketView({ status: 'rated', closedAt }));
    expect(sut.updated_datetime).toBe('2026-03-05T06:00:00Z');
    expect(sut.expected_datetime).toBeNull();
    const withoutClosedAt = toOpen311ServiceRequest(ticketView({ status: 'merged', closedAt: null }));
    expect(withoutClosedAt.updated_datetime).toBe('2026-03-01T02:30:00Z');
  });

  it('shows a confidential ticket without content, place or media', () => {
    const sut = toOpen311ServiceRequest(ticketView({ confidential: true }));
    expect(sut).toMatchObject({ description: null, address: null, lat: null, long: null, media_url: null });
    expect(sut.agency_responsible).toBe('朝阳区住房和城乡建设委员会');
    expectValidBothWays('serviceRequests', [sut]);
  });

  it('names an unclassified ticket’s service, and leaves out a lone coordinate, a relative media path and blanks', () => {
    const sut = toOpen311ServiceRequest(
      ticketView({
        categoryCode: null,
        categoryName: null,
        lng: null,
        mediaUrls: ['media/ab12.jpg'],
        address: '  ',
        content: ' ',
        leadUnitName: ' ',
      }),
    );
    expect(sut).toMatchObject({
      service_code: UNCLASSIFIED_SERVICE.code,
      service_name: UNCLASSIFIED_SERVICE.name,
      lat: null,
      long: null,
      media_url: null,
      address: null,
      description: null,
      agency_responsible: null,
      status_notes: '已派单',
    });
    expectValidBothWays('serviceRequests', [sut]);
    expect(toOpen311ServiceRequest(ticketView({ categoryName: null })).service_name).toBe('0102');
  });

  it('keeps a description within 4000 UTF-16 units after masking, without splitting a surrogate pair', () => {
    const content = `${'字'.repeat(3999)}🚧`;
    const sut = toOpen311ServiceRequest(ticketView({ content }));
    expect(sut.description).toBe('字'.repeat(3999));
    const emails = 'a@b.cn '.repeat(571);
    expect(toOpen311ServiceRequest(ticketView({ content: emails })).description!.length).toBeLessThanOrEqual(
      4000,
    );
    expectValidBothWays('serviceRequests', toOpen311ServiceRequests([ticketView({ content }), ticketView()]));
  });
});

describe('maskPersonalData', () => {
  it('masks mobile numbers, ID numbers and e-mail addresses, and leaves ticket numbers and prices', () => {
    expect(maskPersonalData('电话13812345678，身份证11010519491231002X，邮箱zhang.san@example.com')).toBe(
      '电话138****5678，身份证110105********002X，邮箱z***@example.com',
    );
    expect(maskPersonalData('+86 15900001111')).toBe('+86 159****1111');
    expect(maskPersonalData('工单20260301000042，收费12000元，门牌 1号')).toBe(
      '工单20260301000042，收费12000元，门牌 1号',
    );
  });
});

describe('datetimes', () => {
  it('formats with seconds and an explicit offset', () => {
    const at = new Date('2026-03-01T23:30:15.999Z');
    expect(formatOpen311DateTime(at)).toBe('2026-03-01T23:30:15Z');
    expect(formatOpen311DateTime(at, 480)).toBe('2026-03-02T07:30:15+08:00');
    expect(formatOpen311DateTime(at, -330)).toBe('2026-03-01T18:00:15-05:30');
    expect(() => formatOpen311DateTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => formatOpen311DateTime(at, 1440)).toThrow(RangeError);
  });

  it('reads W3C datetimes with a timezone, and turns a form-decoded "+" back into an offset', () => {
    expect(parseOpen311DateTime('2010-01-01T00:00:00Z')?.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(parseOpen311DateTime('2010-01-01T08:00+08:00')?.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(parseOpen311DateTime('2010-01-01T08:00:00 08:00')?.toISOString()).toBe('2010-01-01T00:00:00.000Z');
    expect(parseOpen311DateTime('2010-01-01T00:00:00.5-01:00')?.toISOString()).toBe(
      '2010-01-01T01:00:00.500Z',
    );
    for (const bad of [
      '2010-01-01T00:00:00',
      '2010-01-01',
      '2010-02-29T00:00:00Z',
      '2010-13-01T00:00:00Z',
      '2010-01-01T24:00:00Z',
      '2010-01-01T00:00:00+24:00',
      'yesterday',
    ]) {
      expect(parseOpen311DateTime(bad)).toBeNull();
    }
    expect(parseOpen311DateTime('2024-02-29T00:00:00Z')).not.toBeNull();
  });
});

describe('formats, discovery, POST answer and failures', () => {
  it('reads the format from the extension', () => {
    expect(parseOpen311Format('json')).toBe('json');
    expect(parseOpen311Format('XML')).toBe('xml');
    expect(parseOpen311Format('html')).toBeNull();
    expect(parseOpen311Format(undefined)).toBeNull();
  });

  it('splits a resource segment on its last dot, since codes may hold dots', () => {
    expect(splitOpen311Resource('urban.construction.night-work.json')).toEqual({
      id: 'urban.construction.night-work',
      format: 'json',
    });
    expect(splitOpen311Resource('20260301000042.XML')).toEqual({ id: '20260301000042', format: 'xml' });
    for (const segment of ['20260301000042', '20260301000042.html', '.json', '0102.', '']) {
      expect(splitOpen311Resource(segment)).toBeNull();
    }
  });

  it('checks the jurisdiction of a read-only query', () => {
    expect(checkJurisdiction('', 'city.gov')).toBeNull();
    expect(checkJurisdiction('jurisdiction_id=city.gov', 'city.gov')).toBeNull();
    expect(checkJurisdiction('jurisdiction_id=other.gov', undefined)).toBeNull();
    expect(checkJurisdiction({ jurisdiction_id: 'other.gov' }, 'city.gov')).toEqual({
      status: 404,
      errors: [{ code: 404, description: 'jurisdiction_id other.gov was not found' }],
    });
    expect(
      failure({ ok: false, failure: checkJurisdiction('jurisdiction_id=a&jurisdiction_id=b', 'a')! }).status,
    ).toBe(400);
  });

  it('builds the discovery document, valid in JSON and XML', () => {
    const sut = toOpen311Discovery({
      changeset: new Date('2026-03-01T04:05:06.789Z'),
      contact: '12345 市民服务热线 api@12345.example.org',
      keyService: '向 12345 热线申请 api_key',
      endpoints: [
        { url: 'https://api.example.org/open311/v2', type: 'production' },
        { url: 'https://test.example.org/open311/v2', type: 'test' },
      ],
    });
    expect(sut.changeset).toBe('2026-03-01T04:05:06Z');
    expect(sut.endpoints[1]).toEqual({
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'https://test.example.org/open311/v2',
      changeset: '2026-03-01T04:05:06Z',
      type: 'test',
      formats: ['text/xml', 'application/json'],
    });
    expectValidBothWays('discovery', sut);
  });

  it('answers a POST with the ticket number, a notice with the reply limit, and the account echoed', () => {
    const sut = toOpen311RequestCreated({
      number: '20260301000042',
      accountId: 'acc-1',
      replyWithinMinutes: DEFAULT_TIME_LIMITS.general.reply,
    });
    expect(sut).toEqual([
      {
        service_request_id: '20260301000042',
        service_notice:
          '已受理，工单编号 20260301000042，将在7 天内答复。紧急情况请拨打 110、119、120 或 122。',
        account_id: 'acc-1',
      },
    ]);
    expectValidBothWays('requestCreated', sut);
    const plain = toOpen311RequestCreated({ number: '20260301000042', accountId: null });
    expect(plain[0]?.service_notice).toBe(
      '已受理，工单编号 20260301000042。紧急情况请拨打 110、119、120 或 122。',
    );
    expectValidBothWays('requestCreated', plain);
    expect(
      toOpen311RequestCreated({ number: '1', accountId: null, replyWithinMinutes: 120 })[0]?.service_notice,
    ).toContain('将在2 小时内答复');
  });

  it('builds failures whose codes repeat the HTTP status', () => {
    const sut = open311Failure(404, 'service_request_id 1 was not found');
    expect(sut).toEqual({
      status: 404,
      errors: [{ code: 404, description: 'service_request_id 1 was not found' }],
    });
    expectValidBothWays('errors', sut.errors);
  });
});

describe('parseCreateRequestForm', () => {
  const findService = (code: string): Open311CatalogueItem | undefined =>
    [elevator, noise].find((item) => item.code === code);
  const parse = (form: string | Record<string, string | string[]>, jurisdictionId?: string) =>
    parseCreateRequestForm(form, { findService, ...(jurisdictionId !== undefined && { jurisdictionId }) });
  const base =
    'api_key=xyz&service_code=0102&lat=39.9219&long=116.4436&description=%E7%94%B5%E6%A2%AF%E5%81%9C%E8%BF%90';

  it('reads the specification’s full example form into a command', () => {
    const form =
      'api_key=xyz&jurisdiction_id=city.gov&service_code=0102&lat=37.76524078&long=-122.4212043' +
      '&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456' +
      '&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street' +
      '&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg' +
      '&attribute[request_type]=complaint&attribute[confidential]=yes';
    const sut: CreateOpen311RequestCommand = value(parse(form, 'city.gov'));
    expect(sut).toEqual({
      apiKey: 'xyz',
      serviceCode: '0102',
      requestType: 'complaint',
      confidential: true,
      description: 'A large sinkhole is destroying the street',
      lat: 37.76524078,
      lng: -122.4212043,
      address: '1234 5th street',
      addressId: null,
      mediaUrl: 'http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg',
      contact: {
        firstName: 'john',
        lastName: 'smith',
        name: 'john smith',
        phone: '111111111',
        email: 'smit333@sfgov.edu',
        accountId: '123456',
        deviceId: 'tt222111',
      },
      attributes: { request_type: 'complaint', confidential: 'yes' },
    });
  });

  it('takes the minimum: key, service, one location, description; type left to intake, not confidential', () => {
    const sut = value(parse('api_key=k&service_code=0007&address_id=A-17&description=%E5%90%B5'));
    expect(sut).toMatchObject({
      serviceCode: '0007',
      requestType: null,
      confidential: false,
      lat: null,
      lng: null,
      address: null,
      addressId: 'A-17',
      description: '吵',
      mediaUrl: null,
      attributes: {},
    });
    expect(sut.contact).toEqual({
      firstName: null,
      lastName: null,
      name: null,
      phone: null,
      email: null,
      accountId: null,
      deviceId: null,
    });
  });

  it('accepts URLSearchParams and a querystring-style record, and writes Chinese names family name first', () => {
    const params = new URLSearchParams(base);
    params.set('first_name', '小明');
    params.set('last_name', '王');
    expect(value(parseCreateRequestForm(params, { findService })).contact.name).toBe('王小明');
    const record = {
      api_key: 'k',
      service_code: '0102',
      address_string: '幸福小区',
      description: '电梯停运',
      'attribute[request_type]': 'help',
      last_name: '王',
    };
    const sut = value(parse(record));
    expect(sut).toMatchObject({ address: '幸福小区', requestType: 'help' });
    expect(sut.contact.name).toBe('王');
  });

  it('treats empty optional fields as not sent', () => {
    const sut = value(parse(`${base}&email=&phone=&address_string=&attribute[request_type]=`));
    expect(sut.contact.email).toBeNull();
    expect(sut.address).toBeNull();
    expect(sut.requestType).toBeNull();
  });

  it('answers 403 without api_key, before anything else', () => {
    const sut = failure(parse('service_code=nope'));
    expect(sut.status).toBe(403);
    expect(descriptions(sut)).toEqual(['api_key was not provided']);
  });

  it('answers 403 for a key the caller refuses, before looking at the rest of the form', () => {
    const isApiKeyValid = (key: string) => key === 'good';
    const refused = failure(
      parseCreateRequestForm('api_key=bad&service_code=nope', { findService, isApiKeyValid }),
    );
    expect(refused).toEqual({ status: 403, errors: [{ code: 403, description: 'api_key is not valid' }] });
    expect(
      value(parseCreateRequestForm(base.replace('xyz', 'good'), { findService, isApiKeyValid })).apiKey,
    ).toBe('good');
  });

  it('answers 400 without service_code and 404 for an unknown one (the specification’s POST errors)', () => {
    const missing = failure(parse('api_key=k&lat=1&long=2&description=x'));
    expect(missing).toEqual({
      status: 400,
      errors: [{ code: 400, description: 'service_code was not provided' }],
    });
    const twice = failure(parse('api_key=k&service_code=0102&service_code=0007'));
    expect(descriptions(twice)).toEqual(['service_code was sent more than once']);
    const unknown = failure(parse('api_key=k&service_code=9999&lat=1&long=2&description=x'));
    expect(unknown).toEqual({
      status: 404,
      errors: [{ code: 404, description: 'service_code 9999 was not found' }],
    });
  });

  it('answers 404 for another jurisdiction, and ignores jurisdiction_id when none is configured', () => {
    expect(failure(parse(`${base}&jurisdiction_id=other.gov`, 'city.gov')).status).toBe(404);
    expect(value(parse(`${base}&jurisdiction_id=other.gov`)).serviceCode).toBe('0102');
  });

  it('requires a location', () => {
    const sut = failure(parse('api_key=k&service_code=0102&description=x'));
    expect(sut.status).toBe(400);
    expect(descriptions(sut)).toEqual(['A location is required: lat and long, address_string or address_id']);
  });

  it('requires lat and long together, as WGS-84 numbers in range, even when an address is also sent', () => {
    const lone = failure(parse('api_key=k&service_code=0102&lat=39.9&address_string=x&description=x'));
    expect(descriptions(lone)).toEqual(['lat and long must be sent together']);
    const bad = failure(parse('api_key=k&service_code=0102&lat=91&long=abc&description=x'));
    expect(descriptions(bad)).toEqual([
      'lat must be a WGS-84 latitude between -90 and 90',
      'long must be a WGS-84 longitude between -180 and 180',
    ]);
    for (const [lat, long] of [
      ['1e2', '0'],
      ['0x10', '0'],
      ['', '181'],
      ['-90.0000001', '0'],
    ]) {
      expect(failure(parse(`api_key=k&service_code=0102&lat=${lat}&long=${long}&description=x`)).status).toBe(
        400,
      );
    }
    expect(value(parse('api_key=k&service_code=0102&lat=-90&long=180&description=x'))).toMatchObject({
      lat: -90,
      lng: 180,
    });
  });

  it('requires a description of at most 4000 characters without HTML', () => {
    const loc = 'api_key=k&service_code=0102&address_id=1';
    expect(descriptions(failure(parse(loc)))).toEqual(['description was not provided: describe the matter']);
    expect(descriptions(failure(parse(`${loc}&description=${'x'.repeat(4001)}`)))).toEqual([
      'description is longer than 4000 characters',
    ]);
    expect(value(parse(`${loc}&description=${'x'.repeat(4000)}`)).description).toHaveLength(4000);
    expect(descriptions(failure(parse(`${loc}&description=${encodeURIComponent('<b>hi</b>')}`)))).toEqual([
      'description may contain line breaks but not HTML',
    ]);
    expect(value(parse(`${loc}&description=${encodeURIComponent('第一行\n价格<5元')}`)).description).toBe(
      '第一行\n价格<5元',
    );
  });

  it('checks contact fields and media_url', () => {
    const sut = failure(
      parse(
        `${base}&email=not-an-email&phone=call+me&media_url=javascript%3Aalert(1)&first_name=${'x'.repeat(51)}`,
      ),
    );
    expect(descriptions(sut)).toEqual([
      'first_name is longer than 50 characters',
      'email is not an e-mail address',
      'phone is not a phone number',
      'media_url must be an absolute http(s) URL',
    ]);
    expect(value(parse(`${base}&phone=%2B86+138-1234-5678`)).contact.phone).toBe('+86 138-1234-5678');
  });

  it('keeps the name within the 100 characters a ticket stores', () => {
    const fifty = 'x'.repeat(50);
    expect(descriptions(failure(parse(`${base}&first_name=${fifty}&last_name=${fifty}`)))).toEqual([
      'first_name and last_name together are longer than 100 characters',
    ]);
    expect(value(parse(`${base}&first_name=${fifty}&last_name=${'y'.repeat(49)}`)).contact.name).toHaveLength(
      100,
    );
  });

  it('checks attributes against the service definition', () => {
    const sut = failure(
      parse(
        `${base}&attribute[colour]=red&attribute[request_type]=gossip&attribute[confidential][]=yes&attribute[confidential][]=no`,
      ),
    );
    expect(sut.status).toBe(400);
    expect(descriptions(sut)).toEqual([
      'attribute[colour] is not an attribute of this service',
      'attribute[request_type] has an unknown value: gossip',
      'attribute[confidential] takes one value',
    ]);
    const arrayForm = value(parse(`${base}&attribute[request_type][]=suggestion`));
    expect(arrayForm.requestType).toBe('suggestion');
  });

  it('reports every problem of a form at once', () => {
    const sut = failure(parse('api_key=k&service_code=0102&long=1&email=x&attribute[x]=1'));
    expect(descriptions(sut)).toEqual([
      'lat and long must be sent together',
      'description was not provided: describe the matter',
      'email is not an e-mail address',
      'attribute[x] is not an attribute of this service',
    ]);
  });
});

describe('parseRequestsQuery', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const days = (n: number): number => n * 24 * 60 * 60 * 1000;

  it('defaults to the last 90 days, every service and status, 1000 requests', () => {
    expect(value(parseRequestsQuery('', now))).toEqual({
      kind: 'search',
      serviceCodes: null,
      start: new Date(now.getTime() - days(90)),
      end: now,
      statuses: null,
      limit: 1000,
    });
  });

  it('lets service_request_id override every other argument', () => {
    const sut = value(
      parseRequestsQuery('service_request_id=20260301000042,+20260301000043&status=nope&limit=0', now),
    );
    expect(sut).toEqual({ kind: 'ids', serviceRequestIds: ['20260301000042', '20260301000043'] });
  });

  it('reads comma lists and repeated parameters without duplicates', () => {
    const sut = value(
      parseRequestsQuery('service_code=0102,0007&service_code=0102&status=open,closed&limit=50', now),
    );
    expect(sut).toMatchObject({ serviceCodes: ['0102', '0007'], statuses: null, limit: 50 });
    expect(value(parseRequestsQuery({ status: ['closed'] }, now))).toMatchObject({ statuses: ['closed'] });
  });

  it('reads a window from start only, end only, or both', () => {
    const start = '2026-01-01T00:00:00+08:00';
    const fromStart = value(parseRequestsQuery({ start_date: start }, now));
    expect(fromStart).toMatchObject({
      start: new Date('2025-12-31T16:00:00Z'),
      end: new Date('2026-03-31T16:00:00Z'),
    });
    const toEnd = value(parseRequestsQuery({ end_date: '2026-02-01T00:00:00Z' }, now));
    expect(toEnd).toMatchObject({
      start: new Date('2025-11-03T00:00:00Z'),
      end: new Date('2026-02-01T00:00:00Z'),
    });
    const both = value(parseRequestsQuery(`start_date=${start}&end_date=2026-01-31T00:00:00Z`, now));
    expect(both).toMatchObject({
      start: new Date('2025-12-31T16:00:00Z'),
      end: new Date('2026-01-31T00:00:00Z'),
    });
    const exactly90 = value(
      parseRequestsQuery({ start_date: '2026-01-01T00:00:00Z', end_date: '2026-04-01T00:00:00Z' }, now),
    );
    expect(exactly90).toMatchObject({ kind: 'search' });
  });

  it('answers 400 for bad dates, windows over 90 days or backwards, unknown statuses and bad limits', () => {
    const problems = (query: string): string[] => {
      const sut = failure(parseRequestsQuery(query, now));
      expect(sut.status).toBe(400);
      return descriptions(sut);
    };
    expect(problems('start_date=2026-01-01')).toEqual([
      'start_date must be a W3C datetime with a timezone, e.g. 2010-01-01T00:00:00Z',
    ]);
    expect(problems('start_date=2026-01-01T00:00:00Z&end_date=2026-04-01T00:00:01Z')).toEqual([
      'start_date and end_date may not span more than 90 days',
    ]);
    expect(problems('start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z')).toEqual([
      'start_date is after end_date',
    ]);
    expect(problems('status=open,pending')).toEqual(['status must be open or closed, not pending']);
    for (const limit of ['0', '1001', '-5', '2.5', 'all']) {
      expect(problems(`limit=${limit}`)).toEqual(['limit must be a whole number from 1 to 1000']);
    }
    expect(problems('limit=1&limit=2')).toEqual(['limit was sent more than once']);
    expect(problems('end_date=x&status=shut')).toHaveLength(2);
  });

  it('answers 400 for too many or too long ids, and 404 for another jurisdiction', () => {
    const many = Array.from({ length: 1001 }, (_, i) => String(i)).join(',');
    expect(descriptions(failure(parseRequestsQuery({ service_request_id: many }, now)))).toEqual([
      'service_request_id lists more than 1000 ids',
    ]);
    expect(failure(parseRequestsQuery({ service_request_id: 'x'.repeat(65) }, now)).status).toBe(400);
    expect(failure(parseRequestsQuery('jurisdiction_id=b', now, { jurisdictionId: 'a' })).status).toBe(404);
    expect(value(parseRequestsQuery('jurisdiction_id=a', now, { jurisdictionId: 'a' })).kind).toBe('search');
  });
});
