import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './event-definition';

/**
 * Deadlines as sla tracks them. Every clock runs on a schedule (24×7 or working days) from a
 * versioned policy; at its warning thresholds sla sends 催办 (`sla.warned`), at its due time 督办
 * (`sla.breached`). Both go on the ticket stream keyed by ticket id (by whistle id for a whistle
 * raised on no ticket), so a ticket's deadline events stay in order with its lifecycle.
 */

/**
 * resident: receipt → the resident's reply, never reset; dispatch: receipt → dispatch; sign-in,
 * response (first contact that reached the resident), reply: per unit from dispatch; callback: reply
 * deadline → 回访 recorded; whistle-check-in: 吹哨 → 报到 per summoned unit; progress-report: a
 * 重大 (major) matter's periodic report.
 */
export const CLOCK_KINDS = [
  'resident',
  'dispatch',
  'sign-in',
  'response',
  'reply',
  'callback',
  'whistle-check-in',
  'progress-report',
] as const;

const isoTime = z.iso.datetime({ offset: true });
const id = z.string().min(1).max(100);
const code = z.string().min(1).max(64);

/** Who a 催办/督办 goes to: the unit on the clock, its head unit (a district government) and its district. */
export const escalationSchema = z.object({
  /** Null for the center's own clocks (dispatch, resident, callback). */
  unitId: id.nullable(),
  headUnitId: id.nullable(),
  districtCode: code.nullable(),
});

const clockRef = {
  clockId: id,
  kind: z.enum(CLOCK_KINDS),
  /** The ticket; null for a whistle blown on no ticket. */
  ticketId: id.nullable(),
  whistleId: id.nullable(),
  assignmentId: id.nullable(),
  cycle: z.number().int().min(1),
  startedAt: isoTime,
  dueAt: isoTime,
  /** The policy version and the rule in it that set the target. */
  policyVersion: z.string().min(1).max(64),
  ruleId: z.string().min(1).max(100),
  escalation: escalationSchema,
};

/** 催办 — a clock passed a warning threshold (by default 50 % and 75 % of its target) unstopped. */
export const slaWarnedV1 = defineEvent({
  type: 'sla.warned.v1',
  topic: TOPICS.ticket,
  description: 'A deadline clock passed a warning threshold (催办): the unit and its head unit are reminded.',
  schema: z.object({
    ...clockRef,
    /** The share of the target reached, e.g. 0.5 or 0.75. */
    threshold: z.number().gt(0).lt(1),
    warnedAt: isoTime,
  }),
});

/** 督办 — a clock reached its due time unstopped. */
export const slaBreachedV1 = defineEvent({
  type: 'sla.breached.v1',
  topic: TOPICS.ticket,
  description: 'A deadline clock reached its due time unstopped (督办): escalated to the head unit/district.',
  schema: z.object({ ...clockRef, breachedAt: isoTime }),
});
