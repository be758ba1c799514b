import {
  assignmentSignedV1,
  extensionDecidedV1,
  residentContactedV1,
  ticketDispatchedV1,
  ticketRatedV1,
  ticketRedispatchedV1,
  ticketRepliedV1,
  ticketReopenedV1,
} from '@jsjb/contracts';
import { TICKET_STATUSES, type TicketStatus } from '../tickets/ticket.domain';
import {
  CYCLE_ENTRY_KINDS,
  isAhead,
  isIntakeTicketId,
  project,
  type Projection,
  replyDeadline,
  STATUS_EVENT_TYPES,
  type StatusEvent,
  type StatusEventType,
  statusRank,
  type TicketState,
  ticketState,
  type UnitNames,
} from './status.domain';

const TICKET = '7b0c1c4e-3f0a-4d8e-9a51-2f6f1e0c9a11';
const LEAD = 'street-110101001';
const CO = 'dept-110101-housing';
const COPY = 'gov-110101';
const OTHER_LEAD = 'street-110101002';
const STAFF = 'staff-zhang-san';
const DISPATCHER = 'dispatcher-li-si';
const NAMES: Record<string, string> = {
  [LEAD]: '东华门街道办事处',
  [CO]: '东城区住房和城乡建设委员会',
  [COPY]: '东城区人民政府',
  [OTHER_LEAD]: '景山街道办事处',
};
const names: UnitNames = (id) => NAMES[id] ?? null;

const T0 = new Date('2026-11-21T10:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(T0.getTime() + ms);
const iso = (ms: number) => at(ms).toISOString();

function state(overrides: Partial<TicketState> = {}): TicketState {
  return {
    status: 'forwarded',
    urgency: 'general',
    cycle: 1,
    leadUnitId: null,
    replyDueAt: null,
    closedAt: null,
    ...overrides,
  };
}

// Events built through the contracts' schemas, as the consumer receives them (defaults applied).
const assignment = (unitId: string, role: 'lead' | 'co' | 'copy', n: number) => ({
  assignmentId: `A-${n}`,
  unitId,
  role,
  emergency: true,
  onDutyStaffId: `${STAFF}-on-duty`,
});
const dispatched = (o: { cycle?: number; atMs?: number; units?: [string, 'lead' | 'co' | 'copy'][] } = {}) =>
  ({
    type: 'ticket.dispatched.v1',
    data: ticketDispatchedV1.schema.parse({
      ticketId: TICKET,
      assignments: (
        o.units ?? [
          [LEAD, 'lead'],
          [CO, 'co'],
          [COPY, 'copy'],
        ]
      ).map(([unitId, role], i) => assignment(unitId, role, i)),
      rule: 'territorial:street',
      catalogVersion: '2026.1',
      cycle: o.cycle ?? 1,
      dispatchedAt: iso(o.atMs ?? 0),
    }),
  }) satisfies StatusEvent;
const redispatched = (
  o: { cycle?: number; atMs?: number; replaced?: string; units?: [string, 'lead' | 'co' | 'copy'][] } = {},
) =>
  ({
    type: 'ticket.redispatched.v1',
    data: ticketRedispatchedV1.schema.parse({
      ticketId: TICKET,
      reason: 'dispute-approved',
      replaced: [{ assignmentId: 'A-0', unitId: o.replaced ?? LEAD }],
      assignments: (o.units ?? [[OTHER_LEAD, 'lead']]).map(([unitId, role], i) =>
        assignment(unitId, role, 10 + i),
      ),
      rule: 'dispute:D-1',
      catalogVersion: '2026.1',
      cycle: o.cycle ?? 1,
      redispatchedAt: iso(o.atMs ?? 2 * HOUR),
    }),
  }) satisfies StatusEvent;
const signed = (role: 'lead' | 'co' | 'copy' = 'lead', unitId = LEAD, atMs = HOUR) =>
  ({
    type: 'assignment.signed.v1',
    data: assignmentSignedV1.schema.parse({
      ticketId: TICKET,
      assignmentId: 'A-0',
      unitId,
      role,
      staffId: STAFF,
      signedAt: iso(atMs),
    }),
  }) satisfies StatusEvent;
const contacted = (result: 'reached' | 'no-answer' = 'reached', unitId = LEAD) =>
  ({
    type: 'resident.contacted.v1',
    data: residentContactedV1.schema.parse({
      ticketId: TICKET,
      assignmentId: 'A-0',
      unitId,
      method: 'phone',
      result,
      note: '内部备注：居民情绪激动',
      contactedAt: iso(3 * HOUR),
      firstReached: result === 'reached',
      staffId: STAFF,
    }),
  }) satisfies StatusEvent;
const extension = (decision: 'approved' | 'refused', newDueMs: number | null = 10 * DAY) =>
  ({
    type: 'extension.decided.v1',
    data: extensionDecidedV1.schema.parse({
      ticketId: TICKET,
      assignmentId: 'A-0',
      unitId: LEAD,
      extensionId: 'E-1',
      decision,
      newDueAt: newDueMs === null ? null : iso(newDueMs),
      note: '内部审批意见',
      decidedBy: DISPATCHER,
      decidedAt: iso(DAY),
    }),
  }) satisfies StatusEvent;
const replied = (cycle = 1, atMs = 2 * DAY) =>
  ({
    type: 'ticket.replied.v1',
    data: ticketRepliedV1.schema.parse({
      ticketId: TICKET,
      assignmentId: 'A-0',
      unitId: LEAD,
      result: 'resolved',
      content: '已协调施工单位停止夜间施工。',
      attachments: ['https://files.example.cn/reply/1.jpg'],
      cycle,
      staffId: STAFF,
      repliedAt: iso(atMs),
    }),
  }) satisfies StatusEvent;
const rated = (cycle = 1, atMs = 7 * DAY) =>
  ({
    type: 'ticket.rated.v1',
    data: ticketRatedV1.schema.parse({
      ticketId: TICKET,
      cycle,
      contacted: true,
      resolved: false,
      satisfaction: 'unsatisfied',
      ratedAt: iso(atMs),
    }),
  }) satisfies StatusEvent;
const reopened = (cycle = 2, atMs = 7 * DAY + HOUR) =>
  ({
    type: 'ticket.reopened.v1',
    data: ticketReopenedV1.schema.parse({
      ticketId: TICKET,
      cycle,
      reason: '回访不满意且未解决',
      reopenedAt: iso(atMs),
    }),
  }) satisfies StatusEvent;

/** One event of each type, in the order a ticket's life produces them. */
const ONE_OF_EACH: Record<StatusEventType, StatusEvent> = {
  'ticket.dispatched.v1': dispatched(),
  'ticket.redispatched.v1': redispatched(),
  'assignment.signed.v1': signed(),
  'resident.contacted.v1': contacted(),
  'extension.decided.v1': extension('approved'),
  'ticket.replied.v1': replied(),
  'ticket.rated.v1': rated(),
  'ticket.reopened.v1': reopened(),
};

function recorded(p: Projection) {
  if (p.action !== 'record') throw new Error(`expected an entry, got skip (${p.reason})`);
  return p;
}

/** The ticket after a projection, as the repository leaves it (the cycle read back from the timeline). */
function fold(s: TicketState, event: StatusEvent): TicketState {
  const p = project(s, event, names);
  if (p.action === 'skip') return s;
  const cycle = (CYCLE_ENTRY_KINDS as readonly string[]).includes(p.entry.kind)
    ? (p.entry.detail as { cycle: number }).cycle
    : 0;
  return { ...s, ...p.changes, cycle: Math.max(s.cycle, cycle) };
}

const replay = (events: StatusEvent[], from = state()) => events.reduce(fold, from);

describe('statusRank', () => {
  it('orders the downstream flow and leaves statuses closed at intake outside it', () => {
    expect(Object.fromEntries(TICKET_STATUSES.map((s) => [s, statusRank(s)]))).toEqual({
      pending: 0,
      forwarded: 1,
      dispatched: 2,
      'in-progress': 3,
      replied: 4,
      rated: 5,
      answered: null,
      diverted: null,
      merged: null,
    });
  });
});

describe('isAhead', () => {
  // Rows: where the ticket stands (cycle 2); columns: the target status in cycles 1, 2 and 3.
  // "+" = ahead. Every status × every target × earlier/same/later cycle.
  const FLOW: TicketStatus[] = ['pending', 'forwarded', 'dispatched', 'in-progress', 'replied', 'rated'];
  const TABLE: Record<TicketStatus, string> = {
    //            cycle 1   cycle 2   cycle 3   (targets: pending forwarded dispatched in-progress replied rated)
    pending: '------ -+++++ ++++++',
    forwarded: '------ --++++ ++++++',
    dispatched: '------ ---+++ ++++++',
    'in-progress': '------ ----++ ++++++',
    replied: '------ -----+ ++++++',
    rated: '------ ------ ++++++',
    answered: '------ ------ ------',
    diverted: '------ ------ ------',
    merged: '------ ------ ------',
  };

  it.each(TICKET_STATUSES)('from %s', (status) => {
    const row = [1, 2, 3]
      .map((cycle) => FLOW.map((t) => (isAhead({ status, cycle: 2 }, t, cycle) ? '+' : '-')).join(''))
      .join(' ');
    expect(row).toBe(TABLE[status]);
  });

  it('never moves to a status closed at intake', () => {
    for (const target of ['answered', 'diverted', 'merged'] as const) {
      expect(isAhead({ status: 'pending', cycle: 1 }, target, 5)).toBe(false);
    }
  });
});

describe('replyDeadline', () => {
  it('adds the DB11/T reply limit of the urgency class to the dispatch time', () => {
    expect(replyDeadline('urgent', T0)).toEqual(at(2 * HOUR));
    expect(replyDeadline('utilities', T0)).toEqual(at(DAY));
    expect(replyDeadline('general', T0)).toEqual(at(7 * DAY));
    expect(replyDeadline('complex', T0)).toEqual(at(15 * DAY));
  });
});

describe('isIntakeTicketId', () => {
  it('takes UUIDs only', () => {
    expect(isIntakeTicketId(TICKET)).toBe(true);
    expect(isIntakeTicketId(TICKET.toUpperCase())).toBe(true);
    expect(isIntakeTicketId('T-7b0c1c4e')).toBe(false);
    expect(isIntakeTicketId(`${TICKET}0`)).toBe(false);
    expect(isIntakeTicketId('')).toBe(false);
  });
});

describe('ticketState', () => {
  const stored = {
    status: 'dispatched',
    urgency: 'urgent',
    cycle: null,
    leadUnitId: LEAD,
    replyDueAt: at(2 * HOUR),
    closedAt: null,
  };

  it('reads a stored ticket, cycle 1 before any cycle is known', () => {
    expect(ticketState(stored)).toEqual({ ...stored, cycle: 1 });
    expect(ticketState({ ...stored, cycle: 3 }).cycle).toBe(3);
  });

  it('refuses a status or urgency it does not know', () => {
    expect(() => ticketState({ ...stored, status: 'closed' })).toThrow('unknown ticket status "closed"');
    expect(() => ticketState({ ...stored, urgency: 'basic-livelihood' })).toThrow(
      'unknown urgency class "basic-livelihood"',
    );
  });
});

describe('project: timeline entries', () => {
  it('ticket.dispatched → the lead and co-handlers by name, copies left out', () => {
    expect(recorded(project(state(), dispatched(), names)).entry).toEqual({
      kind: 'dispatched',
      at: T0,
      detail: {
        units: [
          { name: '东华门街道办事处', role: 'lead' },
          { name: '东城区住房和城乡建设委员会', role: 'co' },
        ],
        cycle: 1,
      },
    });
  });

  it('ticket.redispatched → the new units by name', () => {
    const units: [string, 'lead' | 'co' | 'copy'][] = [
      [OTHER_LEAD, 'lead'],
      [COPY, 'copy'],
    ];
    expect(recorded(project(state(), redispatched({ units }), names)).entry).toEqual({
      kind: 'redispatched',
      at: at(2 * HOUR),
      detail: { units: [{ name: '景山街道办事处', role: 'lead' }], cycle: 1 },
    });
  });

  it('assignment.signed by the lead → signed, with its name', () => {
    expect(recorded(project(state(), signed(), names)).entry).toEqual({
      kind: 'signed',
      at: at(HOUR),
      detail: { unitName: '东华门街道办事处' },
    });
  });

  it.each(['co', 'copy'] as const)('assignment.signed by a %s unit is not shown', (role) => {
    expect(project(state(), signed(role, CO), names)).toEqual({ action: 'skip', reason: 'not-the-lead' });
  });

  it.each(['reached', 'no-answer'] as const)(
    'resident.contacted (%s) → contacted, with method and result',
    (result) => {
      const p = recorded(project(state({ status: 'in-progress' }), contacted(result, CO), names));
      expect(p.entry).toEqual({
        kind: 'contacted',
        at: at(3 * HOUR),
        detail: { unitName: '东城区住房和城乡建设委员会', method: 'phone', result },
      });
      expect(p.changes).toEqual({});
    },
  );

  it('extension.decided approved → extended, with the new deadline', () => {
    expect(recorded(project(state(), extension('approved'), names)).entry).toEqual({
      kind: 'extended',
      at: at(DAY),
      detail: { unitName: '东华门街道办事处', dueAt: iso(10 * DAY) },
    });
  });

  it('extension.decided refused, or approved without a date, is not shown', () => {
    expect(project(state(), extension('refused', null), names)).toEqual({
      action: 'skip',
      reason: 'extension-refused',
    });
    expect(project(state(), extension('approved', null), names)).toEqual({
      action: 'skip',
      reason: 'no-new-due-date',
    });
  });

  it('ticket.replied → replied, with the reply text and attachments for the resident', () => {
    expect(recorded(project(state({ status: 'in-progress' }), replied(), names)).entry).toEqual({
      kind: 'replied',
      at: at(2 * DAY),
      detail: {
        unitName: '东华门街道办事处',
        result: 'resolved',
        content: '已协调施工单位停止夜间施工。',
        attachments: ['https://files.example.cn/reply/1.jpg'],
        cycle: 1,
      },
    });
  });

  it('ticket.rated → rated, with satisfaction and resolved', () => {
    expect(recorded(project(state({ status: 'replied' }), rated(), names)).entry).toEqual({
      kind: 'rated',
      at: at(7 * DAY),
      detail: { satisfaction: 'unsatisfied', resolved: false, cycle: 1 },
    });
  });

  it('ticket.reopened → reopened, with the new cycle', () => {
    expect(recorded(project(state({ status: 'rated' }), reopened(), names)).entry).toEqual({
      kind: 'reopened',
      at: at(7 * DAY + HOUR),
      detail: { cycle: 2 },
    });
  });

  it('a unit missing from the reference data keeps its place with a null name', () => {
    const p = recorded(project(state(), dispatched({ units: [['unknown-unit', 'lead']] }), () => null));
    expect(p.entry.detail).toEqual({ units: [{ name: null, role: 'lead' }], cycle: 1 });
  });

  it.each(STATUS_EVENT_TYPES)('%s carries no staff id, unit id, assignment id or internal note', (type) => {
    const p = project(state({ status: 'in-progress' }), ONE_OF_EACH[type], names);
    const shown = JSON.stringify(recorded(p).entry.detail);
    for (const secret of [STAFF, DISPATCHER, LEAD, CO, COPY, OTHER_LEAD, 'A-0', 'A-1', '内部']) {
      expect(shown).not.toContain(secret);
    }
  });
});

describe('project: status by event, from every status (same cycle)', () => {
  // What each event makes of the status; "=" = unchanged. Columns follow STATUS_EVENT_TYPES:
  // dispatched redispatched signed contacted extended replied rated reopened — all of cycle 2, on a
  // ticket in cycle 2 (a reopening of the cycle already open is a replay).
  const TABLE: Record<TicketStatus, string> = {
    pending: 'dispatched dispatched in-progress = = replied rated in-progress',
    forwarded: 'dispatched dispatched in-progress = = replied rated in-progress',
    dispatched: '= = in-progress = = replied rated in-progress',
    'in-progress': '= = = = = replied rated =',
    replied: '= = = = = = rated =',
    rated: '= = = = = = = =',
    answered: '= = = = = = = =',
    diverted: '= = = = = = = =',
    merged: '= = = = = = = =',
  };
  const sameCycle: Record<StatusEventType, StatusEvent> = {
    ...ONE_OF_EACH,
    'ticket.dispatched.v1': dispatched({ cycle: 2 }),
    'ticket.redispatched.v1': redispatched({ cycle: 2 }),
    'ticket.replied.v1': replied(2),
    'ticket.rated.v1': rated(2),
    'ticket.reopened.v1': reopened(2),
  };

  it.each(TICKET_STATUSES)('from %s', (status) => {
    const row = STATUS_EVENT_TYPES.map((type) => {
      const p = recorded(project(state({ status, cycle: 2 }), sameCycle[type], names));
      return p.changes.status ?? '=';
    }).join(' ');
    expect(row).toBe(TABLE[status]);
  });

  it('records the entry even when the status does not move', () => {
    for (const status of TICKET_STATUSES) {
      for (const type of STATUS_EVENT_TYPES) {
        expect(project(state({ status, cycle: 2 }), sameCycle[type], names).action).toBe('record');
      }
    }
  });
});

describe('project: ticket fields', () => {
  it('a first dispatch sets the lead and the reply deadline from the dispatch time and urgency', () => {
    expect(recorded(project(state({ urgency: 'urgent' }), dispatched(), names)).changes).toEqual({
      status: 'dispatched',
      leadUnitId: LEAD,
      replyDueAt: at(2 * HOUR),
    });
  });

  it('a dispatch without a lead sets neither lead nor deadline', () => {
    expect(recorded(project(state(), dispatched({ units: [[CO, 'co']] }), names)).changes).toEqual({
      status: 'dispatched',
    });
  });

  it('a dispatch replayed after a 改派 keeps the new lead, and a deadline moved later stays', () => {
    const now = state({ status: 'in-progress', leadUnitId: OTHER_LEAD, replyDueAt: at(7 * DAY + 2 * HOUR) });
    expect(recorded(project(now, dispatched(), names)).changes).toEqual({});
  });

  it('a 改派 of the lead names the new lead and gives it a deadline from the 改派', () => {
    const now = state({ status: 'dispatched', leadUnitId: LEAD, replyDueAt: at(7 * DAY) });
    expect(recorded(project(now, redispatched(), names)).changes).toEqual({
      leadUnitId: OTHER_LEAD,
      replyDueAt: at(7 * DAY + 2 * HOUR),
    });
  });

  it("a co-handler's 改派 leaves the lead and the deadline alone", () => {
    const now = state({ status: 'in-progress', leadUnitId: LEAD, replyDueAt: at(7 * DAY) });
    const p = project(now, redispatched({ replaced: CO, units: [[OTHER_LEAD, 'co']] }), names);
    expect(recorded(p).changes).toEqual({});
  });

  it('a 改派 replayed after a later one (its replaced lead is no longer the lead) changes nothing', () => {
    const now = state({ status: 'in-progress', leadUnitId: 'street-110101003', replyDueAt: at(8 * DAY) });
    expect(recorded(project(now, redispatched(), names)).changes).toEqual({});
  });

  it('an approved extension moves the deadline later, never earlier', () => {
    const now = state({ status: 'in-progress', replyDueAt: at(7 * DAY) });
    expect(recorded(project(now, extension('approved', 10 * DAY), names)).changes).toEqual({
      replyDueAt: at(10 * DAY),
    });
    expect(recorded(project(now, extension('approved', 6 * DAY), names)).changes).toEqual({});
  });

  it('a reply closes the ticket at the reply time; the rating keeps that time', () => {
    const afterReply = fold(state({ status: 'in-progress' }), replied());
    expect(afterReply).toMatchObject({ status: 'replied', closedAt: at(2 * DAY) });
    expect(recorded(project(afterReply, rated(), names)).changes).toEqual({ status: 'rated' });
  });

  it('a rating without a reply seen closes the ticket at the rating time', () => {
    expect(recorded(project(state({ status: 'in-progress' }), rated(), names)).changes).toEqual({
      status: 'rated',
      closedAt: at(7 * DAY),
    });
  });

  it('a reopening opens the ticket again and drops the closed cycle’s deadline', () => {
    const now = state({ status: 'rated', leadUnitId: LEAD, replyDueAt: at(7 * DAY), closedAt: at(2 * DAY) });
    expect(recorded(project(now, reopened(), names)).changes).toEqual({
      status: 'in-progress',
      closedAt: null,
      replyDueAt: null,
    });
  });

  it('nothing changes on a ticket closed at intake', () => {
    for (const status of ['answered', 'diverted', 'merged'] as const) {
      for (const type of STATUS_EVENT_TYPES) {
        const p = project(state({ status, closedAt: T0 }), ONE_OF_EACH[type], names);
        expect(recorded(p).changes).toEqual({});
      }
    }
  });

  it('events of an earlier cycle are recorded and change nothing', () => {
    const now = state({ status: 'dispatched', cycle: 3, leadUnitId: LEAD, replyDueAt: at(15 * DAY) });
    for (const event of [dispatched({ cycle: 2 }), redispatched(), replied(2), rated(1), reopened(2)]) {
      expect(recorded(project(now, event, names)).changes).toEqual({});
    }
  });
});

describe('project: a ticket’s life, in order and replayed out of order', () => {
  const LIFE: StatusEvent[] = [
    dispatched(),
    signed(),
    contacted(),
    extension('approved'),
    replied(),
    rated(),
    reopened(),
    dispatched({ cycle: 2, atMs: 7 * DAY + 2 * HOUR }),
    signed('lead', LEAD, 7 * DAY + 3 * HOUR),
    replied(2, 8 * DAY),
  ];

  it('in order: dispatched → in progress → extended → replied → rated → reopened → replied again', () => {
    const steps = LIFE.reduce<TicketState[]>(
      (states, e) => [...states, fold(states.at(-1) ?? state(), e)],
      [],
    );
    expect(steps.map((s) => `${s.status}@${s.cycle}`)).toEqual([
      'dispatched@1',
      'in-progress@1',
      'in-progress@1',
      'in-progress@1',
      'replied@1',
      'rated@1',
      'in-progress@2',
      'in-progress@2',
      'in-progress@2',
      'replied@2',
    ]);
    expect(steps[3]?.replyDueAt).toEqual(at(10 * DAY));
    expect(steps[6]).toMatchObject({ replyDueAt: null, closedAt: null, leadUnitId: LEAD });
    expect(steps[7]?.replyDueAt).toEqual(at(14 * DAY + 2 * HOUR));
    expect(steps[9]).toMatchObject({ closedAt: at(8 * DAY) });
  });

  it('signed before dispatched (a replay) does not go back to dispatched, and still gets lead and deadline', () => {
    expect(replay([signed(), dispatched()])).toMatchObject({
      status: 'in-progress',
      leadUnitId: LEAD,
      replyDueAt: at(7 * DAY),
    });
  });

  it('a dispatch replayed after an extension does not pull the deadline back', () => {
    expect(replay([dispatched(), extension('approved'), dispatched()]).replyDueAt).toEqual(at(10 * DAY));
  });

  it("the first cycle's rating arriving after the reopening does not close the second cycle", () => {
    const end = replay([dispatched(), replied(), reopened(), rated(1)]);
    expect(end).toMatchObject({ status: 'in-progress', cycle: 2, closedAt: null });
  });

  it('the second cycle’s dispatch before its reopening event leaves the ticket open in cycle 2', () => {
    const end = replay([
      dispatched(),
      replied(),
      rated(),
      dispatched({ cycle: 2, atMs: 8 * DAY }),
      reopened(),
    ]);
    expect(end).toMatchObject({
      status: 'in-progress',
      cycle: 2,
      closedAt: null,
      replyDueAt: at(15 * DAY),
    });
  });

  it('every permutation of a first cycle ends rated, with the lead, the extended deadline and the reply time', () => {
    const reply = replied();
    const rating = rated();
    const events: StatusEvent[] = [dispatched(), signed(), extension('approved'), reply, rating];
    for (const order of permutations(events)) {
      expect(replay(order)).toEqual(
        state({
          status: 'rated',
          leadUnitId: LEAD,
          replyDueAt: at(10 * DAY),
          // The reply time when the reply came before the rating; else the rating's.
          closedAt: order.indexOf(reply) < order.indexOf(rating) ? at(2 * DAY) : at(7 * DAY),
        }),
      );
    }
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
