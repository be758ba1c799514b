import type { Schedule, ScheduleSpan } from '../calendar/calendar.domain';
import type { ClockKind } from '../policy/policy.domain';

/**
 * Deadline clocks, without I/O: when one is due, where its warnings fall, what stopping it records,
 * and which timer comes next. The database holds the clocks; timers only wake the service to look.
 */

/**
 * running; met (stopped by the event it waits for); cancelled; no-calendar: started on a working-day
 * schedule whose calendar lacks a year it touches — no due time is guessed; it runs once the year is
 * imported (the calendar correction recomputes it).
 */
export type ClockState = 'running' | 'met' | 'cancelled' | 'no-calendar';

export interface Clock {
  id: string;
  naturalKey: string;
  kind: ClockKind;
  ticketId: string | null;
  whistleId: string | null;
  assignmentId: string | null;
  unitId: string | null;
  cycle: number;
  policyVersion: string;
  ruleId: string;
  scheduleId: string;
  target: ScheduleSpan;
  warnings: number[];
  startedAt: Date;
  dueAt: Date;
  state: ClockState;
  stoppedAt: Date | null;
  stopReason: string | null;
  breached: boolean;
  everBreached: boolean;
  elapsedWallMinutes: number | null;
  elapsedScheduleMinutes: number | null;
  warned: number[];
  version: number;
  dueHandledAt: Date | null;
  escalationUnitId: string | null;
  headUnitId: string | null;
  districtCode: string | null;
}

/** One clock per start: the same event redelivered, or replayed, finds the clock it started. */
export function naturalKey(parts: {
  kind: ClockKind;
  ticketId: string | null;
  whistleId: string | null;
  cycle: number;
  assignmentId: string | null;
  unitId: string | null;
  /** Distinguishes repeated clocks of one kind (progress reports: their sequence number). */
  serial?: number;
}): string {
  const subject = parts.ticketId ?? `whistle:${parts.whistleId ?? '?'}`;
  const holder = parts.assignmentId ?? parts.unitId ?? '-';
  return [parts.kind, subject, parts.cycle, holder, parts.serial ?? 0].join(':');
}

/** What stopping a clock at `at` records: met, and late or not. */
export function stopped(
  clock: Pick<Clock, 'startedAt' | 'dueAt' | 'everBreached'>,
  at: Date,
  schedule: Schedule,
): Pick<Clock, 'stoppedAt' | 'breached' | 'everBreached' | 'elapsedWallMinutes' | 'elapsedScheduleMinutes'> {
  const late = at.getTime() > clock.dueAt.getTime();
  return {
    stoppedAt: at,
    breached: late,
    everBreached: clock.everBreached || late,
    elapsedWallMinutes: round((at.getTime() - clock.startedAt.getTime()) / 60_000),
    elapsedScheduleMinutes: round(schedule.elapsedMinutes(clock.startedAt, at)),
  };
}

/** A due time moved (an approved extension, a calendar correction): breached only if the new one has passed. */
export function dueMoved(
  clock: Pick<Clock, 'state' | 'stoppedAt' | 'everBreached' | 'version'>,
  newDueAt: Date,
  now: Date,
): Pick<Clock, 'dueAt' | 'breached' | 'everBreached' | 'warned' | 'version' | 'dueHandledAt'> {
  const reference = clock.state === 'running' ? now : (clock.stoppedAt ?? now);
  const breached = reference.getTime() > newDueAt.getTime();
  return {
    dueAt: newDueAt,
    breached,
    everBreached: clock.everBreached || breached,
    // warnings count towards the new due time (thresholds already passed then send one warning)
    warned: [],
    version: clock.version + 1,
    dueHandledAt: null,
  };
}

/** A timer point of a clock: a warning threshold, or its due time. */
export type TimerPoint = { kind: 'warning'; threshold: number; at: Date } | { kind: 'due'; at: Date };

/** Clocks whose due time matters after they stopped: a reply deadline opens the 回访 even when met. */
export function dueMattersWhenMet(kind: ClockKind): boolean {
  return kind === 'reply';
}

/**
 * The next timer of a clock after `now`, or the one due right away. A running clock warns at each
 * threshold not yet sent, then is due; thresholds already passed together are one warning (the
 * highest), and none is sent once the due time has passed. A met reply clock still wakes at its
 * due time (the 回访). Null when nothing is left.
 */
export function nextTimer(clock: Clock, schedule: Schedule, now: Date): TimerPoint | null {
  if (clock.dueHandledAt) return null;
  if (clock.state === 'cancelled' || clock.state === 'no-calendar') return null;
  if (clock.state === 'met') return dueMattersWhenMet(clock.kind) ? { kind: 'due', at: clock.dueAt } : null;
  if (now.getTime() >= clock.dueAt.getTime()) return { kind: 'due', at: clock.dueAt };
  const pending = clock.warnings.filter((t) => !clock.warned.includes(t)).sort((a, b) => a - b);
  let passed: TimerPoint | null = null;
  for (const threshold of pending) {
    const at = schedule.pointAt(clock.startedAt, clock.target, threshold);
    if (at.getTime() <= now.getTime()) passed = { kind: 'warning', threshold, at };
    else return passed ?? { kind: 'warning', threshold, at };
  }
  return passed ?? { kind: 'due', at: clock.dueAt };
}

/** The thresholds a warning at `threshold` settles: it and every lower one. */
export function warnedAfter(clock: Pick<Clock, 'warned' | 'warnings'>, threshold: number): number[] {
  return [...new Set([...clock.warned, ...clock.warnings.filter((t) => t <= threshold)])].sort(
    (a, b) => a - b,
  );
}

/** Stable timer job id: a re-armed timer of the same point and due-time version is the same job. */
export function timerJobId(clock: Pick<Clock, 'id' | 'version'>, point: TimerPoint): string {
  return `${clock.id}:v${clock.version}:${point.kind === 'due' ? 'due' : `w${point.threshold}`}`;
}

/** The clock and due-time version a timer job id names (see `timerJobId`), or null for another id. */
export function parseTimerJobId(jobId: string): { clockId: string; version: number } | null {
  const match = /^([0-9a-f-]{36}):v(\d+):(due|w[\d.]+)$/.exec(jobId);
  return match ? { clockId: match[1] ?? '', version: Number(match[2]) } : null;
}

/** How the live timer jobs cover the clocks whose timers may still fire (`verify-timers`). */
export interface TimerCoverage {
  /** Clocks whose timer may still fire. */
  armable: number;
  /** … with exactly one live job for their current due-time version. */
  armedOnce: number;
  /** … with none: a timer lost (the periodic sweep re-arms it once it is due). */
  unarmed: string[];
  /** … with more than one: armed twice. */
  armedMoreThanOnce: string[];
  /** Live jobs of an earlier due-time version or of a clock that can no longer fire: they wake and find it stale. */
  staleJobs: number;
}

export function timerCoverage(
  armable: readonly Pick<Clock, 'id' | 'version'>[],
  liveJobIds: readonly string[],
): TimerCoverage {
  const current = new Map(armable.map((clock) => [clock.id, { version: clock.version, jobs: 0 }]));
  let staleJobs = 0;
  for (const jobId of liveJobIds) {
    const job = parseTimerJobId(jobId);
    const clock = job ? current.get(job.clockId) : undefined;
    if (job && clock && clock.version === job.version) clock.jobs += 1;
    else staleJobs += 1;
  }
  const of = (test: (jobs: number) => boolean) =>
    [...current].filter(([, clock]) => test(clock.jobs)).map(([id]) => id);
  return {
    armable: armable.length,
    armedOnce: of((jobs) => jobs === 1).length,
    unarmed: of((jobs) => jobs === 0),
    armedMoreThanOnce: of((jobs) => jobs > 1),
    staleJobs,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
