import type { CHANNELS, DIVERSION_REASONS, REQUEST_TYPES, URGENCY_CLASSES } from '@jsjb/contracts';

export type Channel = (typeof CHANNELS)[number];
export type RequestType = (typeof REQUEST_TYPES)[number];
export type Urgency = (typeof URGENCY_CLASSES)[number];
export type DiversionReason = (typeof DIVERSION_REASONS)[number];

/**
 * A ticket's status as intake shows it.
 * - pending (待处理): recorded, no triage outcome yet;
 * - forwarded (转办): sent on for dispatch (`ticket.received`);
 * - dispatched (已派单): routing named the units; in-progress once the lead signed (已签收);
 * - replied (已办结): the lead replied; rated once the callback recorded the answers;
 * - answered (直办), diverted (分流), merged (并单): closed at intake.
 */
export const TICKET_STATUSES = [
  'pending',
  'forwarded',
  'dispatched',
  'in-progress',
  'replied',
  'rated',
  'answered',
  'diverted',
  'merged',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses in which the resident's matter is finished (Open311 `closed`). */
export const CLOSED_STATUSES: ReadonlySet<TicketStatus> = new Set([
  'replied',
  'rated',
  'answered',
  'diverted',
  'merged',
]);

/** Coordinate reference systems a location may come in: most Chinese map apps give GCJ-02, Baidu BD-09. */
export const CRS_CODES = ['WGS84', 'GCJ02', 'BD09'] as const;
export type Crs = (typeof CRS_CODES)[number];

/** Building a formatter costs ~60 µs; one per zone is kept. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** `yyyymmdd` of `at` in the city's time zone: the day part of the ticket number. */
export function localDay(at: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}${part('month')}${part('day')}`;
}

/** Ticket numbers hold 6 digits of daily sequence: a million tickets a day, 14 times Beijing's. */
export const MAX_DAILY_SEQUENCE = 999_999;

/** 工单编号 — the day and that day's sequence, e.g. `20261121000123`. */
export function ticketNumber(day: string, sequence: number): string {
  if (!/^\d{8}$/.test(day)) throw new RangeError(`day must be yyyymmdd, got ${day}`);
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > MAX_DAILY_SEQUENCE) {
    throw new RangeError(`daily sequence out of range: ${sequence}`);
  }
  return `${day}${String(sequence).padStart(6, '0')}`;
}

/**
 * A mainland phone number in its canonical form, or null when it is not one: a mobile number
 * (11 digits, 13x–19x, an optional +86/86 prefix) or a landline (area code 0xx/0xxx, 7–8 digit
 * subscriber number, optional extension), separators removed. Service numbers such as 12345 or
 * 95598 are not callers' numbers.
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.trim().replace(/[\s\-()（）]/g, '');
  const mobile = /^(?:\+?86)?(1[3-9]\d{9})$/.exec(compact);
  if (mobile?.[1]) return mobile[1];
  const landline = /^(?:\+?86)?(0[1-9]\d{8,10})(?:(?:转|ext\.?|#)(\d{1,6}))?$/i.exec(compact);
  if (landline?.[1]) {
    // 010 (Beijing) and 020–029 are three-digit area codes with 8-digit numbers; the others are
    // four digits (0xxx) with 7- or 8-digit numbers.
    const digits = landline[1];
    const areaLength = /^0(10|2\d)/.test(digits) ? 3 : 4;
    const area = digits.slice(0, areaLength);
    const number = digits.slice(areaLength);
    const valid = areaLength === 3 ? number.length === 8 : number.length === 7 || number.length === 8;
    if (!valid || number.startsWith('0') || number.startsWith('1')) return null;
    return `${area}-${number}${landline[2] ? `-${landline[2]}` : ''}`;
  }
  return null;
}

/** The phone as a unit or a report may show it: 138****5678, 010-****5678. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/-\d{1,6}$/, '');
  if (/^1\d{10}$/.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  const [area, number = ''] = digits.split('-');
  return `${area}-${'*'.repeat(Math.max(0, number.length - 4))}${number.slice(-4)}`;
}

/** A name as shown to those who must not see it: 张** . */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

const A = 6378245.0; // Krasovsky 1940 semi-major axis, as GCJ-02 uses
const EE = 0.006693421622965943;

function outOfChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS-84 → GCJ-02 (the published forward transform; GCJ-02 equals WGS-84 outside China). */
export function wgs84ToGcj02(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat];
  const dLat0 = transformLat(lng - 105, lat - 35);
  const dLng0 = transformLng(lng - 105, lat - 35);
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (dLat0 * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (dLng0 * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

/**
 * GCJ-02 → WGS-84. The forward transform has no closed inverse: iterate until the forward image
 * of the estimate is within ~1 mm of the input (a handful of steps).
 */
export function gcj02ToWgs84(lng: number, lat: number): [number, number] {
  if (outOfChina(lng, lat)) return [lng, lat];
  let [x, y] = [lng, lat];
  for (let i = 0; i < 30; i++) {
    const [fx, fy] = wgs84ToGcj02(x, y);
    const dx = fx - lng;
    const dy = fy - lat;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) < 1e-8 && Math.abs(dy) < 1e-8) break;
  }
  return [x, y];
}

const X_PI = (Math.PI * 3000) / 180;

/** BD-09 (Baidu) → GCJ-02. */
export function bd09ToGcj02(lng: number, lat: number): [number, number] {
  const x = lng - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** Coordinates given in `crs`, as WGS-84 (what the ticket stores and routing locates with). */
export function toWgs84(crs: Crs, lng: number, lat: number): [number, number] {
  switch (crs) {
    case 'WGS84':
      return [lng, lat];
    case 'GCJ02':
      return gcj02ToWgs84(lng, lat);
    case 'BD09': {
      const [gLng, gLat] = bd09ToGcj02(lng, lat);
      return gcj02ToWgs84(gLng, gLat);
    }
  }
}

/** Great-circle distance in metres. */
export function distanceMetres(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** A triage outcome (Art. 11) is taken once, on a pending ticket. */
export function canTriage(status: TicketStatus): boolean {
  return status === 'pending';
}
