// Child processes with prefixed output, bounded stops, and polling without fixed sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { formatLogLine, LineSplitter, stripAnsi, type Output } from './log.ts';
import { InterruptedError } from './workspace.ts';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  error?: Error;
}

export interface ChildHandle {
  readonly name: string;
  readonly process: ChildProcess;
  readonly detached: boolean;
  /** Resolves once the process has exited and its output is drained; never rejects. */
  readonly exit: Promise<ChildExit>;
  /** The exit, once it happened. */
  exited(): ChildExit | undefined;
}

export interface SpawnOptions {
  /** Output prefix. */
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  output: Output;
  /**
   * Run in its own process group (default true): stop signals then reach the child and its
   * descendants, and a terminal's Ctrl-C reaches only the launcher, which stops things in order.
   */
  detached?: boolean;
  /** Turns each output line into what is printed; undefined drops it. Default: formatLogLine. */
  format?: (line: string) => string | undefined;
}

/** How long to wait for stdout/stderr to close after the process itself exited. */
const DRAIN_AFTER_EXIT_MS = 2000;

export function spawnChild(options: SpawnOptions): ChildHandle {
  const detached = options.detached ?? true;
  const format = options.format ?? ((line: string) => formatLogLine(line, options.output.colour));
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let result: ChildExit | undefined;
  const exit = new Promise<ChildExit>((resolve) => {
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = (value: ChildExit): void => {
      if (drainTimer !== undefined) clearTimeout(drainTimer);
      if (result !== undefined) return;
      result = value;
      resolve(value);
    };
    child.once('error', (error) => {
      // Also emitted when a signal cannot be delivered; only a failed start ends the handle.
      if (child.pid === undefined) finish({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      // A grandchild may keep the pipes open; do not wait for it forever. (Those open pipes
      // keep the event loop alive, so the timer itself need not.)
      if (result !== undefined) return;
      drainTimer = setTimeout(() => finish({ code, signal }), DRAIN_AFTER_EXIT_MS);
      drainTimer.unref();
    });
    child.once('close', (code, signal) => finish({ code, signal }));
  });
  for (const [stream, target] of [
    [child.stdout, 'stdout'],
    [child.stderr, 'stderr'],
  ] as const) {
    if (stream === null) continue;
    const splitter = new LineSplitter();
    const print = (lines: string[]): void => {
      for (const line of lines) {
        const text = format(options.output.colour ? line : stripAnsi(line));
        if (text !== undefined) options.output.line(options.name, text, target);
      }
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => print(splitter.push(chunk)));
    stream.on('end', () => print(splitter.flush()));
  }
  return { name: options.name, process: child, detached, exit, exited: () => result };
}

/** Sends `signal` to the child (to its whole process group when detached). */
export function sendSignal(handle: ChildHandle, signal: NodeJS.Signals): void {
  const pid = handle.process.pid;
  if (pid === undefined || handle.exited() !== undefined) return;
  if (handle.detached) {
    try {
      process.kill(-pid, signal);
      return;
    } catch {
      // The group is gone or was never created; fall back to the process itself.
    }
  }
  try {
    handle.process.kill(signal);
  } catch {
    // Already gone.
  }
}

/** `promise`'s value, or undefined when it did not settle within `ms` (the timer is cleared). */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StopResult {
  exit: ChildExit;
  /** True when the child ignored the polite signal and had to be killed. */
  forced: boolean;
}

const stops = new WeakMap<ChildHandle, Promise<StopResult>>();

/**
 * SIGTERM (or `signal`), wait up to `timeoutMs`, then SIGKILL. Stopping a child that is
 * already being stopped joins that stop (no second signal).
 */
export function stopChild(
  handle: ChildHandle,
  options: { timeoutMs: number; signal?: NodeJS.Signals },
): Promise<StopResult> {
  const already = handle.exited();
  if (already !== undefined) return Promise.resolve({ exit: already, forced: false });
  let stop = stops.get(handle);
  if (stop === undefined) {
    stop = stopNow(handle, options);
    stops.set(handle, stop);
  }
  return stop;
}

async function stopNow(
  handle: ChildHandle,
  options: { timeoutMs: number; signal?: NodeJS.Signals },
): Promise<StopResult> {
  sendSignal(handle, options.signal ?? 'SIGTERM');
  const polite = await withTimeout(handle.exit, options.timeoutMs);
  if (polite !== undefined) return { exit: polite, forced: false };
  sendSignal(handle, 'SIGKILL');
  const killed = await withTimeout(handle.exit, 5000);
  return { exit: killed ?? { code: null, signal: 'SIGKILL' }, forced: true };
}

export function describeExit(exit: ChildExit): string {
  if (exit.error !== undefined) return `could not start: ${exit.error.message}`;
  if (exit.signal !== null) return `killed by ${exit.signal}`;
  return `exit code ${exit.code ?? '?'}`;
}

/** The children the launcher started and has not seen exit yet. */
export class Supervisor {
  private readonly running = new Set<ChildHandle>();
  private readonly infrastructure = new WeakSet<ChildHandle>();

  /** `infrastructure`: a server the stack depends on (redis-server), stopped after everything else. */
  spawn(options: SpawnOptions, role: { infrastructure?: boolean } = {}): ChildHandle {
    const handle = spawnChild(options);
    this.running.add(handle);
    if (role.infrastructure === true) this.infrastructure.add(handle);
    void handle.exit.then(() => this.running.delete(handle));
    return handle;
  }

  /** Runs a command to its end. */
  run(options: SpawnOptions): Promise<ChildExit> {
    return this.spawn(options).exit;
  }

  get size(): number {
    return this.running.size;
  }

  /**
   * Stops running children in parallel (SIGTERM, then SIGKILL after `timeoutMs`): all but
   * infrastructure, unless `includeInfrastructure`.
   */
  async stopAll(timeoutMs: number, options: { includeInfrastructure?: boolean } = {}): Promise<void> {
    const targets = [...this.running].filter(
      (handle) => options.includeInfrastructure === true || !this.infrastructure.has(handle),
    );
    await Promise.all(targets.map((handle) => stopChild(handle, { timeoutMs })));
  }

  /** Last resort, synchronous: SIGKILL everything still running. */
  killAll(): void {
    for (const handle of this.running) sendSignal(handle, 'SIGKILL');
  }
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Calls `probe` until it returns a value (returned) or the deadline passes (undefined),
 * waiting `intervalMs` between attempts. Throws InterruptedError when `signal` aborts.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError();
    const value = await probe();
    if (value !== undefined) return value;
    const remaining = deadline - Date.now();
    if (remaining <= 0) return undefined;
    try {
      await delay(Math.min(interval, remaining), undefined, { signal: options.signal });
    } catch {
      throw new InterruptedError();
    }
  }
}
