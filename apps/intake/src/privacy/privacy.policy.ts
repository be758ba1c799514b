import { type Role, ValidationError } from '@jsjb/platform';

/**
 * Who sees callers' personal data (Arts. 8, 35: leaking it is a disciplinary offence). The 12345
 * center's roles see a ticket's caller unmasked — the operator and dispatcher work the call, the
 * 回访 agent calls back, the admin oversees — and each such read is logged with its purpose. A unit
 * reaches the resident only through the contact route, for its own ticket. Everyone else (managers
 * above all) sees masked values.
 */
export const CENTER_ROLES: ReadonlySet<Role> = new Set(['operator', 'dispatcher', 'admin', 'callback_agent']);

/** Whether the role reads a ticket's caller unmasked in the center's ticket view. */
export function seesCallerUnmasked(role: Role): boolean {
  return CENTER_ROLES.has(role);
}

export const PURPOSE_HEADER = 'X-Access-Purpose';
export const MAX_PURPOSE_LENGTH = 200;

/**
 * Why personal data is read, from the X-Access-Purpose header: optional for the center's roles (the
 * route's default then), required for units. UTF-8 text, percent-encoded or raw, at most 200
 * characters, no control characters. Bad or missing: 400 naming the header.
 */
export function accessPurpose(
  role: Role,
  header: string | string[] | undefined,
  routeDefault: string,
): string {
  const raw = Array.isArray(header) ? header[0] : header;
  const purpose = raw === undefined ? '' : decodeHeader(raw).trim();
  if (purpose === '') {
    if (CENTER_ROLES.has(role)) return routeDefault;
    throw purposeError(
      'PRIVACY.PURPOSE_REQUIRED',
      'required',
      `say why the caller's contact is needed (${PURPOSE_HEADER}, at most ${MAX_PURPOSE_LENGTH} characters)`,
    );
  }
  if (/[\p{Cc}\uFFFD]/u.test(purpose)) {
    throw purposeError('PRIVACY.PURPOSE_INVALID', 'invalid_format', 'UTF-8 text without control characters');
  }
  if ([...purpose].length > MAX_PURPOSE_LENGTH) {
    throw purposeError('PRIVACY.PURPOSE_INVALID', 'too_big', `at most ${MAX_PURPOSE_LENGTH} characters`);
  }
  return purpose;
}

/**
 * Header values arrive as Latin-1: percent-encoded UTF-8 (encodeURIComponent) is decoded, and so are
 * raw UTF-8 bytes. What does not decode keeps a U+FFFD and is refused by the caller.
 */
function decodeHeader(value: string): string {
  if (/%[0-9A-Fa-f]{2}/.test(value)) {
    try {
      return decodeURIComponent(value);
    } catch {
      return '\uFFFD';
    }
  }
  return /[\u0080-\u00ff]/.test(value) ? Buffer.from(value, 'latin1').toString('utf8') : value;
}

function purposeError(code: string, fieldCode: string, message: string): ValidationError {
  return new ValidationError(
    [{ field: PURPOSE_HEADER, code: fieldCode, message }],
    `${PURPOSE_HEADER}: ${message}.`,
    code,
  );
}

/** What a unit may see of a ticket's caller. */
export type UnitContactDecision = 'disclose' | 'not-found' | 'confidential';

/**
 * A unit reaches the resident only for its own work: the ticket's lead unit (主办) in intake's
 * status read model, which knows no co-handlers by id — and the lead is the one that contacts the
 * resident (响应). Another unit's ticket is answered as if it did not exist; a confidential (保密)
 * ticket hides the caller from every unit: it reaches the resident through the hotline.
 */
export function unitContact(
  ticket: { leadUnitId: string | null; confidential: boolean },
  unitId: string | null,
): UnitContactDecision {
  if (unitId === null || ticket.leadUnitId !== unitId) return 'not-found';
  return ticket.confidential ? 'confidential' : 'disclose';
}
