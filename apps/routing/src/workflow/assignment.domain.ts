import type { AssignmentRole } from '../dispatch/dispatch.domain';

/**
 * The assignment state machine: one unit's part in one cycle of a ticket, from 派单 to 办结.
 *
 * ```
 *                 sign                    reply (lead) / report (co)
 *   dispatched ─────────▶ signed ───────────────────────────────▶ replied | reported
 *        │ return            │ return
 *        ▼                   ▼
 *     disputed ◀─────────────┘     reject → back to where it was (dispatched or signed)
 *        │ approve
 *        ▼
 *    reassigned (改派: a new assignment takes over)
 *
 *   copied (抄送) — informed only; no transitions.
 * ```
 * Contacts, progress notes, 延期 requests and 下派 to grid teams happen while `signed` and do not
 * change the status. Pure: the caller supplies the clock and the configured windows.
 */
export const ASSIGNMENT_STATUSES = [
  'dispatched',
  'signed',
  'disputed',
  'reassigned',
  'reported',
  'replied',
  'copied',
] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** Statuses in which an assignment's part is over. */
export const FINAL_STATUSES: ReadonlySet<AssignmentStatus> = new Set(['reassigned', 'reported', 'replied']);
/** Statuses that still need the unit's work (an inbox shows these by default). */
export const OPEN_STATUSES: readonly AssignmentStatus[] = ['dispatched', 'signed', 'disputed'];

export const ASSIGNMENT_ACTIONS = [
  'sign',
  'return',
  'approve-return',
  'reject-return',
  'contact',
  'progress',
  'delegate',
  'request-extension',
  'decide-extension',
  'report',
  'reply',
] as const;
export type AssignmentAction = (typeof ASSIGNMENT_ACTIONS)[number];

export interface AssignmentState {
  readonly role: AssignmentRole;
  readonly status: AssignmentStatus;
  /** When the ticket was dispatched to this unit: the 退单 window counts from here. */
  readonly dispatchedAt: Date;
  /** The status a pending 退单 left. */
  readonly disputedFrom: AssignmentStatus | null;
  /** A 退单 of this assignment was already reviewed and rejected: it cannot be returned again. */
  readonly returnRejected: boolean;
  /** A 延期 request waits for the center. */
  readonly extensionPending: boolean;
}

export interface TransitionContext {
  readonly now: Date;
  /** How long after dispatch a unit may still return an order (退单) [config, default 24 h]. */
  readonly disputeWindowMs: number;
}

export const WORKFLOW_ERROR_CODES = [
  'ASSIGNMENT.ALREADY_SIGNED',
  'ASSIGNMENT.NOT_SIGNED',
  'ASSIGNMENT.DISPUTE_PENDING',
  'ASSIGNMENT.NOT_DISPUTED',
  'ASSIGNMENT.DISPUTE_WINDOW_CLOSED',
  'ASSIGNMENT.RETURN_ALREADY_REVIEWED',
  'ASSIGNMENT.CLOSED',
  'ASSIGNMENT.COPY_ONLY',
  'ASSIGNMENT.LEAD_ONLY',
  'ASSIGNMENT.CO_HANDLER_ONLY',
  'ASSIGNMENT.EXTENSION_PENDING',
  'ASSIGNMENT.NO_EXTENSION_PENDING',
] as const;
export type WorkflowErrorCode = (typeof WORKFLOW_ERROR_CODES)[number];

export interface Refusal {
  readonly ok: false;
  readonly code: WorkflowErrorCode;
  readonly message: string;
}

export interface Transition {
  readonly ok: true;
  readonly status: AssignmentStatus;
  readonly disputedFrom: AssignmentStatus | null;
}

export type TransitionResult = Transition | Refusal;

const refuse = (code: WorkflowErrorCode, message: string): Refusal => ({ ok: false, code, message });

/** Who may take each action: 协办 report to the lead; only the lead asks for 延期 and replies. */
const ROLE_RULES: Readonly<Record<AssignmentAction, 'lead' | 'co' | 'handler'>> = {
  sign: 'handler',
  return: 'handler',
  'approve-return': 'handler',
  'reject-return': 'handler',
  contact: 'handler',
  progress: 'handler',
  delegate: 'handler',
  'request-extension': 'lead',
  'decide-extension': 'lead',
  report: 'co',
  reply: 'lead',
};

/** Applies `action` to `state`, or says why it is refused. Never throws. */
export function transition(
  state: AssignmentState,
  action: AssignmentAction,
  context: TransitionContext,
): TransitionResult {
  const stay = (): Transition => ({ ok: true, status: state.status, disputedFrom: state.disputedFrom });
  const move = (status: AssignmentStatus, disputedFrom: AssignmentStatus | null = null): Transition => ({
    ok: true,
    status,
    disputedFrom,
  });

  if (state.role === 'copy' || state.status === 'copied') {
    return refuse('ASSIGNMENT.COPY_ONLY', 'A copied (抄送) order is for information; it has no workflow.');
  }
  const roleRule = ROLE_RULES[action];
  if (roleRule === 'lead' && state.role !== 'lead') {
    return refuse('ASSIGNMENT.LEAD_ONLY', `Only the lead unit (主办) may ${action.replace('-', ' ')}.`);
  }
  if (roleRule === 'co' && state.role !== 'co') {
    return refuse('ASSIGNMENT.CO_HANDLER_ONLY', 'Only a co-handling unit (协办) reports to the lead.');
  }
  if (FINAL_STATUSES.has(state.status)) {
    return refuse('ASSIGNMENT.CLOSED', `The assignment is ${state.status}; nothing more can be done on it.`);
  }

  switch (action) {
    case 'sign':
      return state.status === 'dispatched' ? move('signed') : refuseInState(state);
    case 'return': {
      if (state.status === 'disputed') {
        return refuse('ASSIGNMENT.DISPUTE_PENDING', 'The assignment is already returned and under review.');
      }
      if (state.returnRejected) {
        return refuse(
          'ASSIGNMENT.RETURN_ALREADY_REVIEWED',
          'A return of this assignment was already reviewed and rejected.',
        );
      }
      const elapsed = context.now.getTime() - state.dispatchedAt.getTime();
      if (elapsed > context.disputeWindowMs) {
        const hours = Math.round(context.disputeWindowMs / 3_600_000);
        return refuse(
          'ASSIGNMENT.DISPUTE_WINDOW_CLOSED',
          `An order can be returned only within ${hours} h of dispatch.`,
        );
      }
      return move('disputed', state.status);
    }
    case 'approve-return':
      if (state.status !== 'disputed') return refuse('ASSIGNMENT.NOT_DISPUTED', 'No return awaits review.');
      return move('reassigned');
    case 'reject-return':
      if (state.status !== 'disputed' || state.disputedFrom === null) {
        return refuse('ASSIGNMENT.NOT_DISPUTED', 'No return awaits review.');
      }
      return move(state.disputedFrom);
    case 'contact':
    case 'progress':
    case 'delegate':
    case 'report':
    case 'reply':
      return state.status === 'signed'
        ? action === 'reply'
          ? move('replied')
          : action === 'report'
            ? move('reported')
            : stay()
        : refuseInState(state);
    case 'request-extension':
      if (state.status !== 'signed') return refuseInState(state);
      if (state.extensionPending) {
        return refuse('ASSIGNMENT.EXTENSION_PENDING', 'An extension request already waits for the center.');
      }
      return stay();
    case 'decide-extension':
      if (!state.extensionPending) {
        return refuse('ASSIGNMENT.NO_EXTENSION_PENDING', 'No extension request waits for a decision.');
      }
      return stay();
  }
}

/** The refusal for a working step in a state that does not allow it. */
function refuseInState(state: AssignmentState): Refusal {
  switch (state.status) {
    case 'dispatched':
      return refuse('ASSIGNMENT.NOT_SIGNED', 'Sign the assignment in (签收) first.');
    case 'disputed':
      return refuse('ASSIGNMENT.DISPUTE_PENDING', 'The assignment is returned and under review.');
    case 'signed':
      return refuse('ASSIGNMENT.ALREADY_SIGNED', 'The assignment is already signed in.');
    case 'reassigned':
    case 'reported':
    case 'replied':
      return refuse(
        'ASSIGNMENT.CLOSED',
        `The assignment is ${state.status}; nothing more can be done on it.`,
      );
    case 'copied':
      return refuse('ASSIGNMENT.COPY_ONLY', 'A copied (抄送) order is for information; it has no workflow.');
  }
}

/** 下派 — a grid team's part: 'assigned' until the team reports its on-site result or the unit withdraws it. */
export const SUB_ASSIGNMENT_STATUSES = ['assigned', 'done', 'withdrawn'] as const;
export type SubAssignmentStatus = (typeof SUB_ASSIGNMENT_STATUSES)[number];

/**
 * The internal deadline of a 下派 must fall inside the unit's own: after now and no later than the
 * assignment's deadline.
 */
export function subDeadlineIssue(dueAt: Date, unitDueAt: Date | null, now: Date): string | undefined {
  if (dueAt.getTime() <= now.getTime()) return 'must be in the future';
  if (unitDueAt !== null && dueAt.getTime() > unitDueAt.getTime()) {
    return `must not be later than the unit's own deadline ${unitDueAt.toISOString()}`;
  }
  return undefined;
}

export interface DeadlineLimits {
  /** Minutes from dispatch to the lead's reply (办结). */
  readonly replyMinutes: number;
  /** Share of the reply limit within which a co-handler reports to the lead [config, default 0.5]. */
  readonly coReportShare: number;
}

/**
 * The nominal deadline routing shows a unit: the lead's reply deadline or a co-handler's report
 * deadline from the dispatch time (clock time; sla's policies and calendars are the authority for
 * assessment). Copies have none.
 */
export function nominalDueAt(role: AssignmentRole, dispatchedAt: Date, limits: DeadlineLimits): Date | null {
  switch (role) {
    case 'lead':
      return new Date(dispatchedAt.getTime() + limits.replyMinutes * 60_000);
    case 'co':
      return new Date(
        dispatchedAt.getTime() + Math.round(limits.replyMinutes * limits.coReportShare) * 60_000,
      );
    case 'copy':
      return null;
  }
}
