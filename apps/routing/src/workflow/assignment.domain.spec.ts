import {
  ASSIGNMENT_ACTIONS,
  ASSIGNMENT_STATUSES,
  type AssignmentAction,
  type AssignmentState,
  type AssignmentStatus,
  nominalDueAt,
  subDeadlineIssue,
  transition,
} from './assignment.domain';

const now = new Date('2026-11-21T10:00:00+08:00');
const HOUR = 3_600_000;
const context = { now, disputeWindowMs: 24 * HOUR };

function state(overrides: Partial<AssignmentState> = {}): AssignmentState {
  return {
    role: 'lead',
    status: 'dispatched',
    dispatchedAt: new Date(now.getTime() - HOUR),
    disputedFrom: null,
    returnRejected: false,
    extensionPending: false,
    ...overrides,
  };
}

/** The outcome: the next status, or the refusal code without its `ASSIGNMENT.` prefix. */
function outcome(s: AssignmentState, action: AssignmentAction): string {
  const result = transition(s, action, context);
  return result.ok ? `→${result.status}` : result.code.replace('ASSIGNMENT.', '');
}

/**
 * The whole table, written out by hand: every role × status × action, with the other state
 * defaults (inside the 退单 window, no rejected return, no pending 延期; a disputed assignment was
 * signed before). Columns follow ASSIGNMENT_ACTIONS:
 * sign, return, approve-return, reject-return, contact, progress, delegate, request-extension,
 * decide-extension, report, reply.
 */
const CLOSED_LEAD = 'CLOSED CLOSED CLOSED CLOSED CLOSED CLOSED CLOSED CLOSED CLOSED CO_HANDLER_ONLY CLOSED';
const CLOSED_CO = 'CLOSED CLOSED CLOSED CLOSED CLOSED CLOSED CLOSED LEAD_ONLY LEAD_ONLY CLOSED LEAD_ONLY';
const COPY = Array(ASSIGNMENT_ACTIONS.length).fill('COPY_ONLY').join(' ');
const TABLE: Record<'lead' | 'co' | 'copy', Record<AssignmentStatus, string>> = {
  lead: {
    dispatched:
      '→signed →disputed NOT_DISPUTED NOT_DISPUTED NOT_SIGNED NOT_SIGNED NOT_SIGNED NOT_SIGNED NO_EXTENSION_PENDING CO_HANDLER_ONLY NOT_SIGNED',
    signed:
      'ALREADY_SIGNED →disputed NOT_DISPUTED NOT_DISPUTED →signed →signed →signed →signed NO_EXTENSION_PENDING CO_HANDLER_ONLY →replied',
    disputed:
      'DISPUTE_PENDING DISPUTE_PENDING →reassigned →signed DISPUTE_PENDING DISPUTE_PENDING DISPUTE_PENDING DISPUTE_PENDING NO_EXTENSION_PENDING CO_HANDLER_ONLY DISPUTE_PENDING',
    reassigned: CLOSED_LEAD,
    reported: CLOSED_LEAD,
    replied: CLOSED_LEAD,
    copied: COPY,
  },
  co: {
    dispatched:
      '→signed →disputed NOT_DISPUTED NOT_DISPUTED NOT_SIGNED NOT_SIGNED NOT_SIGNED LEAD_ONLY LEAD_ONLY NOT_SIGNED LEAD_ONLY',
    signed:
      'ALREADY_SIGNED →disputed NOT_DISPUTED NOT_DISPUTED →signed →signed →signed LEAD_ONLY LEAD_ONLY →reported LEAD_ONLY',
    disputed:
      'DISPUTE_PENDING DISPUTE_PENDING →reassigned →signed DISPUTE_PENDING DISPUTE_PENDING DISPUTE_PENDING LEAD_ONLY LEAD_ONLY DISPUTE_PENDING LEAD_ONLY',
    reassigned: CLOSED_CO,
    reported: CLOSED_CO,
    replied: CLOSED_CO,
    copied: COPY,
  },
  copy: Object.fromEntries(ASSIGNMENT_STATUSES.map((s) => [s, COPY])) as Record<AssignmentStatus, string>,
};

describe('assignment state machine', () => {
  describe.each(['lead', 'co', 'copy'] as const)('%s', (role) => {
    it.each(ASSIGNMENT_STATUSES)('from %s: every action allowed or refused as the table says', (status) => {
      const expected = TABLE[role][status].split(' ');
      expect(expected).toHaveLength(ASSIGNMENT_ACTIONS.length);
      const sut = state({ role, status, disputedFrom: status === 'disputed' ? 'signed' : null });
      const actual = ASSIGNMENT_ACTIONS.map((action) => outcome(sut, action));
      expect(Object.fromEntries(ASSIGNMENT_ACTIONS.map((a, i) => [a, actual[i]]))).toEqual(
        Object.fromEntries(ASSIGNMENT_ACTIONS.map((a, i) => [a, expected[i]])),
      );
    });
  });

  it('remembers where a return left: a rejected return of an unsigned order goes back to dispatched', () => {
    const returned = transition(state({ status: 'dispatched' }), 'return', context);
    expect(returned).toEqual({ ok: true, status: 'disputed', disputedFrom: 'dispatched' });
    const rejected = transition(
      state({ status: 'disputed', disputedFrom: 'dispatched' }),
      'reject-return',
      context,
    );
    expect(rejected).toEqual({ ok: true, status: 'dispatched', disputedFrom: null });
  });

  it('allows a return (退单) only within the window after dispatch, boundary included', () => {
    const at = (msAfterDispatch: number): string =>
      outcome(state({ dispatchedAt: new Date(now.getTime() - msAfterDispatch) }), 'return');
    expect(at(24 * HOUR)).toBe('→disputed');
    expect(at(24 * HOUR + 1)).toBe('DISPUTE_WINDOW_CLOSED');
    expect(
      outcome(state({ status: 'signed', dispatchedAt: new Date(now.getTime() - 25 * HOUR) }), 'return'),
    ).toBe('DISPUTE_WINDOW_CLOSED');
  });

  it('refuses a second return after one was reviewed and rejected', () => {
    expect(outcome(state({ status: 'signed', returnRejected: true }), 'return')).toBe(
      'RETURN_ALREADY_REVIEWED',
    );
  });

  it('allows one pending extension (延期) at a time, decided only while pending', () => {
    const pending = state({ status: 'signed', extensionPending: true });
    expect(outcome(pending, 'request-extension')).toBe('EXTENSION_PENDING');
    expect(outcome(pending, 'decide-extension')).toBe('→signed');
    expect(outcome({ ...pending, status: 'disputed', disputedFrom: 'signed' }, 'decide-extension')).toBe(
      '→disputed',
    );
    expect(outcome({ ...pending, status: 'replied' }, 'decide-extension')).toBe('CLOSED');
  });

  it('explains every refusal in words', () => {
    const result = transition(state({ status: 'dispatched' }), 'reply', context);
    expect(result).toMatchObject({
      ok: false,
      code: 'ASSIGNMENT.NOT_SIGNED',
      message: expect.stringContaining('签收'),
    });
  });
});

describe('deadlines', () => {
  const dispatchedAt = new Date('2026-11-21T10:00:00Z');
  const limits = { replyMinutes: 7 * 1440, coReportShare: 0.5 };

  it('gives the lead the reply limit, a co-handler its share of it, a copy none', () => {
    expect(nominalDueAt('lead', dispatchedAt, limits)?.toISOString()).toBe('2026-11-28T10:00:00.000Z');
    expect(nominalDueAt('co', dispatchedAt, limits)?.toISOString()).toBe('2026-11-24T22:00:00.000Z');
    expect(nominalDueAt('copy', dispatchedAt, limits)).toBeNull();
  });

  it('keeps a grid team’s sub-deadline (下派) inside the unit’s own', () => {
    const unitDue = new Date('2026-11-28T10:00:00Z');
    expect(subDeadlineIssue(new Date('2026-11-25T10:00:00Z'), unitDue, dispatchedAt)).toBeUndefined();
    expect(subDeadlineIssue(unitDue, unitDue, dispatchedAt)).toBeUndefined();
    expect(subDeadlineIssue(new Date(unitDue.getTime() + 1), unitDue, dispatchedAt)).toMatch(/not be later/);
    expect(subDeadlineIssue(dispatchedAt, unitDue, dispatchedAt)).toMatch(/future/);
  });
});
