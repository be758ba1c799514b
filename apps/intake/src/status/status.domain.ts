import {
  type CONTACT_METHODS,
  type CONTACT_RESULTS,
  DEFAULT_TIME_LIMITS,
  type EventPayload,
  type REPLY_RESULTS,
  type SATISFACTION_LEVELS,
  URGENCY_CLASSES,
} from '@jsjb/contracts';
import { CLOSED_STATUSES, TICKET_STATUSES, type TicketStatus, type Urgency } from '../tickets/ticket.domain';

/**
 * The resident's status read model (办理进度): what routing and sla report about a ticket, turned
 * into timeline entries a resident may see and into the ticket's status, lead unit and reply
 * deadline. Residents see unit names only — never staff ids, internal notes or copies (抄送).
 */

/** The downstream events the read model is built from. */
export const STATUS_EVENT_TYPES = [
  'ticket.dispatched.v1',
  'ticket.redispatched.v1',
  'assignment.signed.v1',
  'resident.contacted.v1',
  'extension.decided.v1',
  'ticket.replied.v1',
  'ticket.rated.v1',
  'ticket.reopened.v1',
] as const;
export type StatusEventType = (typeof STATUS_EVENT_TYPES)[number];

/** One downstream event, tagged with its type. */
export type StatusEvent = { [K in StatusEventType]: { type: K; data: EventPayload<K> } }[StatusEventType];

/** Timeline entries this read model writes (intake writes received, forwarded, answered… itself). */
export const STATUS_ENTRY_KINDS = [
  'dispatched',
  'redispatched',
  'signed',
  'contacted',
  'extended',
  'replied',
  'rated',
  'reopened',
] as const;
export type StatusEntryKind = (typeof STATUS_ENTRY_KINDS)[number];

/** The entries that carry the 办理 cycle they belong to: the ticket's cycle is the highest of them. */
export const CYCLE_ENTRY_KINDS = [
  'dispatched',
  'redispatched',
  'replied',
  'rated',
  'reopened',
] as const satisfies readonly StatusEntryKind[];

/** A unit as the resident sees it; copies (抄送) are not shown. */
export type ResidentUnit = {
  /** Null when the unit is not in the reference data (yet). */
  name: string | null;
  role: 'lead' | 'co';
};

type ContactMethod = (typeof CONTACT_METHODS)[number];
type ContactResult = (typeof CONTACT_RESULTS)[number];
type ReplyResult = (typeof REPLY_RESULTS)[number];
type Satisfaction = (typeof SATISFACTION_LEVELS)[number];

/** A timeline entry to write: `detail` is what the resident's view spreads next to kind and at. */
export type StatusEntry =
  | { kind: 'dispatched' | 'redispatched'; at: Date; detail: { units: ResidentUnit[]; cycle: number } }
  | { kind: 'signed'; at: Date; detail: { unitName: string | null } }
  | {
      kind: 'contacted';
      at: Date;
      detail: { unitName: string | null; method: ContactMethod; result: ContactResult };
    }
  | { kind: 'extended'; at: Date; detail: { unitName: string | null; dueAt: string } }
  | {
      kind: 'replied';
      at: Date;
      detail: {
        unitName: string | null;
        result: ReplyResult;
        content: string;
        attachments: string[];
        cycle: number;
      };
    }
  | {
      kind: 'rated';
      at: Date;
      detail: { satisfaction: Satisfaction | null; resolved: boolean | null; cycle: number };
    }
  | { kind: 'reopened'; at: Date; detail: { cycle: number } };

/** The ticket as the read model needs it, read (and locked) before each event. */
export interface TicketState {
  status: TicketStatus;
  urgency: Urgency;
  /** The highest 办理 cycle the timeline knows; 1 before any dispatch. */
  cycle: number;
  leadUnitId: string | null;
  replyDueAt: Date | null;
  closedAt: Date | null;
}

/** Fields of the ticket an event changes; absent = unchanged. */
export interface TicketChanges {
  status?: TicketStatus;
  leadUnitId?: string;
  replyDueAt?: Date | null;
  closedAt?: Date | null;
}

/** Events that are not for the resident: a co-handler's or copy's sign-in, a refused extension. */
export type SkipReason = 'not-the-lead' | 'extension-refused' | 'no-new-due-date';

export type Projection =
  { action: 'skip'; reason: SkipReason } | { action: 'record'; entry: StatusEntry; changes: TicketChanges };

/** A unit's name from the reference data, or null when it is unknown. */
export type UnitNames = (unitId: string) => string | null;

/**
 * How far along the resident's matter is within a cycle. Statuses closed at intake (直办, 分流, 并单)
 * are outside the downstream flow (null): no downstream event changes them.
 */
export function statusRank(status: TicketStatus): number | null {
  switch (status) {
    case 'pending':
      return 0;
    case 'forwarded':
      return 1;
    case 'dispatched':
      return 2;
    case 'in-progress':
      return 3;
    case 'replied':
      return 4;
    case 'rated':
      return 5;
    case 'answered':
    case 'diverted':
    case 'merged':
      return null;
  }
}

/**
 * True when (cycle, target) is further than where the ticket stands: a later cycle, or a higher rank
 * in the same one. Events replayed out of order never move a ticket backwards; a reopening (重办)
 * moves it on, since it starts a later cycle.
 */
export function isAhead(
  state: Pick<TicketState, 'status' | 'cycle'>,
  target: TicketStatus,
  cycle: number,
): boolean {
  const current = statusRank(state.status);
  const next = statusRank(target);
  if (current === null || next === null) return false;
  return cycle !== state.cycle ? cycle > state.cycle : next > current;
}

/** DB11/T's nominal reply deadline from a dispatch, by the ticket's urgency class. */
export function replyDeadline(urgency: Urgency, dispatchedAt: Date): Date {
  return new Date(dispatchedAt.getTime() + DEFAULT_TIME_LIMITS[urgency].reply * 60_000);
}

/** Ticket ids are UUIDs in intake; an event about any other id cannot be about one of its tickets. */
export function isIntakeTicketId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/** The ticket's stored status and urgency, checked: anything else is a defect, not an event to guess about. */
export function ticketState(stored: {
  status: string;
  urgency: string;
  cycle: number | null;
  leadUnitId: string | null;
  replyDueAt: Date | null;
  closedAt: Date | null;
}): TicketState {
  const status = TICKET_STATUSES.find((s) => s === stored.status);
  const urgency = URGENCY_CLASSES.find((u) => u === stored.urgency);
  if (!status) throw new RangeError(`unknown ticket status "${stored.status}"`);
  if (!urgency) throw new RangeError(`unknown urgency class "${stored.urgency}"`);
  return {
    status,
    urgency,
    cycle: Math.max(1, stored.cycle ?? 1),
    leadUnitId: stored.leadUnitId,
    replyDueAt: stored.replyDueAt,
    closedAt: stored.closedAt,
  };
}

/**
 * What one event adds to the resident's timeline and changes on the ticket.
 *
 * - The status only moves ahead (`isAhead`); closedAt follows it (set when it becomes replied or
 *   rated, cleared by a reopening).
 * - Events of an earlier cycle than the ticket's, and any event on a ticket closed at intake, are
 *   recorded in the timeline and change nothing else.
 * - Within a cycle the reply deadline only moves later (an approved 延期, a 改派 to a new lead), so a
 *   dispatch replayed after an extension cannot pull it back; a later cycle sets it afresh.
 * - The lead unit is set by the first dispatch of a cycle and replaced by a 改派 that replaced it.
 */
export function project(state: TicketState, event: StatusEvent, unitName: UnitNames): Projection {
  switch (event.type) {
    case 'ticket.dispatched.v1': {
      const { data } = event;
      const at = new Date(data.dispatchedAt);
      const lead = data.assignments.find((a) => a.role === 'lead');
      const changes = follows(state, data.cycle)
        ? {
            ...statusChange(state, 'dispatched', data.cycle, at),
            ...(lead && (data.cycle > state.cycle || state.leadUnitId === null)
              ? leadChange(state, lead.unitId)
              : {}),
            ...(lead ? dueChange(state, data.cycle, replyDeadline(state.urgency, at)) : {}),
          }
        : {};
      return record(
        {
          kind: 'dispatched',
          at,
          detail: { units: residentUnits(data.assignments, unitName), cycle: data.cycle },
        },
        changes,
      );
    }
    case 'ticket.redispatched.v1': {
      const { data } = event;
      const at = new Date(data.redispatchedAt);
      const lead = data.assignments.find((a) => a.role === 'lead');
      // A co-handler's 改派 leaves the lead (and its deadline) as it was.
      const replacesLead =
        state.leadUnitId === null || data.replaced.some((r) => r.unitId === state.leadUnitId);
      const changes = follows(state, data.cycle)
        ? {
            ...statusChange(state, 'dispatched', data.cycle, at),
            ...(lead && replacesLead
              ? {
                  ...leadChange(state, lead.unitId),
                  ...dueChange(state, data.cycle, replyDeadline(state.urgency, at)),
                }
              : {}),
          }
        : {};
      return record(
        {
          kind: 'redispatched',
          at,
          detail: { units: residentUnits(data.assignments, unitName), cycle: data.cycle },
        },
        changes,
      );
    }
    case 'assignment.signed.v1': {
      const { data } = event;
      // Co-handlers and copies sign in too; the resident follows the lead (主办), who answers to them.
      if (data.role !== 'lead') return { action: 'skip', reason: 'not-the-lead' };
      const at = new Date(data.signedAt);
      return record(
        { kind: 'signed', at, detail: { unitName: unitName(data.unitId) } },
        statusChange(state, 'in-progress', state.cycle, at),
      );
    }
    case 'resident.contacted.v1': {
      const { data } = event;
      // Every attempt is shown with its result: the resident knows whether a missed call was the unit.
      return record(
        {
          kind: 'contacted',
          at: new Date(data.contactedAt),
          detail: { unitName: unitName(data.unitId), method: data.method, result: data.result },
        },
        {},
      );
    }
    case 'extension.decided.v1': {
      const { data } = event;
      if (data.decision === 'refused') return { action: 'skip', reason: 'extension-refused' };
      if (data.newDueAt === null) return { action: 'skip', reason: 'no-new-due-date' };
      const dueAt = new Date(data.newDueAt);
      return record(
        {
          kind: 'extended',
          at: new Date(data.decidedAt),
          detail: { unitName: unitName(data.unitId), dueAt: dueAt.toISOString() },
        },
        inFlow(state) ? dueChange(state, state.cycle, dueAt) : {},
      );
    }
    case 'ticket.replied.v1': {
      const { data } = event;
      const at = new Date(data.repliedAt);
      return record(
        {
          kind: 'replied',
          at,
          detail: {
            unitName: unitName(data.unitId),
            result: data.result,
            content: data.content,
            attachments: [...data.attachments],
            cycle: data.cycle,
          },
        },
        follows(state, data.cycle) ? statusChange(state, 'replied', data.cycle, at) : {},
      );
    }
    case 'ticket.rated.v1': {
      const { data } = event;
      const at = new Date(data.ratedAt);
      return record(
        {
          kind: 'rated',
          at,
          detail: { satisfaction: data.satisfaction, resolved: data.resolved, cycle: data.cycle },
        },
        follows(state, data.cycle) ? statusChange(state, 'rated', data.cycle, at) : {},
      );
    }
    case 'ticket.reopened.v1': {
      const { data } = event;
      const at = new Date(data.reopenedAt);
      const changes = follows(state, data.cycle) ? statusChange(state, 'in-progress', data.cycle, at) : {};
      // The closed cycle's deadline is over; the new cycle's comes with its dispatch.
      const clearsDue = follows(state, data.cycle) && data.cycle > state.cycle && state.replyDueAt !== null;
      return record(
        { kind: 'reopened', at, detail: { cycle: data.cycle } },
        clearsDue ? { ...changes, replyDueAt: null } : changes,
      );
    }
  }
}

function record(entry: StatusEntry, changes: TicketChanges): Projection {
  return { action: 'record', entry, changes };
}

/** Downstream events change the ticket unless it was closed at intake. */
function inFlow(state: TicketState): boolean {
  return statusRank(state.status) !== null;
}

/** An event may change the ticket: it is in the flow and the event is not of an earlier cycle. */
function follows(state: TicketState, cycle: number): boolean {
  return inFlow(state) && cycle >= state.cycle;
}

function statusChange(state: TicketState, target: TicketStatus, cycle: number, at: Date): TicketChanges {
  if (!isAhead(state, target, cycle)) return {};
  const closedAt = CLOSED_STATUSES.has(target) ? (state.closedAt ?? at) : null;
  return { status: target, ...(sameTime(closedAt, state.closedAt) ? {} : { closedAt }) };
}

function leadChange(state: TicketState, unitId: string): TicketChanges {
  return unitId === state.leadUnitId ? {} : { leadUnitId: unitId };
}

function dueChange(state: TicketState, cycle: number, due: Date): TicketChanges {
  const current = state.replyDueAt;
  const next = cycle > state.cycle || current === null || due > current ? due : current;
  return sameTime(next, current) ? {} : { replyDueAt: next };
}

function residentUnits(
  assignments: readonly { unitId: string; role: 'lead' | 'co' | 'copy' }[],
  unitName: UnitNames,
): ResidentUnit[] {
  const units: ResidentUnit[] = [];
  for (const a of assignments) {
    switch (a.role) {
      case 'lead':
      case 'co':
        units.push({ name: unitName(a.unitId), role: a.role });
        break;
      case 'copy':
        break; // 抄送 is the district's oversight, not a unit handling the matter
    }
  }
  return units;
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
