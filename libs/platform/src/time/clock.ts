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
}
