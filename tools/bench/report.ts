// The system benchmark's result (bench/results/<date>.json) and its markdown table.
import type { BaselineResult } from './baseline.ts';
import type { CeilingResult } from './ceiling.ts';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface PhaseReport {
  name: string;
  kind: 'open' | 'closed';
  offeredPerSecond: number | null;
  connections: number | null;
  requests: number;
  seconds: number;
  /** 2xx answers per second. */
  ticketsPerSecond: number;
  /** Answers other than 2xx, shed requests aside. */
  errors: number;
  /** Answered 503 SERVICE.OVERLOADED at once (load shedding); not in the latencies. */
  shed: number;
  statuses: Record<string, number>;
  errorSamples: { status: number; body: string }[];
  /** Open loop: from each request's due time; closed loop: from its send. */
  latencyMs: Percentiles;
  maxInFlight: number;
  generatorSendLagP99Ms: number;
  /** CPU ms per answered request, by part: each service, PostgreSQL, Redis, the load generator. */
  cpuMsPerTicket: Record<string, number>;
  /** Share of the machine's CPU time in use over the phase. */
  machineBusy: number;
  /** Peak resident set per service, decimal MB. */
  peakResidentMB: Record<string, number>;
}

export interface PipelineReport {
  offeredPerSecond: number;
  seconds: number;
  tickets: number;
  dispatched: number;
  armed: number;
  ticketsPerSecond: number;
  httpToDispatchedMs: Percentiles;
  httpToArmedMs: Percentiles;
  waitedSeconds: number;
}

export interface BenchReport {
  benchmark: 'system';
  /** The run's id: its databases were jsjb_bench_<run>_*, its Redis keys jsjb:jsjb_bench_<run>:*. */
  run: string;
  date: string;
  machine: { cpus: number; cpu: string; memoryGiB: number; node: string; loadAverage1mBefore: number };
  stack: string;
  /** The server's settings that matter: fsync, synchronous_commit, autovacuum, … */
  postgres: Record<string, string>;
  settings: Record<string, unknown> & { connections: number };
  targets: {
    intakeOverBaseline: number;
    p99MsAtRate: { ratePerSecond: number; p99Ms: number };
    pipeline: { ticketsPerSecond: number; dispatchedP99Ms: number };
    residentMemoryMB: number;
  };
  baseline: BaselineResult;
  /** The least an intake can do (ceiling.server.ts) under the same load: the limit behind HTTP. */
  ceiling: CeilingResult;
  phases: PhaseReport[];
  pipeline: PipelineReport;
  /** Per phase: how long the system took to catch up afterwards (null: not within the limit). */
  settleSeconds: Record<string, number | null>;
  reconciliation: { ok: boolean; lines: string[] };
  wallSeconds: number;
}

/** p50/p95/p99/max of ascending-sorted values (nearest rank), to 0.1 ms. */
export function percentiles(sorted: Float64Array): Percentiles {
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  const r = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : v);
  return { p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(sorted[sorted.length - 1] ?? NaN) };
}

const mark = (ok: boolean) => (ok ? '✅' : '❌');

/** The report as markdown: the machine, the phases, the targets each met or not. */
export function markdownReport(r: BenchReport): { text: string; met: boolean } {
  const saturation = r.phases.find((p) => p.kind === 'closed');
  const atRate = r.phases.find(
    (p) =>
      p.kind === 'open' &&
      p.offeredPerSecond === r.targets.p99MsAtRate.ratePerSecond &&
      !p.name.startsWith('pipeline'),
  );
  const ratio = saturation ? saturation.ticketsPerSecond / r.baseline.insertsPerSecond : NaN;
  const ceilingRatio = r.ceiling.requestsPerSecond / r.baseline.insertsPerSecond;
  const peak: Record<string, number> = {};
  for (const phase of r.phases) {
    for (const [service, mb] of Object.entries(phase.peakResidentMB))
      peak[service] = Math.max(peak[service] ?? 0, mb);
  }
  const memoryOk = Object.values(peak).every((mb) => mb > 0 && mb < r.targets.residentMemoryMB);
  const pipelineOk =
    r.pipeline.armed === r.pipeline.tickets &&
    r.pipeline.ticketsPerSecond >= r.targets.pipeline.ticketsPerSecond &&
    r.pipeline.httpToDispatchedMs.p99 < r.targets.pipeline.dispatchedP99Ms;
  const checks = [
    {
      what: `intake ÷ baseline at ${r.settings.connections} connections`,
      value: `${saturation?.ticketsPerSecond ?? '–'} ÷ ${r.baseline.insertsPerSecond} = ${ratio.toFixed(2)}`,
      target: `≥ ${r.targets.intakeOverBaseline.toFixed(1)}`,
      ok: ratio >= r.targets.intakeOverBaseline,
    },
    {
      what: `intake p99 at an offered ${r.targets.p99MsAtRate.ratePerSecond}/s`,
      value: atRate
        ? `${atRate.latencyMs.p99} ms (${atRate.ticketsPerSecond}/s served, ${atRate.shed} shed)`
        : 'not run',
      target: `< ${r.targets.p99MsAtRate.p99Ms} ms, none shed`,
      ok:
        atRate !== undefined &&
        atRate.errors === 0 &&
        atRate.shed === 0 &&
        atRate.latencyMs.p99 < r.targets.p99MsAtRate.p99Ms,
    },
    {
      what: `pipeline at an offered ${r.pipeline.offeredPerSecond}/s`,
      value: `${r.pipeline.ticketsPerSecond}/s through; HTTP → dispatched p99 ${r.pipeline.httpToDispatchedMs.p99} ms`,
      target: `≥ ${r.targets.pipeline.ticketsPerSecond}/s, p99 < ${r.targets.pipeline.dispatchedP99Ms} ms`,
      ok: pipelineOk,
    },
    {
      what: 'resident memory under load, peak',
      value: Object.entries(peak)
        .map(([service, mb]) => `${service} ${mb} MB`)
        .join(', '),
      target: `< ${r.targets.residentMemoryMB} MB each`,
      ok: memoryOk,
    },
    {
      what: 'reconciliation after the run',
      value: r.reconciliation.ok ? 'every check matches' : 'FAILED',
      target: 'every check matches',
      ok: r.reconciliation.ok,
    },
  ];
  const cpuParts = [...new Set(r.phases.flatMap((p) => Object.keys(p.cpuMsPerTicket)))];
  const lines = [
    `### Benchmark ${r.date.slice(0, 10)}`,
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; ` +
      `load average ${r.machine.loadAverage1mBefore} before the run. ${r.stack}; the load generator on the same machine.`,
    '',
    `PostgreSQL ${r.postgres['server_version'] ?? '?'}: fsync ${r.postgres['fsync'] ?? '?'}, synchronous_commit ` +
      `${r.postgres['synchronous_commit'] ?? '?'}, autovacuum ${r.postgres['autovacuum'] ?? '?'}` +
      (r.postgres['autovacuum'] === 'off'
        ? ' (off on this server: dead outbox rows and missing statistics cost more than in production)'
        : '') +
      '.',
    '',
    `Baseline: ${r.baseline.insertsPerSecond} durable single-row INSERTs/s with ${r.baseline.connections} connections ` +
      `(p50 ${r.baseline.latencyMs.p50} ms, p99 ${r.baseline.latencyMs.p99} ms).`,
    '',
    `Ceiling: ${r.ceiling.requestsPerSecond} requests/s with ${r.ceiling.connections} connections from the same ` +
      `generator to a bare HTTP server that commits each request's body as one row with group commit ` +
      `(p50 ${r.ceiling.latencyMs.p50} ms, p99 ${r.ceiling.latencyMs.p99} ms, ${r.ceiling.errors} errors): ` +
      `${ceilingRatio.toFixed(2)} of the baseline` +
      (ceilingRatio < r.targets.intakeOverBaseline
        ? `, so no intake reaches ${r.targets.intakeOverBaseline.toFixed(1)} × the baseline on this machine.`
        : '.') +
      (saturation
        ? ` Intake at saturation reaches ${(saturation.ticketsPerSecond / r.ceiling.requestsPerSecond).toFixed(2)} of the ceiling.`
        : ''),
    '',
    '| phase | offered | served/s | p50 ms | p95 ms | p99 ms | max ms | shed | errors | machine busy | ' +
      `${cpuParts.map((p) => `CPU ms/ticket: ${p}`).join(' | ')} |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | ${cpuParts.map(() => '---').join(' | ')} |`,
    ...r.phases.map(
      (p) =>
        `| ${p.name} | ${p.offeredPerSecond ?? `${p.connections} conn.`} | ${p.ticketsPerSecond} | ${p.latencyMs.p50} | ` +
        `${p.latencyMs.p95} | ${p.latencyMs.p99} | ${p.latencyMs.max} | ${p.shed} | ${p.errors} | ${Math.round(p.machineBusy * 100)} % | ` +
        `${cpuParts.map((part) => p.cpuMsPerTicket[part] ?? '–').join(' | ')} |`,
    ),
    '',
    `Pipeline at ${r.pipeline.offeredPerSecond}/s for ${r.pipeline.seconds} s: ${r.pipeline.tickets} tickets sent on, ` +
      `${r.pipeline.dispatched} dispatched, ${r.pipeline.armed} with clocks armed; ` +
      `HTTP → dispatched p50 ${r.pipeline.httpToDispatchedMs.p50} / p95 ${r.pipeline.httpToDispatchedMs.p95} / ` +
      `p99 ${r.pipeline.httpToDispatchedMs.p99} ms; HTTP → clocks armed p50 ${r.pipeline.httpToArmedMs.p50} / ` +
      `p95 ${r.pipeline.httpToArmedMs.p95} / p99 ${r.pipeline.httpToArmedMs.p99} ms.`,
    '',
    `Catching up after each phase: ${Object.entries(r.settleSeconds)
      .map(([phase, s]) => `${phase} ${s === null ? 'not within the limit' : `${s} s`}`)
      .join('; ')}.`,
    '',
    '| target | measured | wanted | met |',
    '| --- | --- | --- | --- |',
    ...checks.map((c) => `| ${c.what} | ${c.value} | ${c.target} | ${mark(c.ok)} |`),
    '',
  ];
  return { text: lines.join('\n'), met: checks.every((c) => c.ok) };
}
