import { type DIVERSION_REASONS, REQUEST_TYPES, type URGENCY_CLASSES } from '@jsjb/contracts';
import { CLOSED_STATUSES, TICKET_STATUSES, type TicketStatus } from '../tickets/ticket.domain';
import {
  GEOREPORT_V2_SPECIFICATION,
  OPEN311_STATUSES,
  type Open311Attribute,
  type Open311Discovery,
  type Open311Error,
  type Open311RequestCreated,
  type Open311Service,
  type Open311ServiceDefinition,
  type Open311ServiceRequest,
  type Open311Status,
} from './open311.schemas';

/**
 * Open311 GeoReport v2 for intake, as pure functions: what a controller needs to answer
 * `discovery`, `services`, `services/{code}`, `POST requests`, `requests` and `requests/{id}`
 * without knowing the specification. Inputs are plain interfaces; outputs are the documents of
 * open311.schemas.ts (serialised to XML by open311.xml.ts). Failures are values, not exceptions,
 * because Open311 answers errors in its own format (`[{code, description}]`), not problem details.
 *
 * HTTP statuses, as the specification sets them: 404 for a resource that does not exist (an
 * unknown service_code, service_request_id or jurisdiction_id — also in POST requests, whose
 * "Possible Errors" list "404 - service_code or jurisdiction_id was not found"), 403 for a missing
 * or invalid api_key, 400 for anything else that cannot be fulfilled.
 */

export type RequestType = (typeof REQUEST_TYPES)[number];
export type UrgencyClass = (typeof URGENCY_CLASSES)[number];
export type Open311Format = 'json' | 'xml';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** The specification's answer volume: at most 90 days and 1000 requests per query. */
export const MAX_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
/** "free form text limited to 4,000 characters" — counted in UTF-16 units, as the ticket contract does. */
export const MAX_DESCRIPTION_LENGTH = 4000;

const DAY_MS = 24 * 60 * 60 * 1000;

// ---- Results ----

/** An Open311 error answer: the HTTP status and the `[{code, description}]` body. */
export interface Open311Failure {
  status: 400 | 403 | 404;
  errors: Open311Error[];
}

export type Open311Result<T> = { ok: true; value: T } | { ok: false; failure: Open311Failure };

/** An error answer whose body codes repeat the HTTP status, as Open311 clients expect. */
export function open311Failure(status: Open311Failure['status'], ...descriptions: string[]): Open311Failure {
  return { status, errors: descriptions.map((description) => ({ code: status, description })) };
}

function fail<T>(status: Open311Failure['status'], ...descriptions: string[]): Open311Result<T> {
  return { ok: false, failure: open311Failure(status, ...descriptions) };
}

/** The format named by a resource's extension (`requests.json`, `services.xml`); null if unknown. */
export function parseOpen311Format(extension: string | undefined): Open311Format | null {
  const format = extension?.toLowerCase();
  return format === 'json' || format === 'xml' ? format : null;
}

/**
 * A path segment `{id}.{format}` split on its last dot, since ids may hold dots themselves
 * (`urban.construction.night-work.json`): the id and the format, or null without a known format.
 */
export function splitOpen311Resource(segment: string): { id: string; format: Open311Format } | null {
  const dot = segment.lastIndexOf('.');
  if (dot <= 0) return null;
  const format = parseOpen311Format(segment.slice(dot + 1));
  return format ? { id: segment.slice(0, dot), format } : null;
}

// ---- Datetimes ----

/**
 * A W3C datetime with seconds and an explicit offset: `Z` for offset 0, else `±hh:mm` (pass the
 * city's offset from configuration, e.g. 480 for +08:00). Fractions of a second are dropped.
 */
export function formatOpen311DateTime(at: Date, utcOffsetMinutes = 0): string {
  const ms = at.getTime();
  if (!Number.isFinite(ms) || !Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) >= 24 * 60) {
    throw new RangeError('formatOpen311DateTime: invalid date or offset');
  }
  const local = new Date(Math.floor(ms / 1000) * 1000 + utcOffsetMinutes * 60_000).toISOString().slice(0, 19);
  if (utcOffsetMinutes === 0) {
    return `${local}Z`;
  }
  const abs = Math.abs(utcOffsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${utcOffsetMinutes > 0 ? '+' : '-'}${hh}:${mm}`;
}

const W3C_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads a W3C datetime from a query: a timezone is required (else the instant is ambiguous). A
 * `+hh:mm` offset sent unencoded arrives as ` hh:mm` (form decoding turns `+` into a space) and is
 * read as `+hh:mm`.
 */
export function parseOpen311DateTime(value: string): Date | null {
  const match = W3C_INPUT.exec(value.replace(/ (\d{2}:\d{2})$/, '+$1'));
  if (!match) return null;
  const [, y, mo, d, h, mi, s = '00', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return null;
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${zone}`);
  return Number.isFinite(at.getTime()) ? at : null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---- Services: the dispatch catalogue as service types ----

/**
 * A dispatch-catalogue (派单目录) item as intake keeps it from routing's reference data
 * (`referenceCatalogueItemSchema` without `lead`): one Open311 service per item.
 */
export interface Open311CatalogueItem {
  code: string;
  name: string;
  /** From the top category down, e.g. ['城乡建设', '物业管理', '电梯故障']. */
  path: readonly string[];
  urgency: UrgencyClass;
  keywords: readonly string[];
}

/** A service-list entry: every item takes attributes (metadata) and gets its id at once (realtime). */
export function toOpen311Service(item: Open311CatalogueItem): Open311Service {
  // keywords is one comma-separated string in the specification, so a comma inside a keyword would split it.
  const keywords = item.keywords.map((k) => k.replace(/,/g, ' ').trim()).filter((k) => k !== '');
  return {
    service_code: item.code,
    service_name: item.name,
    description: item.path.length > 0 ? item.path.join(' › ') : null,
    metadata: true,
    type: 'realtime',
    keywords: keywords.length > 0 ? keywords.join(', ') : null,
    group: item.path[0] ?? null,
  };
}

/** The service list, by service_code so that the answer is stable. */
export function toOpen311ServiceList(items: readonly Open311CatalogueItem[]): Open311Service[] {
  return [...items].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map(toOpen311Service);
}

/** Codes of the attributes every service takes. */
export const OPEN311_ATTRIBUTE_CODES = { requestType: 'request_type', confidential: 'confidential' } as const;

/** 诉求类型 — request types as residents name them. */
export const REQUEST_TYPE_NAMES: Readonly<Record<RequestType, string>> = {
  consultation: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
};

/**
 * The attributes of every service: the request type (optional: without it intake classifies the
 * text, as for any channel) and confidential handling (保密, Art. 8). The caller's name is not an
 * attribute: GeoReport has first_name and last_name for it.
 */
const ATTRIBUTES: readonly Open311Attribute[] = [
  {
    variable: true,
    code: OPEN311_ATTRIBUTE_CODES.requestType,
    datatype: 'singlevaluelist',
    required: false,
    datatype_description: null,
    order: 1,
    description: '诉求类型（不选时由 12345 按内容判断）',
    values: REQUEST_TYPES.map((key) => ({ key, name: REQUEST_TYPE_NAMES[key] })),
  },
  {
    variable: true,
    code: OPEN311_ATTRIBUTE_CODES.confidential,
    datatype: 'singlevaluelist',
    required: false,
    datatype_description: null,
    order: 2,
    description: '是否保密处理：保密时诉求内容、位置和图片不公开，承办单位仅在办理所需范围内看到您的联系方式',
    values: [
      { key: 'no', name: '否' },
      { key: 'yes', name: '是' },
    ],
  },
];

export function toOpen311ServiceDefinition(item: Open311CatalogueItem): Open311ServiceDefinition {
  return {
    service_code: item.code,
    attributes: ATTRIBUTES.map((a) => ({
      ...a,
      ...(a.values && { values: a.values.map((v) => ({ ...v })) }),
    })),
  };
}

// ---- Requests: a ticket as a service request ----

/**
 * A ticket's lifecycle as intake tracks it: the ticket core's statuses (tickets/ticket.domain.ts),
 * under the name this layer has used since before the core existed.
 */
export const TICKET_LIFECYCLE_STATUSES = TICKET_STATUSES;
export type TicketLifecycleStatus = TicketStatus;

/** What the public request view needs of a ticket. Holds unit names, never staff or caller data. */
export interface Open311TicketView {
  /** 工单编号 — the public 14-digit number; it is the service_request_id (the uuid stays internal). */
  number: string;
  status: TicketLifecycleStatus;
  /** The catalogue item the ticket was classified under; null before classification. */
  categoryCode: string | null;
  categoryName: string | null;
  content: string;
  /** 保密 — the resident asked for confidential handling: content, place and media stay private. */
  confidential: boolean;
  address: string | null;
  /** WGS-84. */
  lat: number | null;
  lng: number | null;
  /** Public URLs of the ticket's media, in order; the first http(s) one becomes media_url. */
  mediaUrls: readonly string[];
  /** The lead (主办) unit's name. */
  leadUnitName: string | null;
  /** The reply deadline of the current cycle. */
  replyDueAt: Date | null;
  /** For a merged (并单) ticket: the master ticket's number. */
  masterNumber: string | null;
  /** For a diverted (分流) ticket: the reason code (ticket.diverted.v1's `reason`). */
  diversionReason: string | null;
  receivedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

export interface Open311RenderOptions {
  /** Offset of rendered datetimes in minutes (480 = +08:00); 0, rendered `Z`, by default. */
  utcOffsetMinutes?: number;
}

/** The service of a ticket not (yet) classified under a catalogue item. */
export const UNCLASSIFIED_SERVICE = { code: 'unclassified', name: '待分类' } as const;

/** 分流 — what residents are told for each diversion reason. */
const DIVERSION_NOTES: Readonly<Record<(typeof DIVERSION_REASONS)[number], string>> = {
  'emergency-110': '属紧急情况，已转 110 处置',
  'emergency-119': '属紧急情况，已转 119 处置',
  'emergency-120': '属紧急情况，已转 120 处置',
  'emergency-122': '属紧急情况，已转 122 处置',
  'other-legal-channel': '已告知通过相应法定途径办理',
  'out-of-scope': '不属于政府职责范围，已告知相关渠道',
  'repeat-no-new-facts': '重复诉求，已告知办理进展',
  'unlawful-demand': '已进行解释和劝导',
};

/**
 * GeoReport has two statuses: open ("it has been reported") and closed ("it has been resolved").
 * Closed is what the ticket core calls closed (CLOSED_STATUSES): replied (办结, the unit answered
 * the resident), rated (回访 done), answered at intake (直办), diverted (分流) or merged (并单). A
 * reopened ticket (重办) is open again. One definition, so that GET requests' status filter (a
 * database query) and the status shown agree.
 */
export function open311StatusOf(view: Pick<Open311TicketView, 'status'>): Open311Status {
  return CLOSED_STATUSES.has(view.status) ? 'closed' : 'open';
}

/** The status note residents see: where the ticket is, in their words. */
export function open311StatusNotes(view: Open311TicketView): string {
  const unit = view.leadUnitName?.trim() || null;
  switch (view.status) {
    case 'pending':
      return '已受理，正在核实';
    case 'forwarded':
      return '已受理，等待派单';
    case 'dispatched':
      return unit ? `已派至${unit}` : '已派单';
    case 'in-progress':
      return unit ? `${unit}正在办理` : '正在办理';
    case 'replied':
      return unit ? `${unit}已答复，等待回访` : '已答复，等待回访';
    case 'rated':
      return '已答复并完成回访';
    case 'answered':
      return '已直接答复';
    case 'merged':
      return view.masterNumber ? `已并入工单 ${view.masterNumber}` : '已并入其他工单';
    case 'diverted':
      return isDiversionReason(view.diversionReason)
        ? DIVERSION_NOTES[view.diversionReason]
        : '已按规定分流办理';
  }
}

/**
 * A ticket as a GeoReport service request. A confidential ticket shows only its number, service,
 * status, unit and times. Phone numbers, ID numbers and e-mail addresses written in the content are
 * masked: requests are public (GET requests needs no key).
 */
export function toOpen311ServiceRequest(
  view: Open311TicketView,
  options: Open311RenderOptions = {},
): Open311ServiceRequest {
  const offset = options.utcOffsetMinutes ?? 0;
  const status = open311StatusOf(view);
  const hidden = view.confidential;
  const description = hidden
    ? null
    : nonEmpty(truncate(maskPersonalData(view.content), MAX_DESCRIPTION_LENGTH));
  const located = !hidden && view.lat !== null && view.lng !== null;
  const updated = status === 'closed' ? (view.closedAt ?? view.updatedAt) : view.updatedAt;
  return {
    service_request_id: view.number,
    status,
    status_notes: open311StatusNotes(view),
    service_name: view.categoryName?.trim() || view.categoryCode || UNCLASSIFIED_SERVICE.name,
    service_code: view.categoryCode ?? UNCLASSIFIED_SERVICE.code,
    description,
    agency_responsible: view.leadUnitName?.trim() || null,
    requested_datetime: formatOpen311DateTime(view.receivedAt, offset),
    updated_datetime: formatOpen311DateTime(updated, offset),
    expected_datetime:
      status === 'open' && view.replyDueAt !== null ? formatOpen311DateTime(view.replyDueAt, offset) : null,
    address: hidden ? null : nonEmpty(view.address),
    address_id: null,
    zipcode: null,
    lat: located ? view.lat : null,
    long: located ? view.lng : null,
    media_url: hidden ? null : (view.mediaUrls.find(isHttpUrl) ?? null),
  };
}

export function toOpen311ServiceRequests(
  views: readonly Open311TicketView[],
  options: Open311RenderOptions = {},
): Open311ServiceRequest[] {
  return views.map((view) => toOpen311ServiceRequest(view, options));
}

/**
 * Masks personal data a resident may have typed into public text: mainland mobile numbers
 * (138****5678), 18-digit ID numbers (first 6 and last 4 kept) and e-mail addresses (a***@host).
 */
export function maskPersonalData(text: string): string {
  return text
    .replace(/(?<![0-9])(\d{6})\d{8}(\d{3}[0-9Xx])(?![0-9A-Za-z])/g, '$1********$2')
    .replace(/(?<![0-9])(1[3-9]\d)\d{4}(\d{4})(?![0-9])/g, '$1****$2')
    .replace(/([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)/g, '$1***@$2');
}

// ---- POST requests: the answer ----

export interface RequestCreatedInput {
  number: string;
  /** The account_id the client sent, echoed. */
  accountId: string | null;
  /** The nominal reply limit for the service, when known (e.g. DEFAULT_TIME_LIMITS[urgency].reply). */
  replyWithinMinutes?: number | null;
}

/** The POST requests answer: the ticket number at once (services are realtime), and a notice. */
export function toOpen311RequestCreated(input: RequestCreatedInput): Open311RequestCreated[] {
  const within =
    input.replyWithinMinutes !== undefined &&
    input.replyWithinMinutes !== null &&
    input.replyWithinMinutes > 0
      ? `，将在${formatDuration(input.replyWithinMinutes)}内答复`
      : '';
  return [
    {
      service_request_id: input.number,
      service_notice: `已受理，工单编号 ${input.number}${within}。紧急情况请拨打 110、119、120 或 122。`,
      account_id: input.accountId,
    },
  ];
}

/** 90 → '90 分钟', 120 → '2 小时', 10080 → '7 天'. */
export function formatDuration(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} 天`;
  if (minutes % 60 === 0) return `${minutes / 60} 小时`;
  return `${minutes} 分钟`;
}

// ---- Discovery ----

export interface Open311DiscoveryInput {
  /** When the service list or a definition last changed (the catalogue version's time). */
  changeset: Date;
  contact: string;
  keyService: string;
  endpoints: readonly { url: string; type: 'production' | 'test' }[];
}

/** The discovery document; changesets in UTC so that they sort as strings. */
export function toOpen311Discovery(input: Open311DiscoveryInput): Open311Discovery {
  const changeset = formatOpen311DateTime(input.changeset);
  return {
    changeset,
    contact: input.contact,
    key_service: input.keyService,
    endpoints: input.endpoints.map((e) => ({
      specification: GEOREPORT_V2_SPECIFICATION,
      url: e.url,
      changeset,
      type: e.type,
      formats: ['text/xml', 'application/json'],
    })),
  };
}

// ---- Form and query input ----

/**
 * A form body or query string: the raw `application/x-www-form-urlencoded` text, its
 * URLSearchParams, or a flat record as Node's querystring parses it (a repeated key → an array).
 * Keys stay literal (`attribute[code][]`): a parser that nests brackets (qs) must not be used.
 */
export type Open311FormInput =
  string | URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

function formEntries(input: Open311FormInput): [string, string][] {
  if (typeof input === 'string') {
    return [...new URLSearchParams(input)];
  }
  if (input instanceof URLSearchParams) {
    return [...input];
  }
  const entries: [string, string][] = [];
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) entries.push([key, v]);
  }
  return entries;
}

/** Reads the form's fields; "optional" fields sent empty count as not sent (the specification's rule). */
class FormFields {
  readonly errors: string[] = [];
  /** Fields found wrong, so that a follow-up check does not report them twice. */
  readonly invalid = new Set<string>();
  private readonly byName = new Map<string, string[]>();

  constructor(readonly entries: readonly [string, string][]) {
    for (const [key, value] of entries) {
      const list = this.byName.get(key) ?? [];
      list.push(value);
      this.byName.set(key, list);
    }
  }

  reject(name: string, message: string): void {
    this.invalid.add(name);
    this.errors.push(message);
  }

  /** A single-valued field, trimmed; undefined when absent, empty or rejected. */
  single(name: string, maxLength: number): string | undefined {
    const values = (this.byName.get(name) ?? []).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length > 1) {
      this.reject(name, `${name} was sent more than once`);
      return undefined;
    }
    const value = values[0];
    if (value !== undefined && value.length > maxLength) {
      this.reject(name, `${name} is longer than ${maxLength} characters`);
      return undefined;
    }
    return value;
  }

  /** A list field: repeated and/or comma-separated values, trimmed, without duplicates. */
  list(name: string): string[] {
    const values = (this.byName.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim());
    return [...new Set(values.filter((v) => v !== ''))];
  }
}

/**
 * The jurisdiction check of the read-only resources (services, service definitions, a request):
 * null when the query names none or the one served, else the 404 failure.
 */
export function checkJurisdiction(
  query: Open311FormInput,
  jurisdictionId: string | undefined,
): Open311Failure | null {
  const fields = new FormFields(formEntries(query));
  return (
    jurisdictionFailure(fields, jurisdictionId) ??
    (fields.errors.length > 0 ? open311Failure(400, ...fields.errors) : null)
  );
}

/** The jurisdiction check: only one is served, and naming another one is a 404. */
function jurisdictionFailure(fields: FormFields, jurisdictionId: string | undefined): Open311Failure | null {
  const given = fields.single('jurisdiction_id', 200);
  if (given !== undefined && jurisdictionId !== undefined && given !== jurisdictionId) {
    return open311Failure(404, `jurisdiction_id ${given} was not found`);
  }
  return null;
}

// ---- POST requests: the form ----

export interface CreateRequestFormOptions {
  /** The catalogue item of a service_code, or undefined when there is none. */
  findService: (serviceCode: string) => Open311CatalogueItem | undefined;
  /** The jurisdiction served; a request naming another one gets 404. Unset: jurisdiction_id is ignored. */
  jurisdictionId?: string;
  /**
   * Checks the api_key right after its presence, so that a client without a valid key learns
   * nothing about the rest of its form (403 before any 400 or 404). Unset: the caller checks it.
   */
  isApiKeyValid?: (apiKey: string) => boolean;
}

/** The caller's details as sent; personal data, to be stored and masked like any caller's. */
export interface Open311Contact {
  firstName: string | null;
  lastName: string | null;
  /** The name as one string (family name first when written in Chinese characters). */
  name: string | null;
  phone: string | null;
  email: string | null;
  accountId: string | null;
  deviceId: string | null;
}

/** A valid POST requests form, ready to become a ticket from the open311 channel. */
export interface CreateOpen311RequestCommand {
  /** To be checked by the caller (403 when unknown). */
  apiKey: string;
  serviceCode: string;
  /** Null: not chosen, intake classifies the text. */
  requestType: RequestType | null;
  confidential: boolean;
  description: string;
  /** WGS-84; both or neither. */
  lat: number | null;
  lng: number | null;
  /** address_string. */
  address: string | null;
  addressId: string | null;
  mediaUrl: string | null;
  contact: Open311Contact;
  /** Every attribute sent, checked against the service definition. */
  attributes: Readonly<Record<string, string | readonly string[]>>;
}

/** A ticket keeps at most 100 characters of the caller's name. */
const MAX_NAME_LENGTH = 100;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9][0-9 ()-]{2,19}$/;
const HTML_TAG = /<\s*\/?\s*[A-Za-z][^>]*>/;
const ATTRIBUTE_KEY = /^attribute\[([^\]]*)\](\[\])?$/;
const CJK = /\p{Script=Han}/u;

/**
 * Checks a POST requests form (`application/x-www-form-urlencoded`) and builds the command, or the
 * Open311 failure: 403 without api_key; 400 without service_code; 404 for an unknown service_code or
 * jurisdiction_id; else 400 listing every problem (location, lat/long, description, contact
 * fields, attributes). Our tickets need content, so description is required here although
 * GeoReport makes it optional.
 */
export function parseCreateRequestForm(
  form: Open311FormInput,
  options: CreateRequestFormOptions,
): Open311Result<CreateOpen311RequestCommand> {
  const fields = new FormFields(formEntries(form));
  const apiKey = fields.single('api_key', 200);
  if (apiKey === undefined) {
    return fail(403, 'api_key was not provided');
  }
  if (options.isApiKeyValid && !options.isApiKeyValid(apiKey)) {
    return fail(403, 'api_key is not valid');
  }
  const jurisdiction = jurisdictionFailure(fields, options.jurisdictionId);
  if (jurisdiction) {
    return { ok: false, failure: jurisdiction };
  }
  const serviceCode = fields.single('service_code', 64);
  if (serviceCode === undefined) {
    return fail(
      400,
      ...(fields.invalid.has('service_code') ? fields.errors : ['service_code was not provided']),
    );
  }
  const item = options.findService(serviceCode);
  if (!item) {
    return fail(404, `service_code ${serviceCode} was not found`);
  }

  const errors = fields.errors;
  const coordinates = readCoordinates(fields);
  const address = fields.single('address_string', 500) ?? null;
  const addressId = fields.single('address_id', 100) ?? null;
  const locationRejected = fields.invalid.has('address_string') || fields.invalid.has('address_id');
  if (!coordinates.sent && address === null && addressId === null && !locationRejected) {
    fields.reject('location', 'A location is required: lat and long, address_string or address_id');
  }
  const description = readDescription(fields);
  const contact = readContact(fields);
  const mediaUrl = fields.single('media_url', 2000) ?? null;
  if (mediaUrl !== null && !isHttpUrl(mediaUrl)) {
    fields.reject('media_url', 'media_url must be an absolute http(s) URL');
  }
  const attributes = readAttributes(fields, toOpen311ServiceDefinition(item).attributes);

  if (errors.length > 0 || description === undefined) {
    return fail(400, ...errors);
  }
  const requestType = attributes[OPEN311_ATTRIBUTE_CODES.requestType];
  return {
    ok: true,
    value: {
      apiKey,
      serviceCode: item.code,
      requestType: typeof requestType === 'string' && isRequestType(requestType) ? requestType : null,
      confidential: attributes[OPEN311_ATTRIBUTE_CODES.confidential] === 'yes',
      description,
      lat: coordinates.lat,
      lng: coordinates.lng,
      address,
      addressId,
      mediaUrl,
      contact,
      attributes,
    },
  };
}

/** lat and long: both or neither (`sent` is true when either was sent, valid or not). */
function readCoordinates(fields: FormFields): { sent: boolean; lat: number | null; lng: number | null } {
  const latText = fields.single('lat', 40);
  const longText = fields.single('long', 40);
  const sent =
    latText !== undefined ||
    longText !== undefined ||
    fields.invalid.has('lat') ||
    fields.invalid.has('long');
  if (latText === undefined || longText === undefined) {
    if (sent && !fields.invalid.has('lat') && !fields.invalid.has('long')) {
      fields.reject('lat', 'lat and long must be sent together');
    }
    return { sent, lat: null, lng: null };
  }
  const lat = DECIMAL.test(latText) ? Number(latText) : NaN;
  const lng = DECIMAL.test(longText) ? Number(longText) : NaN;
  const latValid = lat >= -90 && lat <= 90;
  const lngValid = lng >= -180 && lng <= 180;
  if (!latValid) fields.reject('lat', 'lat must be a WGS-84 latitude between -90 and 90');
  if (!lngValid) fields.reject('long', 'long must be a WGS-84 longitude between -180 and 180');
  return latValid && lngValid ? { sent, lat, lng } : { sent, lat: null, lng: null };
}

function readDescription(fields: FormFields): string | undefined {
  const description = fields.single('description', MAX_DESCRIPTION_LENGTH);
  if (description === undefined) {
    if (!fields.invalid.has('description')) {
      fields.reject('description', 'description was not provided: describe the matter');
    }
    return undefined;
  }
  if (HTML_TAG.test(description)) {
    fields.reject('description', 'description may contain line breaks but not HTML');
    return undefined;
  }
  return description;
}

function readContact(fields: FormFields): Open311Contact {
  const firstName = fields.single('first_name', 50) ?? null;
  const lastName = fields.single('last_name', 50) ?? null;
  const email = fields.single('email', 254) ?? null;
  if (email !== null && !EMAIL.test(email)) {
    fields.reject('email', 'email is not an e-mail address');
  }
  const phone = fields.single('phone', 20) ?? null;
  if (phone !== null && !PHONE.test(phone)) {
    fields.reject('phone', 'phone is not a phone number');
  }
  const name = personName(firstName, lastName);
  if (name !== null && name.length > MAX_NAME_LENGTH) {
    fields.reject(
      'last_name',
      `first_name and last_name together are longer than ${MAX_NAME_LENGTH} characters`,
    );
  }
  return {
    firstName,
    lastName,
    name,
    phone,
    email,
    accountId: fields.single('account_id', 100) ?? null,
    deviceId: fields.single('device_id', 100) ?? null,
  };
}

/** Chinese names are written family name first and without a space; others given name first. */
function personName(first: string | null, last: string | null): string | null {
  if (first === null || last === null) return first ?? last;
  return CJK.test(first) && CJK.test(last) ? `${last}${first}` : `${first} ${last}`;
}

/**
 * Reads `attribute[code]=value` and `attribute[code][]=value` pairs and checks them against the
 * service definition: known code, user-input attribute, a value of the right datatype (a listed key
 * for the list types), every required one present.
 */
function readAttributes(
  fields: FormFields,
  definition: readonly Open311Attribute[],
): Record<string, string | readonly string[]> {
  const sent = new Map<string, string[]>();
  for (const [key, value] of fields.entries) {
    const match = ATTRIBUTE_KEY.exec(key);
    if (!match) continue;
    const code = match[1] ?? '';
    const list = sent.get(code) ?? [];
    const trimmed = value.trim();
    if (trimmed !== '') list.push(trimmed);
    sent.set(code, list);
  }
  const byCode = new Map(definition.map((a) => [a.code, a]));
  const result: Record<string, string | readonly string[]> = {};
  for (const [code, values] of sent) {
    const name = `attribute[${code}]`;
    const attribute = byCode.get(code);
    if (!attribute?.variable) {
      fields.reject(name, `${name} is not an attribute of this service`);
    } else if (values.length > 0) {
      const checked = checkAttributeValue(attribute, values);
      if (checked.ok) result[code] = checked.value;
      else fields.reject(name, `${name} ${checked.error}`);
    }
  }
  for (const attribute of definition) {
    const name = `attribute[${attribute.code}]`;
    if (
      attribute.variable &&
      attribute.required &&
      result[attribute.code] === undefined &&
      !fields.invalid.has(name)
    ) {
      fields.reject(name, `${name} is required`);
    }
  }
  return result;
}

type AttributeCheck = { ok: true; value: string | readonly string[] } | { ok: false; error: string };

function checkAttributeValue(attribute: Open311Attribute, values: readonly string[]): AttributeCheck {
  const keys = new Set((attribute.values ?? []).map((v) => v.key));
  if (attribute.datatype === 'multivaluelist') {
    const unknown = values.filter((v) => !keys.has(v));
    return unknown.length > 0
      ? { ok: false, error: `has unknown values: ${unknown.join(', ')}` }
      : { ok: true, value: [...new Set(values)] };
  }
  const [one, ...more] = values;
  if (one === undefined || more.length > 0) {
    return { ok: false, error: 'takes one value' };
  }
  const valid = (ok: boolean, error: string): AttributeCheck =>
    ok ? { ok: true, value: one } : { ok: false, error };
  switch (attribute.datatype) {
    case 'singlevaluelist':
      return valid(keys.has(one), `has an unknown value: ${one}`);
    case 'string':
      return /[\r\n]/.test(one)
        ? { ok: false, error: 'may not contain line breaks' }
        : valid(one.length <= 500, 'is longer than 500 characters');
    case 'text':
      return valid(
        one.length <= MAX_DESCRIPTION_LENGTH,
        `is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
      );
    case 'number':
      return valid(DECIMAL.test(one), 'must be a number');
    case 'datetime':
      return valid(parseOpen311DateTime(one) !== null, 'must be an ISO 8601 datetime with a timezone');
  }
}

function isDiversionReason(value: string | null): value is (typeof DIVERSION_REASONS)[number] {
  return value !== null && Object.hasOwn(DIVERSION_NOTES, value);
}

function isRequestType(value: string): value is RequestType {
  return (REQUEST_TYPES as readonly string[]).includes(value);
}

// ---- GET requests: the query ----

/**
 * A GET requests query: either explicit ids (service_request_id "overrides all other arguments")
 * or a search over a window of at most 90 days of requested_datetime, newest first, at most `limit`.
 */
export type Open311RequestsQuery =
  | { kind: 'ids'; serviceRequestIds: string[] }
  | {
      kind: 'search';
      /** Null: every service. */
      serviceCodes: string[] | null;
      /** Inclusive bounds on requested_datetime. */
      start: Date;
      end: Date;
      /** Null: both statuses. */
      statuses: Open311Status[] | null;
      limit: number;
    };

export interface RequestsQueryOptions {
  jurisdictionId?: string;
}

/**
 * Checks a GET requests query. Dates: W3C with a timezone; none given → the last 90 days up to
 * `now`; only one given → 90 days from start or up to end; both → at most 90 days apart (the
 * specification: "may not span more than 90 days"). `limit` is our extension of the specification's
 * "first 1000 requests": 1–1000, 1000 by default.
 */
export function parseRequestsQuery(
  query: Open311FormInput,
  now: Date,
  options: RequestsQueryOptions = {},
): Open311Result<Open311RequestsQuery> {
  const fields = new FormFields(formEntries(query));
  const jurisdiction = jurisdictionFailure(fields, options.jurisdictionId);
  if (jurisdiction) {
    return { ok: false, failure: jurisdiction };
  }
  const errors = fields.errors;

  const ids = fields.list('service_request_id');
  if (ids.length > 0) {
    if (ids.length > MAX_REQUESTS) errors.push(`service_request_id lists more than ${MAX_REQUESTS} ids`);
    const long = ids.find((id) => id.length > 64);
    if (long !== undefined) errors.push('service_request_id has an id longer than 64 characters');
    return errors.length > 0
      ? fail(400, ...errors)
      : { ok: true, value: { kind: 'ids', serviceRequestIds: ids } };
  }

  const serviceCodes = fields.list('service_code');
  if (serviceCodes.some((c) => c.length > 64))
    errors.push('service_code has a code longer than 64 characters');

  const start = readDate(fields, 'start_date');
  const end = readDate(fields, 'end_date');
  const window = MAX_WINDOW_DAYS * DAY_MS;
  let from: Date;
  let to: Date;
  if (start === null && end === null) {
    to = now;
    from = new Date(now.getTime() - window);
  } else if (end === null) {
    from = start ?? now;
    to = new Date(from.getTime() + window);
  } else if (start === null) {
    to = end;
    from = new Date(end.getTime() - window);
  } else {
    from = start;
    to = end;
    if (start.getTime() > end.getTime()) errors.push('start_date is after end_date');
    else if (end.getTime() - start.getTime() > window) {
      errors.push(`start_date and end_date may not span more than ${MAX_WINDOW_DAYS} days`);
    }
  }

  const statusValues = fields.list('status');
  const unknownStatus = statusValues.filter((s) => !(OPEN311_STATUSES as readonly string[]).includes(s));
  if (unknownStatus.length > 0) errors.push(`status must be open or closed, not ${unknownStatus.join(', ')}`);
  const statuses = statusValues.filter((s): s is Open311Status =>
    (OPEN311_STATUSES as readonly string[]).includes(s),
  );

  const limitText = fields.single('limit', 10);
  let limit = MAX_REQUESTS;
  if (limitText !== undefined) {
    limit = /^\d+$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_REQUESTS))
      errors.push(`limit must be a whole number from 1 to ${MAX_REQUESTS}`);
  }

  if (errors.length > 0) {
    return fail(400, ...errors);
  }
  return {
    ok: true,
    value: {
      kind: 'search',
      serviceCodes: serviceCodes.length > 0 ? serviceCodes : null,
      start: from,
      end: to,
      statuses: statuses.length === 0 || statuses.length === OPEN311_STATUSES.length ? null : statuses,
      limit,
    },
  };
}

/** A date parameter; null when absent or invalid (invalid adds an error). */
function readDate(fields: FormFields, name: string): Date | null {
  const text = fields.single(name, 40);
  if (text === undefined) return null;
  const at = parseOpen311DateTime(text);
  if (!at) {
    fields.errors.push(`${name} must be a W3C datetime with a timezone, e.g. 2010-01-01T00:00:00Z`);
  }
  return at;
}

// ---- Helpers ----

/** At most `max` UTF-16 units, without cutting a surrogate pair in two. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function nonEmpty(text: string | null): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
