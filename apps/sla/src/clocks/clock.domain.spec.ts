import { AllDaySchedule } from '../calendar/calendar.domain';

const ALWAYS = new AllDaySchedule();
import {
  type Clock,
  dueMoved,
  naturalKey,
  nextTimer,
  parseTimerJobId,
  stopped,
  timerCoverage,
  timerJobId,
  warnedAfter,
} from './clock.domain';

const T0 = new Date('2026-11-23T02:00:00Z');
const MIN = 60_000;

function clock(overrides: Partial<Clock> = {}): Clock {
  return {
    id: 'c-1',
    naturalKey: 'reply:T-1:1:A-1:0',
    kind: 'reply',
    ticketId: 'T-1',
    whistleId: null,
    assignmentId: 'A-1',
    unitId: 'U-1',
    cycle: 1,
    policyVersion: 'v1',
    ruleId: 'r',
    scheduleId: '24x7',
    target: { unit: 'minutes', value: 100 },
    warnings: [0.5, 0.75],
    startedAt: T0,
    dueAt: new Date(T0.getTime() + 100 * MIN),
    state: 'running',
    stoppedAt: null,
    stopReason: null,
    breached: false,
    everBreached: false,
    elapsedWallMinutes: null,
    elapsedScheduleMinutes: null,
    warned: [],
    version: 1,
    dueHandledAt: null,
    escalationUnitId: 'U-1',
    headUnitId: null,
    districtCode: null,
    ...overrides,
  };
}

const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

describe('clocks', () => {
  it('wakes at each warning, then at the due time', () => {
    expect(nextTimer(clock(), ALWAYS, at(0))).toEqual({ kind: 'warning', threshold: 0.5, at: at(50) });
    expect(nextTimer(clock({ warned: [0.5] }), ALWAYS, at(50))).toEqual({
      kind: 'warning',
      threshold: 0.75,
      at: at(75),
    });
    expect(nextTimer(clock({ warned: [0.5, 0.75] }), ALWAYS, at(80))).toEqual({ kind: 'due', at: at(100) });
  });

  it('sends one warning for thresholds passed together, and none once due', () => {
    expect(nextTimer(clock(), ALWAYS, at(80))).toEqual({ kind: 'warning', threshold: 0.75, at: at(75) });
    expect(warnedAfter(clock(), 0.75)).toEqual([0.5, 0.75]);
    expect(nextTimer(clock(), ALWAYS, at(120))).toEqual({ kind: 'due', at: at(100) });
  });

  it('stops waking a cancelled clock or a handled due time; a met reply clock still wakes for the 回访', () => {
    expect(nextTimer(clock({ state: 'cancelled' }), ALWAYS, at(0))).toBeNull();
    expect(nextTimer(clock({ dueHandledAt: at(100) }), ALWAYS, at(101))).toBeNull();
    expect(nextTimer(clock({ state: 'met' }), ALWAYS, at(10))).toEqual({ kind: 'due', at: at(100) });
    expect(nextTimer(clock({ state: 'met', kind: 'sign-in' }), ALWAYS, at(10))).toBeNull();
  });

  it('records wall and schedule time at stop, late or not', () => {
    expect(stopped(clock(), at(40), ALWAYS)).toEqual({
      stoppedAt: at(40),
      breached: false,
      everBreached: false,
      elapsedWallMinutes: 40,
      elapsedScheduleMinutes: 40,
    });
    expect(stopped(clock(), at(130), ALWAYS)).toMatchObject({ breached: true, everBreached: true });
  });

  it('a moved due time clears breached but not everBreached, and makes a new timer version', () => {
    const late = clock({ breached: true, everBreached: true, warned: [0.5, 0.75] });
    const moved = dueMoved(late, at(300), at(120));
    expect(moved).toEqual({
      dueAt: at(300),
      breached: false,
      everBreached: true,
      warned: [],
      version: 2,
      dueHandledAt: null,
    });
    expect(timerJobId({ id: 'c-1', version: 2 }, { kind: 'due', at: at(300) })).toBe('c-1:v2:due');
    expect(timerJobId({ id: 'c-1', version: 1 }, { kind: 'warning', threshold: 0.5, at: at(50) })).toBe(
      'c-1:v1:w0.5',
    );
  });

  it('reads a timer job id back, and counts how live jobs cover the clocks that may still fire', () => {
    const a = '00000000-0000-4000-8000-00000000000a';
    const b = '00000000-0000-4000-8000-00000000000b';
    const c = '00000000-0000-4000-8000-00000000000c';
    const d = '00000000-0000-4000-8000-00000000000d';
    const due = timerJobId({ id: a, version: 2 }, { kind: 'due', at: at(300) });
    expect(parseTimerJobId(due)).toEqual({ clockId: a, version: 2 });
    expect(parseTimerJobId(`${b}:v1:w0.75`)).toEqual({ clockId: b, version: 1 });
    expect(parseTimerJobId('repeat:something')).toBeNull();

    const coverage = timerCoverage(
      [
        { id: a, version: 2 },
        { id: b, version: 1 },
        { id: c, version: 1 },
      ],
      [due, `${a}:v1:w0.5`, `${b}:v1:w0.5`, `${b}:v1:due`, `${d}:v1:due`, 'other'],
    );
    expect(coverage).toEqual({
      armable: 3,
      armedOnce: 1, // a (its v1 job is stale)
      unarmed: [c],
      armedMoreThanOnce: [b],
      staleJobs: 3, // a's v1, d (cannot fire any more), 'other'
    });
  });

  it('names one clock per start', () => {
    const parts = {
      kind: 'reply' as const,
      ticketId: 'T-1',
      whistleId: null,
      cycle: 2,
      assignmentId: 'A-1',
      unitId: 'U',
    };
    expect(naturalKey(parts)).toBe('reply:T-1:2:A-1:0');
    expect(
      naturalKey({
        ...parts,
        kind: 'whistle-check-in',
        ticketId: null,
        whistleId: 'W-1',
        assignmentId: null,
      }),
    ).toBe('whistle-check-in:whistle:W-1:2:U:0');
  });
});
