import {
  OPEN311_DOCUMENT_KINDS,
  type Open311Discovery,
  type Open311DocumentKind,
  type Open311ServiceDefinition,
  type Open311ServiceRequest,
} from './open311.schemas';
import { createOpen311Validator } from './open311.validator';

/** Documents in the shape of the specification's examples (identifiers as strings). */
const discovery: Open311Discovery = {
  changeset: '2011-02-03 14:18',
  contact: 'You can email or call for assistance api@mycity.org +1 (555) 555-5555',
  key_service: 'You can request a key here: http://api.mycity.gov/api_key/request',
  endpoints: [
    {
      specification: 'http://wiki.open311.org/GeoReport_v2',
      url: 'http://open311.mycity.gov/v2',
      changeset: '2010-11-23 09:01',
      type: 'production',
      formats: ['text/xml'],
    },
  ],
};

const definition: Open311ServiceDefinition = {
  service_code: 'DMV66',
  attributes: [
    {
      variable: true,
      code: 'WHISHETN',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 1,
      description: 'What is the ticket/tag/DL number?',
      values: [
        { key: '123', name: 'Ford' },
        { key: '124', name: 'Chrysler' },
      ],
    },
    {
      variable: true,
      code: 'NOTE',
      datatype: 'text',
      required: false,
      datatype_description: 'Anything else',
      order: 2,
      description: 'Notes',
    },
  ],
};

const request: Open311ServiceRequest = {
  service_request_id: '638344',
  status: 'closed',
  status_notes: 'Duplicate request.',
  service_name: 'Sidewalk and Curb Issues',
  service_code: '006',
  description: null,
  agency_responsible: null,
  service_notice: null,
  requested_datetime: '2010-04-14T06:37:38-08:00',
  updated_datetime: '2010-04-14T06:37:38-08:00',
  expected_datetime: '2010-04-15T06:37:38-08:00',
  address: '8TH AVE and JUDAH ST',
  address_id: '545483',
  zipcode: '94122',
  lat: 37.762221815,
  long: -122.4651145,
  media_url: 'http://city.gov.s3.amazonaws.com/requests/media/638344.jpg',
};

const valid: Record<Open311DocumentKind, unknown> = {
  discovery,
  serviceList: [
    {
      service_code: '001',
      service_name: 'Cans left out 24x7',
      description:
        'Garbage or recycling cans that have been left out for more than 24 hours after collection.',
      metadata: true,
      type: 'realtime',
      keywords: 'lorem, ipsum, dolor',
      group: 'sanitation',
    },
  ],
  serviceDefinition: definition,
  requestCreated: [
    { service_request_id: '293944', service_notice: 'The City will inspect.', account_id: null },
  ],
  serviceRequests: [request],
  tokens: [{ service_request_id: '638344', token: '12345' }],
  errors: [{ code: 403, description: "Invalid api_key received -- can't proceed with create_request." }],
};

describe('Open311 schemas', () => {
  const sut = createOpen311Validator();
  const reject = (kind: Open311DocumentKind, document: unknown): string[] => {
    const problems = sut.check(kind, document);
    expect(problems).not.toEqual([]);
    return problems;
  };

  it.each(OPEN311_DOCUMENT_KINDS)('accepts a %s document shaped like the specification’s example', (kind) => {
    expect(sut.check(kind, valid[kind])).toEqual([]);
  });

  it('accepts empty lists where the specification allows none (no services, no requests)', () => {
    expect(sut.check('serviceList', [])).toEqual([]);
    expect(sut.check('serviceRequests', [])).toEqual([]);
    expect(sut.check('tokens', [])).toEqual([]);
  });

  it('accepts a request without the fields that "may not be returned"', () => {
    const { status_notes, agency_responsible, service_notice, expected_datetime, ...minimal } = request;
    expect([status_notes, agency_responsible, service_notice, expected_datetime]).toHaveLength(4);
    expect(sut.check('serviceRequests', [minimal])).toEqual([]);
  });

  it('accepts UTC and offset datetimes, with or without fractions', () => {
    for (const at of ['2010-01-01T00:00:00Z', '1994-11-05T08:15:30-05:00', '2026-03-01T09:00:00.250+08:00']) {
      expect(sut.check('serviceRequests', [{ ...request, requested_datetime: at }])).toEqual([]);
    }
  });

  describe('rejects', () => {
    it('a datetime without timezone, lower-case, without seconds, compact offset or impossible date', () => {
      for (const at of [
        '2010-01-01T00:00:00',
        '2010-01-01t00:00:00z',
        '2010-01-01T00:00Z',
        '2010-01-01T00:00:00+0800',
        '2010-01-01 00:00:00Z',
        '2024-02-30T00:00:00Z',
        '2010-01-01',
      ]) {
        expect(sut.check('serviceRequests', [{ ...request, updated_datetime: at }])).not.toEqual([]);
      }
    });

    it('a request missing a required field, with an unknown status or an extra field', () => {
      const { service_code: _code, ...withoutCode } = request;
      expect(reject('serviceRequests', [withoutCode]).join()).toContain(
        "must have required property 'service_code'",
      );
      reject('serviceRequests', [{ ...request, status: 'in-progress' }]);
      expect(reject('serviceRequests', [{ ...request, lead_staff_phone: '13800138000' }]).join()).toContain(
        'must NOT have additional properties',
      );
    });

    it('a numeric identifier, and a number given as text', () => {
      reject('serviceRequests', [{ ...request, service_request_id: 638344 }]);
      reject('serviceRequests', [{ ...request, lat: '37.76' }]);
    });

    it('coordinates out of range or without their pair', () => {
      reject('serviceRequests', [{ ...request, lat: 91 }]);
      reject('serviceRequests', [{ ...request, long: -180.5 }]);
      reject('serviceRequests', [{ ...request, long: null }]);
      reject('serviceRequests', [{ ...request, lat: null }]);
      expect(sut.check('serviceRequests', [{ ...request, lat: null, long: null }])).toEqual([]);
    });

    it('a description over 4000 characters or a media_url that is not a URL', () => {
      reject('serviceRequests', [{ ...request, description: 'x'.repeat(4001) }]);
      expect(sut.check('serviceRequests', [{ ...request, description: 'x'.repeat(4000) }])).toEqual([]);
      reject('serviceRequests', [{ ...request, media_url: 'not a url' }]);
    });

    it('a document that is not a list where the specification has one', () => {
      reject('serviceRequests', request);
      reject('serviceList', (valid.serviceList as object[])[0]);
      reject('errors', { code: 400, description: 'x' });
    });

    it('a service with a list for keywords, an unknown type or metadata as text', () => {
      const [service] = valid.serviceList as object[];
      reject('serviceList', [{ ...service, keywords: ['a', 'b'] }]);
      reject('serviceList', [{ ...service, type: 'instant' }]);
      reject('serviceList', [{ ...service, metadata: 'true' }]);
    });

    it('a list attribute without values, an unknown datatype, order 0, or a value without name', () => {
      const [list, note] = definition.attributes;
      const { values: _values, ...listWithoutValues } = list!;
      reject('serviceDefinition', { ...definition, attributes: [listWithoutValues] });
      reject('serviceDefinition', { ...definition, attributes: [{ ...list, values: [] }] });
      reject('serviceDefinition', { ...definition, attributes: [{ ...note, datatype: 'boolean' }] });
      reject('serviceDefinition', { ...definition, attributes: [{ ...note, order: 0 }] });
      reject('serviceDefinition', { ...definition, attributes: [{ ...list, values: [{ key: '1' }] }] });
      reject('serviceDefinition', { attributes: [] });
    });

    it('a POST answer with both an id and a token, or neither, or no entry', () => {
      reject('requestCreated', [{ service_request_id: '1', token: 't' }]);
      reject('requestCreated', [{ service_notice: 'x' }]);
      reject('requestCreated', []);
      expect(sut.check('requestCreated', [{ token: 't', service_notice: null }])).toEqual([]);
    });

    it('a token entry without its token', () => {
      reject('tokens', [{ service_request_id: '1' }]);
      expect(sut.check('tokens', [{ service_request_id: null, token: 't' }])).toEqual([]);
    });

    it('an empty error list, or an error without description', () => {
      reject('errors', []);
      reject('errors', [{ code: 400 }]);
      reject('errors', [{ code: 1.5, description: 'x' }]);
    });

    it('discovery without a required field, with an unknown endpoint type or no formats', () => {
      const { key_service: _key, ...withoutKey } = discovery;
      reject('discovery', withoutKey);
      const [endpoint] = discovery.endpoints;
      reject('discovery', { ...discovery, endpoints: [{ ...endpoint, type: 'staging' }] });
      reject('discovery', { ...discovery, endpoints: [{ ...endpoint, formats: [] }] });
      reject('discovery', { ...discovery, endpoints: [] });
    });
  });
});
