import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './event-definition';

/** Channels a 工单 arrives by. */
export const CHANNELS = ['hotline', 'app', 'web', 'mini-program', 'open311'] as const;
/** 咨询 consultation, 求助 help, 投诉 complaint, 举报 report, 建议 suggestion, 表扬 praise. */
export const REQUEST_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] as const;
/** 紧急 urgent, 水电气热 utilities, 一般 general, 复杂 complex — the DB11/T time-limit classes. */
export const URGENCY_CLASSES = ['urgent', 'utilities', 'general', 'complex'] as const;
/** 主办 lead, 协办 co-handler, 抄送 copy (a street's order copied to its district). */
export const ASSIGNMENT_ROLES = ['lead', 'co', 'copy'] as const;

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(100);

export const locationSchema = z.object({
  districtCode: z.string().max(32).nullable(),
  streetCode: z.string().max(32).nullable(),
  communityCode: z.string().max(32).nullable(),
  address: z.string().max(500).nullable(),
  /** WGS-84 longitude/latitude; null when the request has no coordinates. */
  lng: z.number().min(-180).max(180).nullable(),
  lat: z.number().min(-90).max(90).nullable(),
});

/** 受理 — a ticket was recorded and is to be dispatched. Carries no personal data of the caller. */
export const ticketReceivedV1 = defineEvent({
  type: 'ticket.received.v1',
  topic: TOPICS.ticket,
  description: 'A ticket (工单) was recorded at intake and sent on for dispatch.',
  schema: z.object({
    ticketId: id,
    number: z.string().regex(/^\d{14}$/),
    channel: z.enum(CHANNELS),
    requestType: z.enum(REQUEST_TYPES),
    categoryCode: z.string().max(64).nullable(),
    urgency: z.enum(URGENCY_CLASSES),
    content: z.string().min(1).max(4000),
    location: locationSchema,
    confidential: z.boolean(),
    receivedAt: isoTime,
  }),
});

/** 派单 — routing chose the units for a ticket. */
export const ticketDispatchedV1 = defineEvent({
  type: 'ticket.dispatched.v1',
  topic: TOPICS.ticket,
  description: 'Routing dispatched a ticket to a lead unit, co-handlers and copies.',
  schema: z.object({
    ticketId: id,
    assignments: z.array(z.object({ assignmentId: id, unitId: id, role: z.enum(ASSIGNMENT_ROLES) })).min(1),
    rule: z.string().max(200),
    catalogVersion: z.string().max(64),
    dispatchedAt: isoTime,
  }),
});
