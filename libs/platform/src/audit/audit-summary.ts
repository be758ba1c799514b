import type { AuditValue } from './audit-note';

/**
 * Fields of a response body kept in the default `after` summary: identifiers, states, versions,
 * numbers, counts and times, by name. Anything else (content, notes, replies, nested objects) is
 * left out: an allow-list, so that a new free-text field never lands in the audit trail by default.
 */
const SUMMARY_FIELD =
  /^(id|status|state|version|number|outcome|decision|result|kind|type|channel|urgency|role|cycle|rule|date|day|year|month|created|unchanged|total|count)$|(Id|Code|At|From|Until|Status|State|Version|Number|Count|Kind|Type|Decision|Outcome)$/;

/** Personal data, even where a name would otherwise qualify (`callerId`, `accountId`, `contactAt`). */
const PERSONAL_FIELD =
  /caller|resident|contact|phone|mobile|name|address|email|account|password|token|secret|clientIp/i;

/** A longer string is not an identifier, a code or a time. */
const MAX_STRING = 200;

/** At most this many fields per summary. */
const MAX_FIELDS = 40;

/** Route parameters that carry credentials (a signed rating link) are stored redacted. */
const SECRET_PARAM = /token|secret|password|key|signature/i;
export const REDACTED = '[redacted]';

function scalar(value: unknown): AuditValue | undefined {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  switch (typeof value) {
    case 'string':
      return value.length <= MAX_STRING ? value : undefined;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
    case 'function':
    case 'symbol':
    case 'undefined':
      return undefined;
  }
}

export function isAuditField(name: string): boolean {
  return SUMMARY_FIELD.test(name) && !PERSONAL_FIELD.test(name);
}

/**
 * The default `after` summary of a response body: its scalar top-level fields whose names say they
 * are ids, states, versions, numbers or times (see SUMMARY_FIELD), never personal data. Undefined
 * when nothing qualifies (a list, a string body, an object without such fields).
 */
export function summarizeBody(body: unknown): Record<string, AuditValue> | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof Date) {
    return undefined;
  }
  const summary: Record<string, AuditValue> = {};
  let fields = 0;
  for (const [name, raw] of Object.entries(body)) {
    if (fields >= MAX_FIELDS) break;
    if (!isAuditField(name)) continue;
    const value = scalar(raw);
    if (value === undefined) continue;
    summary[name] = value;
    fields += 1;
  }
  return fields > 0 ? summary : undefined;
}

/** Route parameters as resource ids, credentials redacted. */
export function resourceIdsOf(params: unknown): Record<string, string> {
  const ids: Record<string, string> = {};
  if (typeof params !== 'object' || params === null) return ids;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    ids[name] = SECRET_PARAM.test(name) ? REDACTED : value.slice(0, MAX_STRING);
  }
  return ids;
}

const MAX_BODY_FIELDS = 50;
const MAX_FIELD_NAME = 64;

/**
 * The names of a request body's top-level fields — never their values, which can hold personal
 * data. A JSON object's keys, or a form's (an Open311 POST); null for no body or another shape.
 */
export function bodyFieldNames(body: unknown, contentType: string | undefined): string[] | null {
  let names: string[];
  if (typeof body === 'string') {
    if (!contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded')) return null;
    names = [...new Set(new URLSearchParams(body).keys())];
  } else if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    names = Object.keys(body);
  } else {
    return null;
  }
  return names.slice(0, MAX_BODY_FIELDS).map((name) => name.slice(0, MAX_FIELD_NAME));
}
