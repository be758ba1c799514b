import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { EventPayload, SlaBreachedV1, SlaWarnedV1 } from '@jsjb/contracts';
import { Outbox } from '@jsjb/messaging';
import { Clock as ServiceClock, PLATFORM_CONFIG } from '@jsjb/platform';
import type { Schedule } from '../calendar/calendar.domain';
import { CalendarService, CalendarYearNotLoadedError } from '../calendar/calendar.service';
import type { SlaConfig } from '../config';
import type { SlaEventContext } from '../events/sla-event-bus';
import { SlaEventBus } from '../events/sla-event-bus';
import type { Prisma } from '../generated/prisma/client';
import {
  type ClockKind,
  type HandlingMode,
  type MatchedRule,
  type PolicyClock,
  type UrgencyClass,
} from '../policy/policy.domain';
import { PolicyService } from '../policy/policy.service';
import { UnitDirectory } from '../units/unit-directory.service';
import { type Clock, dueMoved, naturalKey, nextTimer, stopped, warnedAfter } from './clock.domain';
import { CallbackService } from '../callbacks/callback.service';
import { ClockRepository, type NewClock, type SlaTicketRow } from './clock.repository';
import { type TimerArming, type TimerJob, TimerService } from './timer.service';

type Tx = Prisma.TransactionClient;

interface StartSpec {
  kind: ClockKind;
  ticket: SlaTicketRow | null;
  ticketId: string | null;
  whistleId?: string | null;
  assignmentId?: string | null;
  unitId?: string | null;
  cycle: number;
  startedAt: Date;
  matched: MatchedRule;
  /** The policy target the clock runs to (progress reports, check-ins: their own). */
  target: PolicyClock;
  serial?: number;
}

const URGENCY_OF_WHISTLE: Record<'urgent' | 'normal', UrgencyClass> = { urgent: 'urgent', normal: 'general' };

/**
 * Clocks driven by events (in the consumer's transaction) and woken by timers (in their own):
 * starts, stops, cancellations and audited due-time changes; 催办 at each warning threshold and 督办
 * at the due time through the outbox; the 回访 opened when a reply deadline expires.
 */
@Injectable()
export class ClockService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClockService.name);
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly clocks: ClockRepository,
    private readonly policies: PolicyService,
    private readonly calendars: CalendarService,
    private readonly time: ServiceClock,
    private readonly outbox: Outbox,
    private readonly bus: SlaEventBus,
    private readonly timers: TimerService,
    private readonly callbacks: CallbackService,
    private readonly units: UnitDirectory,
    @Inject(PLATFORM_CONFIG) private readonly config: SlaConfig,
  ) {}

  onModuleInit(): void {
    this.timers.handle((job) => this.fire(job));
    const on = <T extends Parameters<SlaEventBus['on']>[0]>(
      type: T,
      handler: (data: EventPayload<T>, ctx: SlaEventContext) => Promise<void>,
    ) => this.bus.on(type, handler);
    on('ticket.received.v1', (d, c) => this.onReceived(d, c.tx));
    on('ticket.closed-directly.v1', (d, c) => this.closeAtIntake(c.tx, d.ticketId, new Date(d.closedAt)));
    on('ticket.diverted.v1', (d, c) => this.closeAtIntake(c.tx, d.ticketId, new Date(d.closedAt)));
    on('ticket.merged.v1', (d, c) => this.closeAtIntake(c.tx, d.ticketId, new Date(d.mergedAt)));
    on('ticket.dispatched.v1', (d, c) =>
      this.onDispatched(c.tx, d.ticketId, d.cycle, d.assignments, new Date(d.dispatchedAt)),
    );
    on('ticket.redispatched.v1', (d, c) => this.onRedispatched(d, c.tx));
    on('assignment.signed.v1', (d, c) =>
      this.stopOf(c.tx, d.assignmentId, ['sign-in'], new Date(d.signedAt), 'signed'),
    );
    on('resident.contacted.v1', (d, c) =>
      d.firstReached
        ? this.stopOf(c.tx, d.assignmentId, ['response'], new Date(d.contactedAt), 'contacted')
        : Promise.resolve(),
    );
    on('dispute.decided.v1', (d, c) =>
      d.decision === 'approved'
        ? this.cancelOf(c.tx, d.assignmentId, new Date(d.decidedAt), 'dispute-approved')
        : Promise.resolve(),
    );
    on('extension.decided.v1', (d, c) => this.onExtension(d, c.tx));
    on('ticket.progressed.v1', (d, c) => this.onProgressed(d, c.tx));
    on('ticket.replied.v1', (d, c) => this.onReplied(d, c.tx));
    on('ticket.rated.v1', (d, c) => this.onRated(d, c.tx));
    on('ticket.reopened.v1', (d, c) => this.onReopened(d, c.tx));
    on('whistle.blown.v1', (d, c) => this.onWhistleBlown(d, c.tx));
    on('whistle.checked-in.v1', (d, c) => this.onCheckedIn(d, c.tx));
    on('whistle.closed.v1', (d, c) => this.onWhistleClosed(d, c.tx));
    this.calendars.onCorrection(async (change) => {
      await this.recomputeSchedule(`workdays:${change.calendarId}`, change.dates);
    });
  }

  /** Boot: every clock whose timer may still fire is armed again from the database; then a sweep for lost ones. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SLA_TIMERS_ENABLED) return;
    const armed = await this.rearmAll();
    if (armed > 0) this.logger.log(`re-armed ${armed} clock timer(s)`);
    if (this.config.SLA_TIMER_SWEEP_MS > 0)
      this.sweeper = setInterval(() => {
        this.sweepMissed().catch((error: unknown) =>
          this.logger.warn(`sweep for lost timers failed: ${String(error)}`),
        );
      }, this.config.SLA_TIMER_SWEEP_MS);
  }

  onApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  async rearmAll(): Promise<number> {
    const now = this.time.now();
    let armed = 0;
    for await (const page of this.clocks.armablePages(2000)) {
      const items = this.nextTimers(page, now);
      await this.timers.armMany(items);
      armed += items.length;
    }
    return armed;
  }

  // ---- events -------------------------------------------------------------------------------------

  private async onReceived(d: EventPayload<'ticket.received.v1'>, tx: Tx): Promise<void> {
    const receivedAt = new Date(d.receivedAt);
    const { ticket, matched } = await this.saveTicket(
      tx,
      {
        ticketId: d.ticketId,
        number: d.number,
        urgency: d.urgency,
        categoryCode: d.categoryCode,
        requestType: d.requestType,
        districtCode: d.location.districtCode,
        streetCode: d.location.streetCode,
        receivedAt,
      },
      receivedAt,
    );
    const base = { ticket, ticketId: d.ticketId, cycle: 1, startedAt: receivedAt, matched };
    await this.startAll(tx, [
      { ...base, kind: 'resident', target: 'reply' },
      { ...base, kind: 'dispatch', target: 'dispatch' },
    ]);
  }

  private async closeAtIntake(tx: Tx, ticketId: string, at: Date): Promise<void> {
    await this.clocks.updateTicket(tx, ticketId, { status: 'closed' });
    for (const clock of await this.clocks.ofTicket(tx, ticketId, { states: ['running', 'no-calendar'] }))
      await this.stop(tx, clock, at, 'closed-at-intake');
  }

  private async onDispatched(
    tx: Tx,
    ticketId: string,
    cycle: number,
    assignments: EventPayload<'ticket.dispatched.v1'>['assignments'],
    at: Date,
  ): Promise<void> {
    const ticket = await this.ensureTicket(tx, ticketId, at);
    if (cycle > ticket.cycle) await this.clocks.updateTicket(tx, ticketId, { cycle, status: 'open' });
    for (const clock of await this.clocks.ofTicket(tx, ticketId, {
      kinds: ['dispatch'],
      states: ['running', 'no-calendar'],
    }))
      await this.stop(tx, clock, at, 'dispatched');
    await this.startUnitClocks(tx, ticket, cycle, assignments, at);
  }

  private async onRedispatched(d: EventPayload<'ticket.redispatched.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.redispatchedAt);
    for (const replaced of d.replaced)
      await this.cancelOf(tx, replaced.assignmentId, at, `redispatched:${d.reason}`);
    const ticket = await this.ensureTicket(tx, d.ticketId, at);
    await this.startUnitClocks(tx, ticket, d.cycle, d.assignments, at);
  }

  /** Per unit from dispatch (not sign-in): the lead signs in, responds and replies (or reports, 跟踪办); a co-handler signs in. */
  private async startUnitClocks(
    tx: Tx,
    ticket: SlaTicketRow,
    cycle: number,
    assignments: EventPayload<'ticket.dispatched.v1'>['assignments'],
    at: Date,
  ): Promise<void> {
    const matched = this.matchedFor(ticket, at);
    const specs: StartSpec[] = [];
    for (const a of assignments) {
      if (a.role === 'copy') continue;
      const base = {
        ticket,
        ticketId: ticket.ticketId,
        assignmentId: a.assignmentId,
        unitId: a.unitId,
        cycle,
        startedAt: at,
        matched,
      };
      specs.push({ ...base, kind: 'sign-in', target: 'sign-in' });
      if (a.role !== 'lead') continue;
      specs.push({ ...base, kind: 'response', target: 'response' });
      if ((ticket.mode as HandlingMode) === 'tracked')
        specs.push({ ...base, kind: 'progress-report', target: 'progress-report', serial: 1 });
      else specs.push({ ...base, kind: 'reply', target: 'reply' });
    }
    await this.startAll(tx, specs);
  }

  private async onExtension(d: EventPayload<'extension.decided.v1'>, tx: Tx): Promise<void> {
    if (d.decision !== 'approved' || !d.newDueAt) return;
    const newDueAt = new Date(d.newDueAt);
    const [clock] = await this.clocks.ofAssignment(tx, d.assignmentId, {
      kinds: ['reply', 'progress-report'],
      states: ['running', 'no-calendar'],
    });
    if (!clock || (clock.state === 'running' && clock.dueAt.getTime() === newDueAt.getTime())) return;
    // an approved date is absolute: a clock waiting for its calendar runs to it
    if (clock.state === 'no-calendar') await this.clocks.update(tx, clock.id, { state: 'running' });
    await this.moveDue(
      tx,
      { ...clock, state: 'running' },
      newDueAt,
      'extension',
      { extensionId: d.extensionId, note: d.note },
      d.decidedBy,
    );
  }

  private async onProgressed(d: EventPayload<'ticket.progressed.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.at);
    const [clock] = await this.clocks.ofAssignment(tx, d.assignmentId, {
      kinds: ['progress-report'],
      states: ['running', 'no-calendar'],
    });
    if (!clock) return;
    await this.stop(tx, clock, at, 'reported');
    const ticket = await this.ensureTicket(tx, d.ticketId, at);
    const serial = Number(clock.naturalKey.split(':').pop() ?? '0') + 1;
    await this.start(tx, {
      kind: 'progress-report',
      ticket,
      ticketId: d.ticketId,
      assignmentId: d.assignmentId,
      unitId: d.unitId,
      cycle: clock.cycle,
      startedAt: at,
      matched: this.matchedFor(ticket, at, clock.policyVersion),
      target: 'progress-report',
      serial,
    });
  }

  private async onReplied(d: EventPayload<'ticket.replied.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.repliedAt);
    const ticket = await this.ensureTicket(tx, d.ticketId, at);
    await this.clocks.updateTicket(tx, d.ticketId, { status: 'replied' });
    for (const clock of await this.clocks.ofAssignment(tx, d.assignmentId, {
      kinds: ['reply', 'progress-report', 'response'],
      states: ['running', 'no-calendar'],
    }))
      await this.stop(tx, clock, at, 'replied');
    for (const clock of await this.clocks.ofTicket(tx, d.ticketId, {
      kinds: ['resident'],
      states: ['running', 'no-calendar'],
    }))
      await this.stop(tx, clock, at, 'replied');
    // 跟踪办 has no reply deadline to wait for: the 回访 follows the reply.
    if ((ticket.mode as HandlingMode) === 'tracked')
      await this.openCallback(tx, ticket, d.cycle, d.unitId, d.assignmentId, at, at);
  }

  private async onRated(d: EventPayload<'ticket.rated.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.ratedAt);
    await this.clocks.updateTicket(tx, d.ticketId, { status: 'closed' });
    for (const clock of await this.clocks.ofTicket(tx, d.ticketId, {
      cycle: d.cycle,
      kinds: ['callback'],
      states: ['running', 'no-calendar'],
    }))
      await this.stop(tx, clock, at, 'rated');
  }

  /** 重办: a new cycle (routing dispatches it); the resident clock, which never resets, runs again. */
  private async onReopened(d: EventPayload<'ticket.reopened.v1'>, tx: Tx): Promise<void> {
    await this.clocks.updateTicket(tx, d.ticketId, { cycle: d.cycle, status: 'open' });
    const now = this.time.now();
    for (const clock of await this.clocks.ofTicket(tx, d.ticketId, {
      kinds: ['resident'],
      states: ['met'],
    })) {
      const resumed = await this.clocks.update(tx, clock.id, {
        state: 'running',
        stoppedAt: null,
        stopReason: null,
        elapsedWallMinutes: null,
        elapsedScheduleMinutes: null,
        breached: now.getTime() > clock.dueAt.getTime(),
        dueHandledAt: null,
      });
      await this.armNext(resumed, tx);
    }
  }

  private async onWhistleBlown(d: EventPayload<'whistle.blown.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.blownAt);
    const ticket = d.ticketId ? await this.clocks.ticket(tx, d.ticketId) : null;
    const matched = this.policies.match(
      {
        urgency: URGENCY_OF_WHISTLE[d.urgency],
        categoryCode: ticket?.categoryCode ?? null,
        requestType: null,
      },
      at,
    );
    for (const s of d.summoned)
      await this.start(tx, {
        kind: 'whistle-check-in',
        ticket,
        ticketId: d.ticketId,
        whistleId: d.whistleId,
        unitId: s.unitId,
        cycle: ticket?.cycle ?? 1,
        startedAt: at,
        matched,
        target: 'whistle-check-in',
      });
  }

  private async onCheckedIn(d: EventPayload<'whistle.checked-in.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.checkedInAt);
    for (const clock of await this.clocks.ofWhistle(tx, d.whistleId, { states: ['running', 'no-calendar'] }))
      if (clock.unitId === d.unitId) await this.stop(tx, clock, at, 'checked-in');
  }

  private async onWhistleClosed(d: EventPayload<'whistle.closed.v1'>, tx: Tx): Promise<void> {
    const at = new Date(d.closedAt);
    for (const clock of await this.clocks.ofWhistle(tx, d.whistleId, { states: ['running', 'no-calendar'] }))
      await this.cancel(tx, clock, at, 'whistle-closed');
  }

  // ---- timers -------------------------------------------------------------------------------------

  /** A timer woke: act only if the clock, as stored now, is still due at that point. */
  async fire(job: TimerJob): Promise<void> {
    const now = this.time.now();
    const outcome = await this.clocks.transaction(async (tx) => {
      const clock = await this.clocks.lock(tx, job.clockId);
      if (!clock) {
        // Armed inside a transaction that has not committed yet (or never will): look again soon.
        if (now.getTime() - new Date(job.at).getTime() < 60_000)
          throw new Error(`clock ${job.clockId} not visible yet`);
        return null;
      }
      if (clock.version !== job.version) return null; // its due time moved: a newer timer is armed
      const schedule = this.scheduleOf(clock);
      const point = nextTimer(clock, schedule, now);
      if (!point) return null;
      if (point.at.getTime() > now.getTime()) return clock; // not yet, by the service clock: re-arm
      if (point.kind === 'warning') {
        const updated = await this.clocks.update(tx, clock.id, {
          warned: warnedAfter(clock, point.threshold),
        });
        await this.outbox.add(tx, {
          type: 'sla.warned.v1',
          subject: clock.ticketId ?? clock.whistleId ?? clock.id,
          data: {
            ...this.reference(clock),
            threshold: point.threshold,
            warnedAt: now.toISOString(),
          } satisfies SlaWarnedV1,
          time: now,
        });
        return updated;
      }
      const running = clock.state === 'running';
      const updated = await this.clocks.update(tx, clock.id, {
        dueHandledAt: now,
        ...(running ? { breached: true, everBreached: true } : {}),
      });
      if (running)
        await this.outbox.add(tx, {
          type: 'sla.breached.v1',
          subject: clock.ticketId ?? clock.whistleId ?? clock.id,
          data: { ...this.reference(clock), breachedAt: now.toISOString() } satisfies SlaBreachedV1,
          time: now,
        });
      if (clock.kind === 'reply' && clock.ticketId) {
        const ticket = await this.clocks.ticket(tx, clock.ticketId);
        if (ticket && ticket.cycle === clock.cycle)
          await this.openCallback(
            tx,
            ticket,
            clock.cycle,
            clock.unitId,
            clock.assignmentId,
            clock.dueAt,
            now,
          );
      }
      return updated;
    });
    if (outcome) await this.armNext(outcome);
  }

  /** Timers lost (Redis flushed, a crash between commit and arming) are found by their due time. */
  async sweepMissed(): Promise<number> {
    const now = this.time.now();
    const missed = await this.clocks.missed(new Date(now.getTime() - 60_000), 1000);
    await this.timers.armMany(this.nextTimers(missed, now));
    return missed.length;
  }

  // ---- calendar corrections ------------------------------------------------------------------------

  /** A calendar correction: open clocks on that schedule get their due time computed again (audited). */
  async recomputeSchedule(scheduleId: string, dates: readonly string[]): Promise<number> {
    if (dates.length === 0) return 0;
    const earliest = [...dates].sort()[0] ?? '';
    const from = new Date(`${earliest}T00:00:00Z`);
    from.setUTCDate(from.getUTCDate() - 1);
    let changed = 0;
    for (const candidate of await this.clocks.onScheduleAround(scheduleId, from)) {
      const moved = await this.clocks.transaction(async (tx) => {
        const clock = await this.clocks.lock(tx, candidate.id);
        if (!clock || !(await this.followsItsPolicy(tx, clock))) return null;
        const schedule = this.scheduleOf(clock);
        const dueAt = withCalendar(() => schedule.dueAt(clock.startedAt, clock.target));
        if (!dueAt) return null; // still a year short
        if (clock.state === 'no-calendar') {
          await this.clocks.update(tx, clock.id, { state: 'running' });
          const started = { ...clock, state: 'running' as const };
          return this.moveDue(
            tx,
            started,
            dueAt,
            'calendar-correction',
            { dates: dates.length, computed: true },
            'system',
            false,
          );
        }
        if (dueAt.getTime() === clock.dueAt.getTime()) return null;
        return this.moveDue(tx, clock, dueAt, 'calendar-correction', { dates: [...dates] }, 'system', false);
      });
      if (moved) {
        changed += 1;
        await this.armNext(moved);
      }
    }
    if (changed > 0)
      this.logger.log(`calendar correction on ${scheduleId}: ${changed} deadline(s) recomputed`);
    return changed;
  }

  /** A clock whose due time an extension set is not recomputed from its target. */
  private async followsItsPolicy(tx: Tx, clock: Clock): Promise<boolean> {
    return (await tx.slaClockChange.count({ where: { clockId: clock.id, reason: 'extension' } })) === 0;
  }

  // ---- building blocks -----------------------------------------------------------------------------

  private async start(tx: Tx, spec: StartSpec): Promise<Clock | null> {
    const [stored] = await this.startAll(tx, [spec]);
    return stored ?? null;
  }

  /**
   * Starts the clocks of one event with one insert; each new one is armed. Returns the clocks as
   * stored, in the order given, without those whose rule sets no such target.
   */
  private async startAll(tx: Tx, specs: readonly StartSpec[]): Promise<Clock[]> {
    const clocks = specs.flatMap((spec) => {
      const clock = this.newClock(spec);
      return clock ? [clock] : [];
    });
    const started = await this.clocks.startMany(tx, clocks);
    for (const { clock, created } of started) if (created) await this.armNext(clock, tx);
    return started.map(({ clock }) => clock);
  }

  /** The clock a spec starts, or null when its rule sets no such target (e.g. no progress reports). */
  private newClock(spec: StartSpec): NewClock | null {
    const span = spec.matched.rule.targets[spec.target];
    if (!span) return null;
    const schedule = this.calendars.schedule(spec.matched.rule.schedule);
    const escalation = this.escalationOf(spec.unitId ?? null, spec.ticket);
    // Fail closed: a year the calendar lacks gives no due time (the calendar logs and counts it); the
    // clock is kept, without one, until the year is imported and the correction computes it.
    const dueAt = withCalendar(() => schedule.dueAt(spec.startedAt, span));
    return {
      naturalKey: naturalKey({
        kind: spec.kind,
        ticketId: spec.ticketId,
        whistleId: spec.whistleId ?? null,
        cycle: spec.cycle,
        assignmentId: spec.assignmentId ?? null,
        unitId: spec.unitId ?? null,
        ...(spec.serial === undefined ? {} : { serial: spec.serial }),
      }),
      kind: spec.kind,
      ticketId: spec.ticketId,
      whistleId: spec.whistleId ?? null,
      assignmentId: spec.assignmentId ?? null,
      unitId: spec.unitId ?? null,
      cycle: spec.cycle,
      policyVersion: spec.matched.policyVersion,
      ruleId: spec.matched.rule.id,
      scheduleId: schedule.id,
      target: span,
      warnings: [...spec.matched.warnings],
      startedAt: spec.startedAt,
      state: dueAt ? 'running' : 'no-calendar',
      dueAt: dueAt ?? spec.startedAt,
      escalationUnitId: escalation.unitId,
      headUnitId: escalation.headUnitId,
      districtCode: escalation.districtCode,
    };
  }

  private async stop(tx: Tx, clock: Clock, at: Date, reason: string): Promise<void> {
    if (clock.state === 'no-calendar') {
      // no due time, so neither late nor on time: wall time only
      await this.clocks.update(tx, clock.id, {
        state: 'met',
        stopReason: reason,
        stoppedAt: at,
        elapsedWallMinutes: (at.getTime() - clock.startedAt.getTime()) / 60_000,
      });
      return;
    }
    const schedule = this.scheduleOf(clock);
    const result = withCalendar(() => stopped(clock, at, schedule));
    await this.clocks.update(tx, clock.id, {
      state: 'met',
      stopReason: reason,
      ...(result ?? {
        stoppedAt: at,
        elapsedWallMinutes: (at.getTime() - clock.startedAt.getTime()) / 60_000,
      }),
    });
  }

  private async stopOf(
    tx: Tx,
    assignmentId: string,
    kinds: ClockKind[],
    at: Date,
    reason: string,
  ): Promise<void> {
    for (const clock of await this.clocks.ofAssignment(tx, assignmentId, {
      kinds,
      states: ['running', 'no-calendar'],
    }))
      await this.stop(tx, clock, at, reason);
  }

  /** Ended without being met: late if it ran past its due time (an absent summoned unit). */
  private async cancel(tx: Tx, clock: Clock, at: Date, reason: string): Promise<void> {
    const late = clock.state === 'running' && at.getTime() > clock.dueAt.getTime();
    await this.clocks.update(tx, clock.id, {
      state: 'cancelled',
      stoppedAt: at,
      stopReason: reason,
      breached: late,
      everBreached: clock.everBreached || late,
    });
  }

  /** An approved dispute or a replacement ends the assignment's clocks; a met reply clock no longer opens a 回访. */
  private async cancelOf(tx: Tx, assignmentId: string, at: Date, reason: string): Promise<void> {
    for (const clock of await this.clocks.ofAssignment(tx, assignmentId, {
      states: ['running', 'met', 'no-calendar'],
    })) {
      if (clock.state !== 'met' || (clock.kind === 'reply' && !clock.dueHandledAt))
        await this.cancel(tx, clock, at, reason);
    }
  }

  private async moveDue(
    tx: Tx,
    clock: Clock,
    dueAt: Date,
    reason: 'extension' | 'calendar-correction',
    detail: Prisma.InputJsonObject,
    by: string,
    arm = true,
  ): Promise<Clock> {
    const now = this.time.now();
    await this.clocks.recordChange(tx, {
      clockId: clock.id,
      previousDueAt: clock.dueAt,
      dueAt,
      reason,
      detail,
      changedBy: by,
      at: now,
    });
    const updated = await this.clocks.update(tx, clock.id, dueMoved(clock, dueAt, now));
    if (arm) await this.armNext(updated, tx);
    return updated;
  }

  private async openCallback(
    tx: Tx,
    ticket: SlaTicketRow,
    cycle: number,
    leadUnitId: string | null,
    leadAssignmentId: string | null,
    replyDueAt: Date,
    at: Date,
  ): Promise<void> {
    const matched = this.matchedFor(ticket, at);
    const callback = await this.start(tx, {
      kind: 'callback',
      ticket,
      ticketId: ticket.ticketId,
      cycle,
      startedAt: replyDueAt,
      matched,
      target: 'callback',
    });
    if (!callback) return;
    await this.callbacks.open(tx, {
      ticketId: ticket.ticketId,
      cycle,
      leadUnitId,
      leadAssignmentId,
      replyDueAt,
      reopenOnUnresolved: matched.rule.reopenOnUnresolved,
      callbackDueAt: callback.dueAt,
      at,
    });
  }

  /** Each clock's next timer, for those that have one. */
  private nextTimers(clocks: readonly Clock[], now: Date): TimerArming[] {
    return clocks.flatMap((clock) => {
      const point = nextTimer(clock, this.scheduleOf(clock), now);
      return point ? [{ clock, point }] : [];
    });
  }

  /** Arms the clock's next timer; within `tx` (batched in a consumer's) when given. */
  private async armNext(clock: Clock, tx?: Tx): Promise<void> {
    const point = nextTimer(clock, this.scheduleOf(clock), this.time.now());
    if (!point) return;
    if (tx) await this.timers.armIn(tx, clock, point);
    else await this.timers.arm(clock, point);
  }

  private scheduleOf(clock: Pick<Clock, 'scheduleId'>): Schedule {
    return this.calendars.schedule(clock.scheduleId);
  }

  /** The ticket's rule: as matched at receipt (its version), or by the version in force for one never received. */
  private matchedFor(ticket: SlaTicketRow, at: Date, version = ticket.policyVersion): MatchedRule {
    const policy = this.policies.version(version, at);
    return (
      policy.rule(ticket.ruleId) ??
      policy.match({
        urgency: ticket.urgency as UrgencyClass,
        categoryCode: ticket.categoryCode,
        requestType: ticket.requestType,
      })
    );
  }

  /** A ticket routing knows and sla never saw received (e.g. consumed before sla existed): a general one. */
  private async ensureTicket(tx: Tx, ticketId: string, at: Date): Promise<SlaTicketRow> {
    const found = await this.clocks.ticket(tx, ticketId);
    if (found) return found;
    const { ticket } = await this.saveTicket(
      tx,
      {
        ticketId,
        number: null,
        urgency: 'general',
        categoryCode: null,
        requestType: null,
        districtCode: null,
        streetCode: null,
        receivedAt: null,
      },
      at,
    );
    return ticket;
  }

  /** Stores what sla knows of a ticket, in its first cycle, with the rule its facts match at `at`. */
  private async saveTicket(
    tx: Tx,
    facts: Omit<SlaTicketRow, 'cycle' | 'mode' | 'policyVersion' | 'ruleId' | 'status'> & {
      urgency: UrgencyClass;
    },
    at: Date,
  ): Promise<{ ticket: SlaTicketRow; matched: MatchedRule }> {
    const matched = this.policies.match(
      { urgency: facts.urgency, categoryCode: facts.categoryCode, requestType: facts.requestType },
      at,
    );
    const ticket: SlaTicketRow = {
      ...facts,
      cycle: 1,
      mode: matched.rule.mode,
      policyVersion: matched.policyVersion,
      ruleId: matched.rule.id,
      status: 'open',
    };
    await this.clocks.saveTicket(tx, ticket);
    return { ticket, matched };
  }

  private escalationOf(
    unitId: string | null,
    ticket: SlaTicketRow | null,
  ): { unitId: string | null; headUnitId: string | null; districtCode: string | null } {
    if (unitId) {
      const target = this.units.escalation(unitId);
      return { ...target, districtCode: target.districtCode ?? ticket?.districtCode ?? null };
    }
    return { unitId, headUnitId: null, districtCode: ticket?.districtCode ?? null };
  }

  private reference(clock: Clock): Omit<SlaBreachedV1, 'breachedAt'> {
    return {
      clockId: clock.id,
      kind: clock.kind,
      ticketId: clock.ticketId,
      whistleId: clock.whistleId,
      assignmentId: clock.assignmentId,
      cycle: clock.cycle,
      startedAt: clock.startedAt.toISOString(),
      dueAt: clock.dueAt.toISOString(),
      policyVersion: clock.policyVersion,
      ruleId: clock.ruleId,
      escalation: {
        unitId: clock.escalationUnitId,
        headUnitId: clock.headUnitId,
        districtCode: clock.districtCode,
      },
    };
  }
}

/** The result, or null when the calendar lacks a year it needs (fail closed: no guessed due time). */
function withCalendar<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof CalendarYearNotLoadedError) return null;
    throw error;
  }
}
