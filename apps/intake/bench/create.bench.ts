import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { bearer, machineInfo, percentile, waitFor, writeBenchResult } from '@jsjb/testing';
import { ReferenceReadModel } from '../src/reference/reference-read-model';
import { type IntakeHarness, startIntakeHarness } from '../test/support/intake-harness';
import { seedReference } from '../test/support/reference-seed';
import { cpuBetween, pidsNamed, profiled, readCpu } from './cpu-usage';
import { BENCH_TERRITORY_VERSION, benchTerritory, CALL_PHRASES, CALL_TEMPLATES } from './hotline-calls';
import type { LoadSetup, PhaseResult, PhaseSpec, WorkerRequest } from './load.worker.mjs';

/**
 * 受理 over HTTP: POST /tickets as operators record hotline calls — classification, reference checks,
 * abuse screening (Redis), the duplicate check, the day's number, the insert with its timeline and
 * outbox rows in one transaction — then the relay publishing `ticket.received.v1` to Kafka.
 *
 * The service listens on 127.0.0.1 in this process; the load comes from a worker thread over
 * keep-alive connections; the dev broker runs in its own process as Kafka would.
 * Phases: warm-up; open loop at a fixed rate (latency from each request's due time); closed loop
 * with N connections (the most tickets per second). Then every `ticket.received.v1` must be sent.
 * Targets (issue 5): ≥ 1,500 creations/s; p99 < 50 ms at 1,000/s. Only errors fail the test.
 */
const root = join(__dirname, '../../..');
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 64);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
/** How long after the open loop's last request the rest may take before it is abandoned. */
const GRACE_SECONDS = Number(process.env['BENCH_GRACE_SECONDS'] ?? 30);
const TARGET = { creationsPerSecond: 1500, p99Ms: 50, atRatePerSecond: 1000 } as const;
const PUBLISH_DEADLINE_MS = 120_000;
/** Set to a folder to write the service thread's V8 profile of each measured phase there. */
const PROFILE_DIR = process.env['BENCH_CPU_PROFILE'] || undefined;

/** Production-like settings: a pool of 20, abuse limits no operator's calls reach (callers vary anyway). */
const SETTINGS = {
  DATABASE_POOL_MAX: '20',
  ABUSE_PHONE_LIMIT: '1000000',
  ABUSE_IP_LIMIT: '1000000',
  // Request logs off by default (they would fill the report); BENCH_LOG_LEVEL=error shows failures.
  LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'silent',
};

describe('intake create benchmark', () => {
  it('records hotline tickets at a fixed rate and at full speed, and publishes every one sent on', async () => {
    // Other work on the machine skews the rates (not the per-ticket CPU): recorded with the result.
    const loadBefore = round(loadavg()[0] ?? NaN, 2);
    const broker = await startBrokerProcess();
    const previousBrokers = process.env['KAFKA_BROKERS'];
    // startTestApp uses an external broker when KAFKA_BROKERS is set: ours, in its own process.
    process.env['KAFKA_BROKERS'] = broker.brokers;
    let h: IntakeHarness | undefined;
    let load: LoadWorker | undefined;
    try {
      h = await startIntakeHarness(SETTINGS);
      await seedReference(h);
      const places = await seedBenchTerritory(h);
      const reference = h.sut.app.get(ReferenceReadModel);
      const unknown = CALL_TEMPLATES.filter((t) => !reference.catalogueItem(t.categoryCode));
      expect(unknown.map((t) => t.categoryCode)).toEqual([]);

      await h.sut.app.listen(0, '127.0.0.1');
      const { port } = h.sut.app.getHttpServer().address() as AddressInfo;
      const generator = new LoadWorker({
        host: '127.0.0.1',
        port,
        authorizations: Array.from({ length: 12 }, (_, i) =>
          bearer({ sub: `operator-${i + 1}`, role: 'operator' }),
        ),
        templates: CALL_TEMPLATES,
        places,
        phrases: CALL_PHRASES,
        callers: 50_000,
        withCodesShare: 0.3,
        operatorChoosesShare: 0.5,
        runId: randomBytes(4).toString('hex'),
        seed: 12_345,
      });
      load = generator;

      const warmup = await generator.run({
        kind: 'closed',
        name: 'warm-up',
        connections: 16,
        seconds: WARMUP_SECONDS,
      });
      await outboxDrained(h);
      const open = await measured(h, broker.pid, 'open-loop', () =>
        generator.run({
          kind: 'open',
          name: `open loop ${RATE}/s`,
          ratePerSecond: RATE,
          seconds: SECONDS,
          graceSeconds: GRACE_SECONDS,
        }),
      );
      await outboxDrained(h);
      const closed = await measured(h, broker.pid, 'closed-loop', () =>
        generator.run({
          kind: 'closed',
          name: `closed loop ${CONNECTIONS} connections`,
          connections: CONNECTIONS,
          seconds: SECONDS,
        }),
      );
      const phases = [warmup, open.phase, closed.phase];
      const dispatched = phases.reduce((sum, p) => sum + p.dispatched, 0);
      const publication = await publicationOf(h, dispatched, [open, closed]);
      const tickets = await ticketCounts(h);

      const report = {
        benchmark: 'intake-create',
        date: new Date().toISOString(),
        machine: { ...machineInfo(), loadAverage1mBefore: loadBefore },
        settings: {
          ...SETTINGS,
          rate: RATE,
          seconds: SECONDS,
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_SECONDS,
          templates: CALL_TEMPLATES.length,
          places: places.length,
        },
        targets: TARGET,
        openLoop: summary(open),
        closedLoop: summary(closed),
        warmup: { requests: warmup.requests, errors: errorsOf(warmup) },
        publication,
        tickets,
      };
      const file = await writeBenchResult('intake-create', report.date, report);
      process.stdout.write(table(report, file));
      for (const phase of phases) {
        if (errorsOf(phase) > 0)
          process.stdout.write(`${phase.name}: ${JSON.stringify(phase.errorSamples)}\n`);
      }
      expect(phases.map((p) => [p.name, errorsOf(p)])).toEqual(phases.map((p) => [p.name, 0]));
      const { forwardedTickets, inOutbox, published } = publication.received;
      expect({ inOutbox, published }).toEqual({ inOutbox: forwardedTickets, published: forwardedTickets });
      expect(forwardedTickets).toBeGreaterThanOrEqual(dispatched);
    } finally {
      await load?.close();
      await h?.close();
      if (previousBrokers === undefined) delete process.env['KAFKA_BROKERS'];
      else process.env['KAFKA_BROKERS'] = previousBrokers;
      await broker.stop();
    }
  });
});

/** Adds a territory of ~480 communities, so that tickets spread as a district's calls do. */
async function seedBenchTerritory(h: IntakeHarness) {
  const { event, places } = benchTerritory();
  await h.processed(await h.produce('territory.changed.v1', 'territory', event));
  const reference = h.sut.app.get(ReferenceReadModel);
  await waitFor(() => reference.version('territory') === BENCH_TERRITORY_VERSION, {
    description: 'the bench territory in force',
    timeoutMs: 20_000,
  });
  return places;
}

/** The load generator's thread and its phases, one at a time. */
class LoadWorker {
  private readonly worker: Worker;

  constructor(setup: LoadSetup) {
    this.worker = new Worker(join(__dirname, 'load.worker.mts'), { workerData: setup });
  }

  run(spec: PhaseSpec): Promise<PhaseResult> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.worker.once('error', fail);
      this.worker.once('message', (result: PhaseResult) => {
        this.worker.off('error', fail);
        resolve(result);
      });
      this.worker.postMessage({ kind: 'run', spec } satisfies WorkerRequest);
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage({ kind: 'close' } satisfies WorkerRequest);
    await exited;
  }
}

interface Measured {
  phase: PhaseResult;
  /** Wall-clock bounds, to find the phase's outbox rows. */
  from: Date;
  to: Date;
  wallSeconds: number;
  /** The service's event loop (this process's main thread): busy share of the phase. */
  serviceEventLoop: number;
  /** CPU ms by part: service (main thread), generator (worker thread), postgres, redis, broker. */
  cpuMs: Record<string, number>;
  machineBusy: number;
}

/** Runs a phase and measures the service's event loop and everyone's CPU around it. */
async function measured(
  h: IntakeHarness,
  brokerPid: number,
  name: string,
  run: () => Promise<PhaseResult>,
): Promise<Measured> {
  const parts = async () => ({
    postgres: await backendPids(h),
    // The whole Redis server: other clients of it count too.
    redis: pidsNamed('redis-server'),
    broker: [brokerPid],
  });
  const from = new Date();
  const loopBefore: EventLoopUtilization = performance.eventLoopUtilization();
  const threadBefore = process.threadCpuUsage();
  const before = readCpu(await parts());
  const started = performance.now();
  const phase = await profiled(PROFILE_DIR, `intake-create-${name}`, run);
  const wallSeconds = (performance.now() - started) / 1000;
  const thread = process.threadCpuUsage(threadBefore);
  const after = readCpu(await parts());
  const loop = performance.eventLoopUtilization(performance.eventLoopUtilization(), loopBefore);
  const cpu = cpuBetween(before, after);
  return {
    phase,
    from,
    to: new Date(),
    wallSeconds,
    serviceEventLoop: round(loop.utilization, 3),
    cpuMs: { service: (thread.user + thread.system) / 1000, generator: phase.generatorCpuMs, ...cpu.ms },
    machineBusy: round(cpu.machineBusy, 3),
  };
}

/** The PostgreSQL backends serving the bench's database (the service's pool and relay). */
async function backendPids(h: IntakeHarness): Promise<number[]> {
  const rows = await h.prisma.$queryRaw<{ pid: number }[]>`
    SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`;
  return rows.map((r) => r.pid);
}

function summary(m: Measured) {
  const p = m.phase;
  const latencies = Array.from(p.latencies);
  const created = p.requests - errorsOf(p);
  // Abandoned requests cost the service little or nothing: CPU is shared among the answered ones.
  const answered = p.requests - (p.statuses['0'] ?? 0);
  const perTicket: Record<string, number> = {};
  const perSecond: Record<string, number> = {};
  for (const [part, ms] of Object.entries(m.cpuMs)) {
    perTicket[part] = round(ms / Math.max(1, answered), 2);
    perSecond[part] = round(ms / 1000 / m.wallSeconds, 2);
  }
  return {
    requests: p.requests,
    seconds: round(p.seconds, 2),
    createdPerSecond: Math.round(created / p.seconds),
    errors: errorsOf(p),
    statuses: p.statuses,
    latencyMs: {
      p50: round(percentile(latencies, 50), 1),
      p95: round(percentile(latencies, 95), 1),
      p99: round(percentile(latencies, 99), 1),
      max: round(latencies.at(-1) ?? NaN, 1),
    },
    maxInFlight: p.maxInFlight,
    generatorSendLagP99Ms: round(p.sendLagP99Ms, 1),
    serviceEventLoopUtilization: m.serviceEventLoop,
    cpuMsPerTicket: perTicket,
    cpuSecondsPerSecond: perSecond,
    machineBusy: m.machineBusy,
  };
}

function errorsOf(phase: PhaseResult): number {
  return Object.entries(phase.statuses)
    .filter(([status]) => !/^2\d\d$/.test(status))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Waits until the relay has sent everything in the outbox, so that phases do not overlap. */
async function outboxDrained(h: IntakeHarness): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await h.prisma.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM outbox_event WHERE sent_at IS NULL`;
      return row?.n === 0;
    },
    { description: 'the outbox drained', timeoutMs: PUBLISH_DEADLINE_MS, intervalMs: 100 },
  );
}

/**
 * Every `ticket.received.v1` in the outbox and seen on Kafka (by the harness's collector), and the
 * publish lag per phase: the ticket's time to the relay's Kafka acknowledgement (sent_at).
 */
async function publicationOf(h: IntakeHarness, answeredDispatches: number, phases: Measured[]) {
  const started = performance.now();
  await outboxDrained(h);
  const [stored] = await h.prisma.$queryRaw<{ inOutbox: number; forwarded: number }[]>`
    SELECT (SELECT count(*)::int FROM outbox_event WHERE type = 'ticket.received.v1') AS "inOutbox",
      (SELECT count(*)::int FROM ticket WHERE status = 'forwarded') AS forwarded`;
  const inOutbox = stored?.inOutbox ?? 0;
  const received = () =>
    new Set(h.published.filter((e) => e.type === 'ticket.received.v1').map((e) => e.id)).size;
  await waitFor(() => received() >= inOutbox, {
    description: `${inOutbox} ticket.received.v1 on Kafka`,
    timeoutMs: PUBLISH_DEADLINE_MS,
    intervalMs: 100,
  });
  const drainedAfterMs = Math.round(performance.now() - started);
  const lagMs = [];
  for (const m of phases) {
    const [row] = await h.prisma.$queryRaw<{ events: number; p50: number; p99: number; max: number }[]>`
      SELECT count(*)::int AS events,
        percentile_disc(0.5) WITHIN GROUP (ORDER BY lag) AS p50,
        percentile_disc(0.99) WITHIN GROUP (ORDER BY lag) AS p99,
        max(lag) AS max
      FROM (SELECT EXTRACT(EPOCH FROM sent_at - created_at)::float8 * 1000 AS lag FROM outbox_event
            WHERE type = 'ticket.received.v1' AND created_at >= ${m.from} AND created_at < ${m.to}) AS sent`;
    lagMs.push({
      phase: m.phase.name,
      events: row?.events ?? 0,
      p50: round(row?.p50 ?? NaN, 1),
      p99: round(row?.p99 ?? NaN, 1),
      max: round(row?.max ?? NaN, 1),
    });
  }
  return {
    received: {
      /** 2xx answers to requests sent on for dispatch (abandoned ones may have been stored too). */
      answeredDispatches,
      forwardedTickets: stored?.forwarded ?? 0,
      inOutbox,
      published: received(),
    },
    allSentWithinMsOfLastRequest: drainedAfterMs,
    lagMs,
  };
}

/** What was stored: tickets, and how many the duplicate check linked to an earlier one. */
async function ticketCounts(h: IntakeHarness) {
  const [row] = await h.prisma.$queryRaw<
    { tickets: number; forwarded: number; answered: number; suggested: number }[]
  >`
    SELECT count(*)::int AS tickets,
      count(*) FILTER (WHERE status = 'forwarded')::int AS forwarded,
      count(*) FILTER (WHERE status = 'answered')::int AS answered,
      (SELECT count(DISTINCT ticket_id)::int FROM duplicate_suggestion) AS suggested
    FROM ticket`;
  const tickets = row?.tickets ?? 0;
  return {
    tickets,
    forwarded: row?.forwarded ?? 0,
    answered: row?.answered ?? 0,
    withDuplicateSuggestion: row?.suggested ?? 0,
    duplicateShare: tickets === 0 ? 0 : round((row?.suggested ?? 0) / tickets, 3),
  };
}

type Report = {
  machine: ReturnType<typeof machineInfo> & { loadAverage1mBefore: number };
  openLoop: ReturnType<typeof summary>;
  closedLoop: ReturnType<typeof summary>;
  publication: Awaited<ReturnType<typeof publicationOf>>;
  tickets: Awaited<ReturnType<typeof ticketCounts>>;
};

function table(r: Report, file: string): string {
  const o = r.openLoop;
  const c = r.closedLoop;
  const lag = (i: number) => {
    const l = r.publication.lagMs[i];
    return l ? `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.events} events)` : '';
  };
  const cpu = (m: typeof o) => {
    const parts = (values: Record<string, number>, unit: string) =>
      Object.entries(values)
        .map(([part, v]) => `${part} ${v}${unit}`)
        .join(', ');
    return `CPU per ticket: ${parts(m.cpuMsPerTicket, ' ms')}; service event loop busy ${Math.round(m.serviceEventLoopUtilization * 100)} %; machine busy ${Math.round(m.machineBusy * 100)} % of ${r.machine.cpus} cores`;
  };
  return [
    '',
    '| measure | value | target |',
    '| --- | --- | --- |',
    `| open loop: offered ${RATE}/s × ${SECONDS} s, achieved | ${o.createdPerSecond}/s (${o.requests} requests) | ${TARGET.atRatePerSecond}/s |`,
    `| open loop latency p50 / p95 / p99 / max (from due time) | ${o.latencyMs.p50} / ${o.latencyMs.p95} / ${o.latencyMs.p99} / ${o.latencyMs.max} ms | p99 < ${TARGET.p99Ms} ms |`,
    `| open loop errors (non-2xx; no answer counts) | ${o.errors} ${JSON.stringify(o.statuses)} | 0 |`,
    `| closed loop: ${CONNECTIONS} connections × ${SECONDS} s, creations/s | ${c.createdPerSecond}/s (${c.requests} requests) | ≥ ${TARGET.creationsPerSecond}/s |`,
    `| closed loop latency p50 / p95 / p99 / max | ${c.latencyMs.p50} / ${c.latencyMs.p95} / ${c.latencyMs.p99} / ${c.latencyMs.max} ms | |`,
    `| closed loop errors (non-2xx) | ${c.errors} | 0 |`,
    `| ticket.received.v1 published (outbox → Kafka) | ${r.publication.received.published} of ${r.publication.received.forwardedTickets} forwarded tickets, all sent ${r.publication.allSentWithinMsOfLastRequest} ms after the last request | all |`,
    `| publish lag at ${RATE}/s (ticket time → relay's Kafka ack) | ${lag(0)} | |`,
    `| publish lag, closed loop | ${lag(1)} | |`,
    `| tickets stored / with a duplicate suggestion | ${r.tickets.tickets} / ${r.tickets.withDuplicateSuggestion} (${Math.round(r.tickets.duplicateShare * 100)} %) | |`,
    `| load, open loop | ${cpu(o)} | |`,
    `| load, closed loop | ${cpu(c)} | |`,
    `| service thread: CPU per ticket (closed loop) → ceiling on one core | ${c.cpuMsPerTicket['service']} ms → ${ceiling(c.cpuMsPerTicket['service'])}/s | ≤ ${round(1000 / TARGET.creationsPerSecond, 2)} ms → ≥ ${TARGET.creationsPerSecond}/s |`,
    `machine: ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, load average ${r.machine.loadAverage1mBefore} before the run; service, load generator (worker thread), PostgreSQL, Redis and the broker share it`,
    `results: ${file}`,
    '',
  ].join('\n');
}

/** Tickets per second one fully used core would create at this much CPU per ticket. */
function ceiling(msPerTicket: number | undefined): number {
  return msPerTicket ? Math.round(1000 / msPerTicket) : NaN;
}

function round(value: number, digits: number): number {
  return Number.isFinite(value) ? +value.toFixed(digits) : value;
}

async function startBrokerProcess(): Promise<{ brokers: string; pid: number; stop: () => Promise<void> }> {
  const cli = join(root, 'libs/kafka-dev-broker/dist/cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: build it (npx nx run kafka-dev-broker:build)`);
  const child = spawn(process.execPath, [cli, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const brokers = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return {
    brokers,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
