import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './event-definition';
import { ASSIGNMENT_ROLES, dispatchedAssignmentSchema } from './ticket.events';

/**
 * The handling units' work on a ticket, from 签收 to 办结, and the center's decisions on it. All on
 * the ticket stream, keyed by ticket id, so a ticket's events stay in order.
 */

/** 退单 grounds: not our duty, not our area, the category is wrong, a duplicate, other. */
export const DISPUTE_REASONS = [
  'not-our-duty',
  'not-our-area',
  'wrong-category',
  'duplicate',
  'other',
] as const;
/** 异议审核 outcome: approved → 改派 to the corrected unit; rejected → the order stays with the unit. */
export const DISPUTE_DECISIONS = ['approved', 'rejected'] as const;
/** How a unit reached the resident (响应). */
export const CONTACT_METHODS = ['phone', 'sms', 'visit', 'app', 'other'] as const;
/** Whether the contact attempt reached the resident. */
export const CONTACT_RESULTS = ['reached', 'no-answer', 'refused', 'wrong-number'] as const;
/** 办结 result: resolved, explained (解释说明), cannot be resolved (e.g. no legal basis). */
export const REPLY_RESULTS = ['resolved', 'explained', 'cannot-resolve'] as const;
export const EXTENSION_DECISIONS = ['approved', 'refused'] as const;
/** Why a ticket was sent (again) to units. */
export const REDISPATCH_REASONS = ['dispute-approved', 'dispatcher-correction'] as const;

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(100);
const text = z.string().min(1).max(4000);
const assignmentRef = { ticketId: id, assignmentId: id, unitId: id };

/** 签收 — a unit accepted its assignment. */
export const assignmentSignedV1 = defineEvent({
  type: 'assignment.signed.v1',
  topic: TOPICS.ticket,
  description: 'A unit signed in (签收) its assignment on a ticket.',
  schema: z.object({ ...assignmentRef, role: z.enum(ASSIGNMENT_ROLES), staffId: id, signedAt: isoTime }),
});

/** 退单 — a unit objected to its assignment; the center reviews. */
export const assignmentReturnedV1 = defineEvent({
  type: 'assignment.returned.v1',
  topic: TOPICS.ticket,
  description: 'A unit returned (退单) its assignment with a reason; the dispatchers review the dispute.',
  schema: z.object({
    ...assignmentRef,
    disputeId: id,
    reason: z.enum(DISPUTE_REASONS),
    note: text,
    suggestedUnitId: id.nullable(),
    staffId: id,
    returnedAt: isoTime,
  }),
});

/** 异议审核 — the center decided a dispute. An approved return is excluded from the unit's assessment. */
export const disputeDecidedV1 = defineEvent({
  type: 'dispute.decided.v1',
  topic: TOPICS.ticket,
  description: 'A dispatcher approved (改派 follows) or rejected a unit’s return.',
  schema: z.object({
    ...assignmentRef,
    disputeId: id,
    decision: z.enum(DISPUTE_DECISIONS),
    correctedUnitId: id.nullable(),
    note: z.string().max(4000),
    decidedBy: id,
    decidedAt: isoTime,
  }),
});

/** 改派 — a ticket went to another unit, replacing an assignment. */
export const ticketRedispatchedV1 = defineEvent({
  type: 'ticket.redispatched.v1',
  topic: TOPICS.ticket,
  description: 'A ticket was dispatched again: one assignment ended and new ones started.',
  schema: z.object({
    ticketId: id,
    reason: z.enum(REDISPATCH_REASONS),
    /** The assignments that ended (the returned one, or all of a corrected dispatch). */
    replaced: z.array(z.object({ assignmentId: id, unitId: id })).min(1),
    assignments: z.array(dispatchedAssignmentSchema).min(1),
    rule: z.string().max(200),
    catalogVersion: z.string().max(64),
    cycle: z.number().int().min(1),
    redispatchedAt: isoTime,
  }),
});

/** 响应 — a unit logged a contact with the resident. */
export const residentContactedV1 = defineEvent({
  type: 'resident.contacted.v1',
  topic: TOPICS.ticket,
  description: 'A unit logged a contact (响应) with the resident: when, how and with what result.',
  schema: z.object({
    ...assignmentRef,
    method: z.enum(CONTACT_METHODS),
    result: z.enum(CONTACT_RESULTS),
    note: z.string().max(4000),
    contactedAt: isoTime,
    /** True for the assignment's first contact that reached the resident. */
    firstReached: z.boolean(),
    staffId: id,
  }),
});

/** 办理 — a progress note. */
export const ticketProgressedV1 = defineEvent({
  type: 'ticket.progressed.v1',
  topic: TOPICS.ticket,
  description: 'A unit recorded progress on a ticket (a note, or a co-handler’s report to the lead).',
  schema: z.object({
    ...assignmentRef,
    kind: z.enum(['note', 'co-report', 'on-site']),
    note: text,
    staffId: id,
    at: isoTime,
  }),
});

/** 延期 — the lead asked the center for more time; it must be explained to the resident (Art. 15). */
export const extensionRequestedV1 = defineEvent({
  type: 'extension.requested.v1',
  topic: TOPICS.ticket,
  description: 'A lead unit asked for a later reply deadline, with a reason explained to the resident.',
  schema: z.object({
    ...assignmentRef,
    extensionId: id,
    reason: text,
    requestedDueAt: isoTime,
    staffId: id,
    requestedAt: isoTime,
  }),
});

/** The center approved or refused an extension; an approval moves the reply deadline. */
export const extensionDecidedV1 = defineEvent({
  type: 'extension.decided.v1',
  topic: TOPICS.ticket,
  description: 'The center approved (new reply deadline) or refused an extension request.',
  schema: z.object({
    ...assignmentRef,
    extensionId: id,
    decision: z.enum(EXTENSION_DECISIONS),
    /** The approved deadline; null when refused. */
    newDueAt: isoTime.nullable(),
    note: z.string().max(4000),
    decidedBy: id,
    decidedAt: isoTime,
  }),
});

/** 办结 — the lead unit replied to the resident and the center. */
export const ticketRepliedV1 = defineEvent({
  type: 'ticket.replied.v1',
  topic: TOPICS.ticket,
  description:
    'The lead unit replied (办结): text, result and attachments; the callback follows at the deadline.',
  schema: z.object({
    ...assignmentRef,
    result: z.enum(REPLY_RESULTS),
    content: text,
    attachments: z.array(z.url()).max(20),
    cycle: z.number().int().min(1),
    staffId: id,
    repliedAt: isoTime,
  }),
});

/** 重办 — a callback found the result unresolved and unsatisfactory: a new cycle for the same lead unit. */
export const ticketReopenedV1 = defineEvent({
  type: 'ticket.reopened.v1',
  topic: TOPICS.ticket,
  description:
    'A ticket was reopened (重办) after its callback; routing opens a new cycle for the same lead unit.',
  schema: z.object({
    ticketId: id,
    /** The cycle that opens, 2 for the first reopening. */
    cycle: z.number().int().min(2),
    reason: z.string().max(4000),
    reopenedAt: isoTime,
  }),
});
