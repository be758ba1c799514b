/**
 * Open311 GeoReport v2 — the response documents as JSON Schemas (draft 2020-12), written from the
 * field tables of the specification (wiki.open311.org/GeoReport_v2 and /Service_Discovery), and the
 * TypeScript shapes of the same documents.
 *
 * Choices where the specification leaves room, made once here for JSON and XML alike:
 * - Identifiers and codes (service_code, service_request_id, address_id, zipcode, attribute code,
 *   value key, token) are strings: the specification's JSON examples write `"service_code":001`,
 *   which is not JSON, and a leading zero must survive.
 * - Fields marked "May not be returned" are optional and may be null; the other request fields are
 *   always present and null when unknown (the specification's examples show null descriptions).
 * - Datetimes are RFC 3339 date-times with seconds and a mandatory offset (`Z` or `±hh:mm`): the
 *   part of the W3C profile of ISO 8601 that the specification requires ("timezone information
 *   must be included").
 * - No extra fields (`additionalProperties: false`): the specification asks servers not to add
 *   foreign tags, and it keeps internal data (staff, callers) from leaking into a public response.
 */

/** The subset of JSON Schema these documents use; enough for the XML reader to find types. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly const?: string | number | boolean | null;
  readonly format?: string;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly if?: JsonSchema;
  readonly then?: JsonSchema;
  readonly not?: JsonSchema;
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';
const ID_BASE = 'https://jsjb.invalid/open311/georeport-v2';

/** The specification token of GeoReport v2, as service discovery names it. */
export const GEOREPORT_V2_SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/**
 * W3C datetime with seconds and a mandatory offset: `2010-01-01T00:00:00Z`,
 * `1994-11-05T08:15:30-05:00`. Upper-case `T`/`Z` and a colon in the offset, as in the W3C note;
 * the `date-time` format then checks the calendar (no 2024-02-30).
 */
export const W3C_DATETIME_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$';

const datetime = {
  type: 'string',
  format: 'date-time',
  pattern: W3C_DATETIME_PATTERN,
} as const satisfies JsonSchema;
const nullableDatetime = {
  type: ['string', 'null'],
  format: 'date-time',
  pattern: W3C_DATETIME_PATTERN,
} as const satisfies JsonSchema;
const code = { type: 'string', minLength: 1 } as const satisfies JsonSchema;
const text = { type: 'string', minLength: 1 } as const satisfies JsonSchema;
const nullableText = { type: ['string', 'null'], minLength: 1 } as const satisfies JsonSchema;

/** Service types: realtime (id at once), batch (a token first), blackbox (no id). */
export const OPEN311_SERVICE_TYPES = ['realtime', 'batch', 'blackbox'] as const;
export type Open311ServiceType = (typeof OPEN311_SERVICE_TYPES)[number];

/** Attribute input types of a service definition. */
export const OPEN311_DATATYPES = [
  'string',
  'number',
  'datetime',
  'text',
  'singlevaluelist',
  'multivaluelist',
] as const;
export type Open311Datatype = (typeof OPEN311_DATATYPES)[number];

/** A request is open (reported) or closed (resolved). */
export const OPEN311_STATUSES = ['open', 'closed'] as const;
export type Open311Status = (typeof OPEN311_STATUSES)[number];

// ---- Service discovery (/discovery.{format}) ----

export interface Open311DiscoveryEndpoint {
  specification: string;
  url: string;
  changeset: string;
  type: 'production' | 'test';
  formats: string[];
}

export interface Open311Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: Open311DiscoveryEndpoint[];
}

/** "All fields are required" (Service Discovery). */
export const discoverySchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/discovery.json`,
  title: 'GeoReport v2 service discovery',
  type: 'object',
  additionalProperties: false,
  required: ['changeset', 'contact', 'key_service', 'endpoints'],
  properties: {
    changeset: text,
    contact: text,
    key_service: text,
    endpoints: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['specification', 'url', 'changeset', 'type', 'formats'],
        properties: {
          specification: { type: 'string', format: 'uri' },
          url: { type: 'string', format: 'uri' },
          changeset: text,
          type: { enum: ['production', 'test'] },
          formats: { type: 'array', minItems: 1, items: text },
        },
      },
    },
  },
} as const satisfies JsonSchema;

// ---- GET Service List (/services.{format}) ----

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string | null;
  metadata: boolean;
  type: Open311ServiceType;
  /** Comma-separated tags (a string, not a list, in the specification). */
  keywords: string | null;
  group: string | null;
}

const serviceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['service_code', 'service_name', 'metadata', 'type'],
  properties: {
    service_code: code,
    service_name: text,
    description: nullableText,
    metadata: { type: 'boolean' },
    type: { enum: OPEN311_SERVICE_TYPES },
    keywords: nullableText,
    group: nullableText,
  },
} as const satisfies JsonSchema;

export const serviceListSchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/services.json`,
  title: 'GeoReport v2 service list',
  type: 'array',
  items: serviceSchema,
} as const satisfies JsonSchema;

// ---- GET Service Definition (/services/{service_code}.{format}) ----

export interface Open311AttributeValue {
  key: string;
  name: string;
}

export interface Open311Attribute {
  /** False: shown to the user only, never submitted. */
  variable: boolean;
  code: string;
  datatype: Open311Datatype;
  required: boolean;
  datatype_description: string | null;
  /** 1 is shown first; unique within a service. */
  order: number;
  description: string;
  /** The options of a singlevaluelist or multivaluelist; absent for the other datatypes. */
  values?: Open311AttributeValue[];
}

export interface Open311ServiceDefinition {
  service_code: string;
  attributes: Open311Attribute[];
}

const LIST_DATATYPES = ['singlevaluelist', 'multivaluelist'] as const;

const attributeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['variable', 'code', 'datatype', 'required', 'order', 'description'],
  properties: {
    variable: { type: 'boolean' },
    code,
    datatype: { enum: OPEN311_DATATYPES },
    required: { type: 'boolean' },
    datatype_description: nullableText,
    order: { type: 'integer', minimum: 1 },
    description: text,
    values: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'name'],
        properties: { key: code, name: text },
      },
    },
  },
  // A list datatype needs its options; the others have none.
  if: { type: 'object', properties: { datatype: { enum: LIST_DATATYPES } } },
  then: { type: 'object', required: ['values'], properties: { values: { type: 'array', minItems: 1 } } },
} as const satisfies JsonSchema;

export const serviceDefinitionSchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/service-definition.json`,
  title: 'GeoReport v2 service definition',
  type: 'object',
  additionalProperties: false,
  required: ['service_code', 'attributes'],
  properties: {
    service_code: code,
    attributes: { type: 'array', items: attributeSchema },
  },
} as const satisfies JsonSchema;

// ---- POST Service Request response (/requests.{format}) ----

/** Either a service_request_id (realtime) or a token (batch), never both. */
export type Open311RequestCreated =
  | { service_request_id: string; service_notice?: string | null; account_id?: string | null }
  | { token: string; service_notice?: string | null; account_id?: string | null };

export const requestCreatedSchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/request-created.json`,
  title: 'GeoReport v2 POST service request response',
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    properties: {
      service_request_id: code,
      token: code,
      service_notice: nullableText,
      account_id: nullableText,
    },
    // "This should not be returned if token is returned", and the other way round.
    oneOf: [
      { type: 'object', required: ['service_request_id'] },
      { type: 'object', required: ['token'] },
    ],
  },
} as const satisfies JsonSchema;

// ---- GET Service Requests (/requests.{format}) and GET Service Request (/requests/{id}.{format}) ----

export interface Open311ServiceRequest {
  service_request_id: string;
  status: Open311Status;
  status_notes?: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible?: string | null;
  service_notice?: string | null;
  requested_datetime: string;
  /** For a closed request, when it was closed. */
  updated_datetime: string;
  expected_datetime?: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  /** WGS-84. */
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

const serviceRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'service_request_id',
    'status',
    'service_name',
    'service_code',
    'description',
    'requested_datetime',
    'updated_datetime',
    'address',
    'address_id',
    'zipcode',
    'lat',
    'long',
    'media_url',
  ],
  properties: {
    service_request_id: code,
    status: { enum: OPEN311_STATUSES },
    status_notes: nullableText,
    service_name: text,
    service_code: code,
    // "free form text limited to 4,000 characters" (UTF-16 units here: the stricter count).
    description: { type: ['string', 'null'], minLength: 1, maxLength: 4000 },
    agency_responsible: nullableText,
    service_notice: nullableText,
    requested_datetime: datetime,
    updated_datetime: datetime,
    expected_datetime: nullableDatetime,
    address: nullableText,
    address_id: nullableText,
    zipcode: nullableText,
    lat: { type: ['number', 'null'], minimum: -90, maximum: 90 },
    long: { type: ['number', 'null'], minimum: -180, maximum: 180 },
    media_url: { type: ['string', 'null'], format: 'uri' },
  },
  // lat and long come as a pair.
  allOf: [
    {
      if: { type: 'object', properties: { lat: { type: 'number' } } },
      then: { type: 'object', properties: { long: { type: 'number' } } },
    },
    {
      if: { type: 'object', properties: { long: { type: 'number' } } },
      then: { type: 'object', properties: { lat: { type: 'number' } } },
    },
  ],
} as const satisfies JsonSchema;

export const serviceRequestsSchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/requests.json`,
  title: 'GeoReport v2 service requests',
  type: 'array',
  items: serviceRequestSchema,
} as const satisfies JsonSchema;

// ---- GET service_request_id from a token (/tokens/{token}.{format}) ----

export interface Open311TokenEntry {
  /** Null while the batch has not yet created the request. */
  service_request_id: string | null;
  token: string;
}

export const tokensSchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/tokens.json`,
  title: 'GeoReport v2 service_request_id from a token',
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['service_request_id', 'token'],
    properties: {
      service_request_id: { type: ['string', 'null'], minLength: 1 },
      token: code,
    },
  },
} as const satisfies JsonSchema;

// ---- Errors (any method) ----

export interface Open311Error {
  /** Here always the HTTP status (the specification's "in most cases"), as clients expect a number. */
  code: number;
  description: string;
}

export const errorsSchema = {
  $schema: DRAFT,
  $id: `${ID_BASE}/errors.json`,
  title: 'GeoReport v2 errors',
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['code', 'description'],
    properties: {
      // The specification allows more specific codes than the HTTP status; any integer or a token.
      code: { type: ['integer', 'string'], minLength: 1 },
      description: text,
    },
  },
} as const satisfies JsonSchema;

// ---- The documents by kind ----

/** Each response document, named once for the schemas, the XML mapping and the validator. */
export interface Open311Documents {
  discovery: Open311Discovery;
  serviceList: Open311Service[];
  serviceDefinition: Open311ServiceDefinition;
  requestCreated: Open311RequestCreated[];
  serviceRequests: Open311ServiceRequest[];
  tokens: Open311TokenEntry[];
  errors: Open311Error[];
}

export type Open311DocumentKind = keyof Open311Documents;

export const OPEN311_SCHEMAS: Readonly<Record<Open311DocumentKind, JsonSchema>> = {
  discovery: discoverySchema,
  serviceList: serviceListSchema,
  serviceDefinition: serviceDefinitionSchema,
  requestCreated: requestCreatedSchema,
  serviceRequests: serviceRequestsSchema,
  tokens: tokensSchema,
  errors: errorsSchema,
};

export const OPEN311_DOCUMENT_KINDS = Object.keys(OPEN311_SCHEMAS) as readonly Open311DocumentKind[];
