import { Injectable } from '@nestjs/common';

/**
 * The service's source of "now". Everything that records or compares times asks it, so tests can
 * move time (a check-in limit, a dispute window, office hours) without waiting for it.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;
  private fixed: Date | undefined;

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date(Date.now() + this.offsetMs);
  }

  /** Tests: stop the clock at `at`. */
  setFixed(at: Date): void {
    this.fixed = new Date(at.getTime());
  }

  /** Tests: move the clock forward by `ms` (from the fixed time, or from real time). */
  advance(ms: number): void {
    if (this.fixed) this.fixed = new Date(this.fixed.getTime() + ms);
    else this.offsetMs += ms;
  }

  /** Tests: back to real time. */
  reset(): void {
    this.fixed = undefined;
    this.offsetMs = 0;
  }

  /** How far the clock is ahead of real time (0 unless moved), in ms. */
  offset(): number {
    return this.fixed ? this.fixed.getTime() - Date.now() : this.offsetMs;
  }
}

/**
 * What a service does when its clock was moved by the development clock control (e.g. sla runs the
 * timers that became due). Registered by features at boot; run by POST /dev/clock.
 */
export class ClockHooks {
  private readonly hooks: { name: string; run: () => Promise<unknown> }[] = [];

  onMoved(name: string, run: () => Promise<unknown>): void {
    this.hooks.push({ name, run });
  }

  async moved(): Promise<Record<string, unknown>> {
    const results: Record<string, unknown> = {};
    for (const hook of this.hooks) results[hook.name] = await hook.run();
    return results;
  }
}
