import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './event-definition';
import { locationSchema } from './ticket.events';

/** 吹哨 urgency: urgent matters must be reported to within 30 min, normal ones within 24 h [config]. */
export const WHISTLE_URGENCIES = ['urgent', 'normal'] as const;

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(100);

/** Where a summoned unit checked in (报到): coordinates and/or an address. */
export const checkInPlaceSchema = z.object({
  lng: z.number().min(-180).max(180).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
  address: z.string().max(500).nullable(),
});

/** 街道吹哨 — a street summoned departments to a problem it cannot solve alone. */
export const whistleBlownV1 = defineEvent({
  type: 'whistle.blown.v1',
  topic: TOPICS.whistle,
  description:
    'A street blew the whistle (吹哨) on a ticket or an issue, summoning departments with a check-in limit.',
  schema: z.object({
    whistleId: id,
    streetUnitId: id,
    /** The ticket it is about; null for a standalone issue. */
    ticketId: id.nullable(),
    urgency: z.enum(WHISTLE_URGENCIES),
    description: z.string().min(1).max(4000),
    location: locationSchema,
    summoned: z.array(z.object({ unitId: id, dueAt: isoTime })).min(1),
    staffId: id,
    blownAt: isoTime,
  }),
});

/** 部门报到 — a summoned unit checked in on site. `late` is judged against its limit (双考核). */
export const whistleCheckedInV1 = defineEvent({
  type: 'whistle.checked-in.v1',
  topic: TOPICS.whistle,
  description: 'A summoned unit checked in (报到) on site: time, place, and whether it was within its limit.',
  schema: z.object({
    whistleId: id,
    ticketId: id.nullable(),
    unitId: id,
    dueAt: isoTime,
    checkedInAt: isoTime,
    late: z.boolean(),
    place: checkInPlaceSchema,
    staffId: id,
  }),
});

/** The street closed the whistle with its outcome; units that never checked in are recorded as absent. */
export const whistleClosedV1 = defineEvent({
  type: 'whistle.closed.v1',
  topic: TOPICS.whistle,
  description: 'The street closed a whistle with its result; the dual-assessment (双考核) records are final.',
  schema: z.object({
    whistleId: id,
    ticketId: id.nullable(),
    streetUnitId: id,
    resolved: z.boolean(),
    summary: z.string().min(1).max(4000),
    absentUnitIds: z.array(id),
    staffId: id,
    closedAt: isoTime,
  }),
});
