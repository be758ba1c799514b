import { PlatformError } from '../errors/platform.error';

/** A dependency the service needs in order to serve traffic (database, Redis, Kafka). */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface CheckResult {
  name: string;
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: CheckResult[];
}

/** Checks registered by modules at start-up; `/readyz` runs them all, each with a timeout. */
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(check: ReadinessCheck): void {
    if (this.checks.has(check.name)) {
      throw new PlatformError(
        'HEALTH.DUPLICATE_CHECK',
        `Readiness check "${check.name}" is registered twice`,
      );
    }
    this.checks.set(check.name, check);
  }

  names(): string[] {
    return [...this.checks.keys()];
  }

  async run(timeoutMs: number): Promise<ReadinessReport> {
    const results = await Promise.all([...this.checks.values()].map((c) => runOne(c, timeoutMs)));
    return { status: results.every((r) => r.status === 'up') ? 'ready' : 'not_ready', checks: results };
  }
}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { name: check.name, status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      name: check.name,
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    clearTimeout(timer);
  }
}
