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

/** One unit's new assignment, as dispatch events carry it. */
export const dispatchedAssignmentSchema = z.object({
  assignmentId: id,
  unitId: id,
  role: z.enum(ASSIGNMENT_ROLES),
  /** 紧急工单 — an urgent order dispatched outside office hours, flagged until signed. */
  emergency: z.boolean().default(false),
  /** The unit's on-duty person (值班) it was put in front of, when it was an 紧急工单. */
  onDutyStaffId: id.nullable().default(null),
});

/** 派单 — routing chose the units for a ticket. */
export const ticketDispatchedV1 = defineEvent({
  type: 'ticket.dispatched.v1',
  topic: TOPICS.ticket,
  description: 'Routing dispatched a ticket to a lead unit, co-handlers and copies.',
  schema: z.object({
    ticketId: id,
    assignments: z.array(dispatchedAssignmentSchema).min(1),
    rule: z.string().max(200),
    catalogVersion: z.string().max(64),
    /** 1 for the first dispatch; n + 1 when a reopened (重办) ticket starts cycle n + 1. */
    cycle: z.number().int().min(1).default(1),
    dispatchedAt: isoTime,
  }),
});

/**
 * DB11/T default time limits per urgency class, in minutes of clock time (24×7): dispatch, first
 * contact with the resident (响应) and reply (办结). Deadlines are data: sla's versioned policies
 * start from these; routing shows units the same nominal deadlines.
 */
export const DEFAULT_TIME_LIMITS: Readonly<
  Record<(typeof URGENCY_CLASSES)[number], { dispatch: number; response: number; reply: number }>
> = {
  urgent: { dispatch: 60, response: 120, reply: 120 },
  utilities: { dispatch: 120, response: 1440, reply: 1440 },
  general: { dispatch: 1440, response: 1440, reply: 7 * 1440 },
  complex: { dispatch: 1440, response: 1440, reply: 15 * 1440 },
};
