import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The resident's rating link: one base64url token of the ticket id, the cycle and the expiry,
 * followed by an HMAC-SHA256 over them with the service's secret. The signature is the credential:
 * no session, no account. Binary and short on purpose: it is a path segment (the HTTP server
 * refuses path parameters over 100 characters) and is sent by SMS; a UUID ticket gives 52 characters.
 *
 * Layout: format (1 byte: 1 = the ticket id is a UUID in 16 bytes, 2 = UTF-8 with a length byte),
 * cycle (uint16), expiry (uint32, Unix seconds), the ticket id, then the first 16 bytes of the MAC.
 */
export interface RatingLinkClaims {
  ticketId: string;
  cycle: number;
  /** Whole seconds (the token keeps no milliseconds). */
  expiresAt: Date;
}

export type RatingLinkCheck =
  { ok: true; claims: RatingLinkClaims } | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

/** Domain tag inside the MAC, so a signature made with the same secret for anything else never fits. */
const PURPOSE = 'jsjb.rating-link.v1\n';
const MAC_BYTES = 16;
const HEADER_BYTES = 7;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_TOKEN_LENGTH = 400;

function mac(payload: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret).update(PURPOSE).update(payload).digest().subarray(0, MAC_BYTES);
}

function encodeTicketId(ticketId: string): Buffer {
  if (UUID.test(ticketId))
    return Buffer.concat([Buffer.of(1), Buffer.from(ticketId.replaceAll('-', ''), 'hex')]);
  const text = Buffer.from(ticketId, 'utf8');
  if (text.length === 0 || text.length > 255) throw new RangeError('a ticket id is 1–255 bytes');
  return Buffer.concat([Buffer.of(2, text.length), text]);
}

export function signRatingLink(claims: RatingLinkClaims, secret: string): string {
  if (!Number.isInteger(claims.cycle) || claims.cycle < 1 || claims.cycle > 0xffff) {
    throw new RangeError('a cycle is 1–65535');
  }
  const id = encodeTicketId(claims.ticketId);
  const header = Buffer.alloc(HEADER_BYTES - 1);
  header.writeUInt16BE(claims.cycle, 0);
  header.writeUInt32BE(Math.floor(claims.expiresAt.getTime() / 1000), 2);
  // format byte first, then cycle and expiry, then the id (whose own length byte, if any, follows the header)
  const payload = Buffer.concat([id.subarray(0, 1), header, id.subarray(1)]);
  return Buffer.concat([payload, mac(payload, secret)]).toString('base64url');
}

/** Checks the signature first (a changed expiry is a bad signature, not an expired link), then the expiry. */
export function verifyRatingLink(token: string, secret: string, now: Date): RatingLinkCheck {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    return { ok: false, reason: 'malformed' };
  }
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length < HEADER_BYTES + 1 + MAC_BYTES) return { ok: false, reason: 'malformed' };
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const given = bytes.subarray(bytes.length - MAC_BYTES);
  if (!timingSafeEqual(given, mac(payload, secret))) return { ok: false, reason: 'bad-signature' };
  const claims = parsePayload(payload);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function parsePayload(payload: Buffer): RatingLinkClaims | undefined {
  const format = payload.readUInt8(0);
  const cycle = payload.readUInt16BE(1);
  const expiresAt = new Date(payload.readUInt32BE(3) * 1000);
  const rest = payload.subarray(HEADER_BYTES);
  if (cycle < 1) return undefined;
  if (format === 1 && rest.length === 16) {
    const hex = rest.toString('hex');
    const ticketId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { ticketId, cycle, expiresAt };
  }
  if (format === 2 && rest.length >= 2 && rest.readUInt8(0) === rest.length - 1) {
    return { ticketId: rest.subarray(1).toString('utf8'), cycle, expiresAt };
  }
  return undefined;
}
