import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './event-definition';
import { CHANNELS, REQUEST_TYPES, URGENCY_CLASSES } from './ticket.events';

/**
 * The outcomes at intake other than dispatch (Art. 11): answered on the spot (直办), diverted to the
 * right channel, or merged into an earlier ticket (并单). Each closes the ticket at intake. None
 * carries the caller's personal data.
 */

/**
 * Diversion (分流) grounds: an emergency transferred to 110 (police), 119 (fire), 120 (ambulance) or
 * 122 (traffic accidents); a matter with its own legal channel (litigation, arbitration, discipline
 * inspection, administrative review, 信访); outside government duty; a repeat with no new facts;
 * an unlawful demand the operator talked the caller out of.
 */
export const DIVERSION_REASONS = [
  'emergency-110',
  'emergency-119',
  'emergency-120',
  'emergency-122',
  'other-legal-channel',
  'out-of-scope',
  'repeat-no-new-facts',
  'unlawful-demand',
] as const;
/** Why intake took a ticket for a duplicate: the same caller, or the same place and category. */
export const DUPLICATE_REASONS = ['same-caller', 'same-place'] as const;
/** 回访 satisfaction: 满意, 基本满意, 不满意. */
export const SATISFACTION_LEVELS = ['satisfied', 'basically-satisfied', 'unsatisfied'] as const;

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(100);
const ticketNumber = z.string().regex(/^\d{14}$/);

const closedAtIntake = {
  ticketId: id,
  number: ticketNumber,
  channel: z.enum(CHANNELS),
  requestType: z.enum(REQUEST_TYPES),
  categoryCode: z.string().max(64).nullable(),
  urgency: z.enum(URGENCY_CLASSES),
  districtCode: z.string().max(32).nullable(),
  receivedAt: isoTime,
  /** The operator who closed it; null when intake closed it itself (an automatic merge). */
  operatorId: id.nullable(),
};

/** 直办 — the operator answered the request on the spot. */
export const ticketClosedDirectlyV1 = defineEvent({
  type: 'ticket.closed-directly.v1',
  topic: TOPICS.ticket,
  description: 'A ticket was answered directly by the hotline operator (直办) and closed at intake.',
  schema: z.object({ ...closedAtIntake, reply: z.string().min(1).max(4000), closedAt: isoTime }),
});

/** 分流 — the request was sent to the channel that handles it, and closed here. */
export const ticketDivertedV1 = defineEvent({
  type: 'ticket.diverted.v1',
  topic: TOPICS.ticket,
  description:
    'A ticket was diverted at intake (emergency transfer, other legal channel, out of scope, repeat) and closed.',
  schema: z.object({
    ...closedAtIntake,
    reason: z.enum(DIVERSION_REASONS),
    note: z.string().max(4000),
    closedAt: isoTime,
  }),
});

/** 并单 — a duplicate was linked to its master ticket; it is excluded from assessment. */
export const ticketMergedV1 = defineEvent({
  type: 'ticket.merged.v1',
  topic: TOPICS.ticket,
  description: 'A duplicate ticket was merged (并单) into an earlier master ticket and closed.',
  schema: z.object({
    ...closedAtIntake,
    masterTicketId: id,
    masterNumber: ticketNumber,
    reason: z.enum(DUPLICATE_REASONS),
    /** Text similarity with the master, 0–1. */
    similarity: z.number().min(0).max(1),
    /** True when intake merged it by configuration, false when an operator confirmed a suggestion. */
    automatic: z.boolean(),
    mergedAt: isoTime,
  }),
});

/**
 * 回访 — the callback's answers for one cycle of a ticket (sla records them): was the resident
 * contacted, is it resolved, how satisfied. Raw answers, so scores can be recomputed.
 */
export const ticketRatedV1 = defineEvent({
  type: 'ticket.rated.v1',
  topic: TOPICS.ticket,
  description: 'The callback (回访) recorded the resident’s answers for a cycle of the ticket.',
  schema: z.object({
    ticketId: id,
    cycle: z.number().int().min(1),
    contacted: z.boolean(),
    resolved: z.boolean().nullable(),
    satisfaction: z.enum(SATISFACTION_LEVELS).nullable(),
    ratedAt: isoTime,
  }),
});
