import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CommitBuffer } from '@jsjb/messaging';
import { Clock, ClockHooks, MetricsRegistry, PLATFORM_CONFIG, SERVICE_NAME } from '@jsjb/platform';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Histogram } from 'prom-client';
import type { SlaConfig } from '../config';
import type { Clock as DeadlineClock, TimerPoint } from './clock.domain';
import { timerJobId } from './clock.domain';

/** What a timer job carries: which clock, for which due-time version, which point. */
export interface TimerJob {
  clockId: string;
  version: number;
  point: 'due' | 'warning';
  threshold: number | null;
  /** When the point falls (ISO): the job's delay is counted from the service clock's now. */
  at: string;
}

export const TIMER_QUEUE = 'clock-timers';

/** The BullMQ key prefix of a service's timer queue. */
export function timerQueuePrefix(config: Pick<SlaConfig, 'REDIS_KEY_PREFIX'>, service: string): string {
  return `${config.REDIS_KEY_PREFIX}${service}:bull`;
}

/** Ids of the queue's jobs that may still run: delayed, waiting, active or prioritized. */
export async function liveTimerJobIds(queue: Queue<TimerJob>): Promise<string[]> {
  const ids: string[] = [];
  const page = 5000;
  for (const type of ['delayed', 'waiting', 'active', 'prioritized'] as const) {
    for (let start = 0; ; start += page) {
      const jobs = await queue.getJobs(type, start, start + page - 1);
      for (const job of jobs) if (job?.id !== undefined) ids.push(job.id);
      if (jobs.length < page) break;
    }
  }
  return ids;
}

/** A clock's next timer to arm. */
export interface TimerArming {
  clock: DeadlineClock;
  point: TimerPoint;
}

/** Handles a timer that woke (the clock service registers itself). */
export type TimerHandler = (job: TimerJob) => Promise<void>;

/**
 * The clocks' timers on BullMQ: one delayed job per clock at a time — its next warning or its due
 * time — with an id derived from clock, due-time version and point, so arming twice is one job.
 * The job only wakes the service: the handler re-reads the clock in PostgreSQL and acts only if
 * that point is still due. Delays are counted from the service's Clock, so tests move time with
 * it and then `promoteDue()` the jobs that became due instead of waiting.
 */
@Injectable()
export class TimerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TimerService.name);
  private readonly queue: Queue<TimerJob>;
  private worker: Worker<TimerJob> | undefined;
  private readonly connection: Redis;
  /** The worker's own connection (BullMQ leaves a connection it was given open on close). */
  private workerConnection: Redis | undefined;
  private readonly prefix: string;
  private handler: TimerHandler | undefined;
  private readonly lateness: Histogram;
  /** Timers armed in a consumer batch: one `addBulk` at its end, before it commits. */
  private readonly batched = new CommitBuffer<object, TimerArming>('sla.clock-timers', (_tx, items) =>
    this.armMany(items),
  );

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: SlaConfig,
    @Inject(SERVICE_NAME) service: string,
    private readonly clock: Clock,
    metrics: MetricsRegistry,
    hooks: ClockHooks,
  ) {
    // The development clock control moved time: run the timers that became due now.
    hooks.onMoved('timersPromoted', () => this.promoteDue());
    this.lateness = new Histogram({
      name: 'sla_timer_lateness_seconds',
      help: 'How late a timer job starts after its point, by the service clock (first attempts only)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [metrics.registry],
    });
    // BullMQ's blocking commands need a connection that never gives up on a request.
    this.connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', () => undefined); // the service's Redis check reports an outage; calls fail
    this.prefix = timerQueuePrefix(config, service);
    this.queue = new Queue<TimerJob>(TIMER_QUEUE, {
      connection: this.connection,
      prefix: this.prefix,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
        attempts: config.SLA_TIMER_ATTEMPTS,
        backoff: { type: 'exponential', delay: 1000 },
      },
    });
  }

  /** The one handler of woken timers. */
  handle(handler: TimerHandler): void {
    this.handler = handler;
  }

  onApplicationBootstrap(): void {
    if (!this.config.SLA_TIMERS_ENABLED) return;
    const handler = this.handler;
    if (!handler) throw new Error('no timer handler is registered');
    const run = (job: Job<TimerJob>) => {
      if (job.attemptsMade === 0)
        this.lateness.observe(Math.max(0, this.clock.now().getTime() - Date.parse(job.data.at)) / 1000);
      return handler(job.data);
    };
    this.workerConnection = this.connection.duplicate({ maxRetriesPerRequest: null });
    this.worker = new Worker<TimerJob>(TIMER_QUEUE, run, {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: this.config.SLA_TIMER_CONCURRENCY,
    });
    this.worker.on('failed', (job, error) =>
      this.logger.warn(`timer ${job?.id ?? '?'} failed: ${error.message}`),
    );
    this.worker.on('error', (error) => this.logger.warn(`timer worker: ${error.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }

  /** Arms the clock's next timer (a no-op when that job exists). */
  async arm(clock: DeadlineClock, point: TimerPoint): Promise<void> {
    await this.armMany([{ clock, point }]);
  }

  /**
   * Arms the clock's next timer as part of `tx`: in a consumer batch's transaction with the batch's
   * other timers, in one call at its end (still before the commit); otherwise at once.
   */
  armIn(tx: object, clock: DeadlineClock, point: TimerPoint): Promise<void> {
    return this.batched.add(tx, { clock, point });
  }

  async armMany(items: readonly TimerArming[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock.now().getTime();
    await this.queue.addBulk(
      items.map(({ clock, point }) => ({
        name: point.kind,
        data: {
          clockId: clock.id,
          version: clock.version,
          point: point.kind,
          threshold: point.kind === 'warning' ? point.threshold : null,
          at: point.at.toISOString(),
        },
        opts: { jobId: timerJobId(clock, point), delay: Math.max(0, point.at.getTime() - now) },
      })),
    );
  }

  /**
   * Tests and operators: runs now every delayed timer whose point the service clock has reached
   * (time moved by the injectable Clock, not by waiting). Returns how many were promoted.
   */
  async promoteDue(): Promise<number> {
    const now = this.clock.now().getTime();
    let promoted = 0;
    const page = 1000;
    for (let start = 0; ; start += page) {
      const jobs = await this.queue.getDelayed(start, start + page - 1);
      if (jobs.length === 0) break;
      for (const job of jobs) {
        const data = job.data;
        if (new Date(data.at).getTime() <= now) {
          await (job as Job<TimerJob>).promote().catch(() => undefined); // it may have started meanwhile
          promoted += 1;
        }
      }
      if (jobs.length < page) break;
    }
    return promoted;
  }

  /** Jobs waiting, delayed or running (tests, metrics). */
  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('delayed', 'waiting', 'active', 'prioritized');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }
}
