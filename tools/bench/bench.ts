// `npm run bench`: the whole system's throughput and latency on this machine, in one run.
//
// It starts a stack of its own (own databases, Redis prefix and ports; the Kafka dev broker; the local
// PostgreSQL and Redis), or targets a running one with `--url <intake URL>` (found as `npm run
// reconcile` finds it: POSTGRES_URL, JSJB_DATABASE_PREFIX, REDIS_URL, REDIS_KEY_PREFIX, KAFKA_BROKERS),
// and drives generated requests — hotline calls and residents' online submissions, 50 kinds of
// matter, places all over the sample city — from a worker thread. It measures:
//   - baseline: single-row INSERTs through `pg` with synchronous commit, at the same concurrency:
//     the machine's limit for a durable write, one per transaction;
//   - ceiling: the same generator against a bare HTTP server that commits each request's body as one
//     row with group commit: the limit for any intake behind HTTP on this machine;
//   - intake: tickets per second sustained and latency p50/p95/p99 at fixed offered rates (open
//     loop, latency from each request's due time) and at saturation (closed loop, N connections);
//   - pipeline: at a fixed offered rate, each ticket from intake's answer to routing's
//     `ticket.dispatched.v1` and to sla's clocks armed (from the stores' timestamps);
//   - each service's resident memory (its /metrics), and where the CPU went.
// Between phases it waits for the system to settle (every event applied). At the end it reconciles
// the stores (tools/system/reconcile.ts): a fast result that loses or duplicates anything is a failure.
// Results: bench/results/<date>.json and a markdown table. Exit 1 on errors, a failed
// reconciliation, or (BENCH_ENFORCE=true) a missed target.
//
// Environment (whole numbers): BENCH_CONNECTIONS (10), BENCH_RATES (comma-separated offered rates,
// "500,1000,1500"), BENCH_SECONDS (per phase, 20), BENCH_WARMUP_SECONDS (10), BENCH_PIPELINE_RATE
// (500), BENCH_PIPELINE_SECONDS (30), BENCH_ONLINE_PERCENT (share submitted online, 25).
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import {
  DEFAULT_DEV_BROKER_PORT,
  integerSetting,
  planPorts,
  SERVICE_MEMORY,
  SERVICES,
  stackDatabaseUrls,
  type DevOptions,
  type Env,
  type ServiceName,
} from '../dev/config.ts';
import { httpGet, isPortOpen } from '../dev/net.ts';
import { pollUntil } from '../dev/process.ts';
import {
  prepareThrowawayStack,
  runLauncher,
  spawnService,
  startKafkaDevBroker,
  throwIfStopping,
  waitForReady,
  type DevContext,
} from '../dev/stack.ts';
import { DevError } from '../dev/workspace.ts';
import { mintTokens } from '../system/client.ts';
import { formatReport, reconcile, reconcileTarget } from '../system/reconcile.ts';
import { durableInsertBaseline, type BaselineResult } from './baseline.ts';
import { httpWriteCeiling } from './ceiling.ts';
import { CALL_PHRASES, CALL_TEMPLATES, cityPlaces } from './calls.ts';
import { cpuBetween, pidsNamed, readCpu } from './cpu.ts';
import type { LoadSetup, PhaseResult, PhaseSpec, WorkerRequest } from './load.worker.ts';
import { pipelineTimes } from './pipeline.ts';
import { markdownReport, percentiles, type BenchReport, type PhaseReport } from './report.ts';
import { writeResult } from './results.ts';

/** The targets of issue 9 on this 2-core machine. */
export const TARGETS = {
  intakeOverBaseline: 1.0,
  p99MsAtRate: { ratePerSecond: 1500, p99Ms: 50 },
  pipeline: { ticketsPerSecond: 500, dispatchedP99Ms: 500 },
  residentMemoryMB: 300,
} as const;

/** What the stack's services are told for the bench (besides npm start's wiring). */
const SERVICE_SETTINGS = {
  // Request logs would be most of the output; failures still print.
  LOG_LEVEL: 'warn',
  // All requests come from one address and a few thousand numbers: the abuse screen still runs on
  // each (its Redis round trip is measured) but no limit is reached.
  ABUSE_PHONE_LIMIT: '1000000',
  ABUSE_IP_LIMIT: '1000000',
  ABUSE_REPEAT_COUNT: '1000000',
  DEV_CLOCK_CONTROL: 'false',
  // Memory bounded as in the production image (only the services get the Node flags).
  JSJB_SERVICE_NODE_OPTIONS: SERVICE_MEMORY.nodeOptions,
  MALLOC_ARENA_MAX: SERVICE_MEMORY.mallocArenaMax,
} as const;

interface Target {
  ports: Record<ServiceName, number>;
  databaseUrls: Record<ServiceName, string>;
  postgresUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  kafkaBrokers: string;
  env: Env;
}

interface Settings {
  connections: number;
  rates: number[];
  seconds: number;
  warmupSeconds: number;
  pipelineRate: number;
  pipelineSeconds: number;
  onlineShare: number;
  /** How long to wait for the system to catch up after a phase. */
  settleSeconds: number;
  /** Where the result goes (default bench/results). */
  resultsDir: string | undefined;
  enforce: boolean;
}

function settingsOf(env: Env): Settings {
  const rates = (env['BENCH_RATES'] ?? '500,1000,1500')
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of rates) {
    if (!/^\d+$/.test(r) || Number(r) < 1) throw new DevError(`BENCH_RATES: "${r}" is not a rate per second`);
  }
  return {
    connections: integerSetting(env, 'BENCH_CONNECTIONS', 10, 1, 1024),
    rates: rates.map(Number),
    seconds: integerSetting(env, 'BENCH_SECONDS', 20, 1, 3600),
    warmupSeconds: integerSetting(env, 'BENCH_WARMUP_SECONDS', 10, 0, 3600),
    pipelineRate: integerSetting(env, 'BENCH_PIPELINE_RATE', 500, 1, 100_000),
    pipelineSeconds: integerSetting(env, 'BENCH_PIPELINE_SECONDS', 30, 1, 3600),
    onlineShare: integerSetting(env, 'BENCH_ONLINE_PERCENT', 25, 0, 100) / 100,
    settleSeconds: integerSetting(env, 'BENCH_SETTLE_SECONDS', 600, 1, 86_400),
    resultsDir: env['BENCH_RESULTS_DIR'] || undefined,
    enforce: env['BENCH_ENFORCE'] === 'true',
  };
}

/** `--url <intake URL>`: the rest of the arguments are the launcher's. */
function splitArguments(argv: readonly string[]): { url: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--url') url = argv[++i];
    else if (arg.startsWith('--url=')) url = arg.slice('--url='.length);
    else rest.push(arg);
  }
  if (url !== undefined && !/^https?:\/\/[^/]+/.test(url)) {
    throw new DevError(`--url must be intake's base URL (http://host:port), got "${url ?? ''}"`);
  }
  return { url, rest };
}

/** A stack of the bench's own, stopped and dropped at the end. */
async function ownStack(ctx: DevContext, options: DevOptions, run: string): Promise<Target> {
  const own = await prepareThrowawayStack(ctx, options, {
    prefix: `jsjb_bench_${run}`,
    env: { ...SERVICE_SETTINGS, ...ctx.env },
  });
  const { stack, ports } = own;
  const kafka = await startKafkaDevBroker(own.ctx);
  throwIfStopping(ctx);
  for (const service of SERVICES) spawnService(own.ctx, service, stack, kafka.brokers, ports[service]);
  return {
    ports,
    databaseUrls: stack.databaseUrls,
    postgresUrl: stack.postgresUrl,
    redisUrl: stack.redisUrl,
    redisKeyPrefix: own.redisKeyPrefix,
    kafkaBrokers: kafka.brokers,
    env: own.ctx.env,
  };
}

/** A running stack (npm start's), found as `npm run reconcile` finds it. */
async function runningStack(ctx: DevContext, options: DevOptions, url: string): Promise<Target> {
  const intakePort = Number(new URL(url).port || 80);
  const ports = planPorts(intakePort - 1);
  let kafkaBrokers = options.kafkaBrokers;
  if (kafkaBrokers === undefined && (await isPortOpen(DEFAULT_DEV_BROKER_PORT)))
    kafkaBrokers = `127.0.0.1:${DEFAULT_DEV_BROKER_PORT}`;
  if (kafkaBrokers === undefined) throw new DevError('no Kafka at KAFKA_BROKERS or 127.0.0.1:9092');
  return {
    ports,
    databaseUrls: stackDatabaseUrls(options.postgresUrl, options.databasePrefix),
    postgresUrl: options.postgresUrl,
    redisUrl: options.redisUrl,
    redisKeyPrefix: ctx.env['REDIS_KEY_PREFIX'] ?? 'jsjb:',
    kafkaBrokers,
    env: ctx.env,
  };
}

async function ready(target: Target, signal: AbortSignal): Promise<void> {
  for (const service of SERVICES)
    await waitForReady(service, target.ports[service], { timeoutMs: 120_000, intervalMs: 250, signal });
}

/** The catalogue intake knows (routing publishes it once it has loaded the sample city). */
async function knownCategories(intakeUrl: string, signal: AbortSignal): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: intakeUrl });
  await client.connect();
  try {
    const codes = await pollUntil(
      async () => {
        const areas = await client.query(`SELECT 1 FROM reference_area WHERE level = 'community' LIMIT 1`);
        const items = await client.query<{ code: string }>('SELECT code FROM reference_catalogue_item');
        return areas.rowCount && items.rowCount ? new Set(items.rows.map((r) => r.code)) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, signal },
    );
    if (codes === undefined) throw new DevError('intake did not receive the sample city and the catalogue');
    return codes;
  } finally {
    await client.end();
  }
}

/**
 * The PostgreSQL settings that decide what the figures mean: durability, and whether autovacuum
 * keeps the outbox tables' dead rows and the planner's statistics in check (off on some CI servers).
 */
async function serverSettings(serverUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])`,
      [['server_version', 'fsync', 'synchronous_commit', 'autovacuum', 'shared_buffers', 'max_connections']],
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await client.end();
  }
}

/** Resident memory and CPU seconds of each service, from its /metrics. */
/**
 * Each service's resident memory and CPU seconds from its /metrics (NaN when it does not answer in
 * `timeoutMs`). The CPU readings around a phase wait longer: an overloaded service answers late.
 */
async function serviceGauges(
  target: Target,
  timeoutMs = 5000,
): Promise<Record<ServiceName, { rss: number; cpu: number }>> {
  const gauges = {} as Record<ServiceName, { rss: number; cpu: number }>;
  for (const service of SERVICES) {
    const res = await httpGet(`http://127.0.0.1:${target.ports[service]}/metrics`, timeoutMs).catch(
      () => undefined,
    );
    const text = res?.body ?? '';
    const value = (name: string) =>
      Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    gauges[service] = {
      rss: value('process_resident_memory_bytes'),
      cpu: value('process_cpu_seconds_total'),
    };
  }
  return gauges;
}

/** Samples the services' resident memory every second; the peak per service. */
class MemoryWatch {
  readonly peakMB = {} as Record<ServiceName, number>;
  private timer: NodeJS.Timeout | undefined;
  private readonly target: Target;

  constructor(target: Target) {
    this.target = target;
    for (const service of SERVICES) this.peakMB[service] = 0;
  }

  start(): void {
    const sample = async (): Promise<void> => {
      const gauges = await serviceGauges(this.target);
      for (const service of SERVICES) {
        // Decimal megabytes, as the target (300 MB) is stated.
        const mb = gauges[service].rss / 1e6;
        if (Number.isFinite(mb)) this.peakMB[service] = Math.max(this.peakMB[service], Math.round(mb));
      }
      this.timer = setTimeout(() => void sample(), 1000);
    };
    void sample();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

/** The load generator's thread and its phases, one at a time. */
class LoadWorker {
  private readonly worker: Worker;

  constructor(setup: LoadSetup) {
    this.worker = new Worker(new URL('./load.worker.ts', import.meta.url), { workerData: setup });
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

/** One line that keeps being rewritten on a terminal; a line every few seconds elsewhere. */
class Progress {
  private readonly tty = process.stdout.isTTY === true;
  private last = 0;

  show(text: string): void {
    if (this.tty) process.stdout.write(`\r\x1b[K${text}`);
    else if (Date.now() - this.last > 5000) {
      process.stdout.write(`${text}\n`);
      this.last = Date.now();
    }
  }

  done(text: string): void {
    process.stdout.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
    this.last = 0;
  }
}

function bar(share: number, width = 30): string {
  const full = Math.max(0, Math.min(width, Math.round(share * width)));
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** Runs a phase with a progress bar, measuring each part's CPU and the services' memory around it. */
async function measuredPhase(
  target: Target,
  load: LoadWorker,
  spec: PhaseSpec,
  progress: Progress,
): Promise<{ phase: PhaseResult; report: PhaseReport }> {
  const local = ['127.0.0.1', 'localhost'].includes(new URL(target.postgresUrl).hostname);
  const parts = (): Record<string, number[]> =>
    local ? { postgres: pidsNamed('postgres'), redis: pidsNamed('redis-server') } : {};
  const gaugesBefore = await serviceGauges(target, 60_000);
  const cpuBefore = readCpu(parts());
  const watch = new MemoryWatch(target);
  watch.start();
  const started = performance.now();
  const ticker = setInterval(() => {
    const elapsed = (performance.now() - started) / 1000;
    progress.show(
      `${spec.name} ${bar(elapsed / spec.seconds)} ${Math.min(elapsed, spec.seconds).toFixed(0)}/${spec.seconds} s`,
    );
  }, 250);
  let phase: PhaseResult;
  try {
    phase = await load.run(spec);
  } finally {
    clearInterval(ticker);
    watch.stop();
  }
  const gaugesAfter = await serviceGauges(target, 60_000);
  const cpu = cpuBetween(cpuBefore, readCpu(parts()));
  const answered = Math.max(1, phase.requests - (phase.statuses['0'] ?? 0));
  const cpuMsPerTicket: Record<string, number> = {};
  for (const service of SERVICES) {
    cpuMsPerTicket[service] = round(
      ((gaugesAfter[service].cpu - gaugesBefore[service].cpu) * 1000) / answered,
      2,
    );
  }
  for (const [part, ms] of Object.entries(cpu.ms)) cpuMsPerTicket[part] = round(ms / answered, 2);
  cpuMsPerTicket['load generator'] = round(phase.generatorCpuMs / answered, 2);
  const errors = errorsOf(phase);
  const report: PhaseReport = {
    name: phase.name,
    kind: spec.kind,
    offeredPerSecond: spec.kind === 'open' ? spec.ratePerSecond : null,
    connections: spec.kind === 'closed' ? spec.connections : null,
    requests: phase.requests,
    seconds: round(phase.seconds, 2),
    ticketsPerSecond: Math.round((phase.requests - errors - phase.shed) / phase.seconds),
    errors,
    shed: phase.shed,
    statuses: phase.statuses,
    errorSamples: phase.errorSamples,
    latencyMs: percentiles(phase.latencies),
    maxInFlight: phase.maxInFlight,
    generatorSendLagP99Ms: round(phase.sendLagP99Ms, 1),
    cpuMsPerTicket,
    machineBusy: round(cpu.machineBusy, 3),
    peakResidentMB: { ...watch.peakMB },
  };
  progress.done(
    `${spec.name}: ${report.ticketsPerSecond}/s, p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, ` +
      `${phase.shed} shed, ${errors} errors; machine ${Math.round(report.machineBusy * 100)} % busy`,
  );
  return { phase, report };
}

/** Answers neither 2xx nor shed (a shed request is answered as designed: 503 SERVICE.OVERLOADED). */
function errorsOf(phase: PhaseResult): number {
  const non2xx = Object.entries(phase.statuses)
    .filter(([status]) => !/^2\d\d$/.test(status))
    .reduce((sum, [, n]) => sum + n, 0);
  return non2xx - phase.shed;
}

function round(value: number, digits: number): number {
  return Number.isFinite(value) ? +value.toFixed(digits) : value;
}

/**
 * Waits until the system has caught up: every outbox sent and every consumer group at the end of
 * every partition it has read. Later phases then do not pay for earlier ones' backlog.
 */
async function settle(
  target: Target,
  progress: Progress,
  signal: AbortSignal,
  timeoutMs = 600_000,
): Promise<number | null> {
  const started = performance.now();
  const admin = new Kafka({
    clientId: 'jsjb-bench',
    brokers: target.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const clients = SERVICES.map((s) => new pg.Client({ connectionString: target.databaseUrls[s] }));
  await Promise.all(clients.map((c) => c.connect()));
  try {
    let quietPolls = 0;
    const settled = await pollUntil(
      async () => {
        let unsent = 0;
        for (const client of clients) {
          const { rows } = await client.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM outbox_event WHERE sent_at IS NULL',
          );
          unsent += rows[0]?.n ?? 0;
        }
        const lag = await consumerLag(admin);
        progress.show(`settling: ${unsent} events to publish, ${lag} to apply`);
        quietPolls = unsent === 0 && lag === 0 ? quietPolls + 1 : 0;
        return quietPolls >= 2 ? true : undefined;
      },
      { timeoutMs, intervalMs: 500, signal },
    );
    const seconds = (performance.now() - started) / 1000;
    // Not settled: the next phase starts with a backlog (recorded as null); the last reconciliation tells.
    progress.done(
      settled
        ? `settled in ${seconds.toFixed(1)} s`
        : `NOT settled within ${timeoutMs / 1000} s: the next phase starts with a backlog`,
    );
    return settled ? round(seconds, 1) : null;
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await admin.disconnect();
  }
}

/** Messages the consumer groups have yet to read, over the partitions each has committed on. */
async function consumerLag(admin: ReturnType<Kafka['admin']>): Promise<number> {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith('jsjb.') && !t.endsWith('.dlq'));
  const high = new Map<string, number>();
  for (const topic of topics) {
    for (const o of await admin.fetchTopicOffsets(topic))
      high.set(`${topic}[${o.partition}]`, Number(o.high));
  }
  const { groups } = await admin.listGroups();
  let lag = 0;
  for (const { groupId } of groups) {
    for (const topic of await admin.fetchOffsets({ groupId, topics })) {
      for (const p of topic.partitions) {
        const at = Number(p.offset);
        if (at < 0) continue; // never read by this group
        lag += Math.max(0, (high.get(`${topic.topic}[${p.partition}]`) ?? 0) - at);
      }
    }
  }
  return lag;
}

async function bench(ctx: DevContext, options: DevOptions, url: string | undefined): Promise<number> {
  const settings = settingsOf(ctx.env);
  const run = randomBytes(4).toString('hex');
  const progress = new Progress();
  const loadBefore = round(loadavg()[0] ?? NaN, 2);
  ctx.output.info(
    url
      ? `bench ${run} against the stack at ${url}`
      : `bench ${run}: starting a stack of its own (databases jsjb_bench_${run}_*)`,
  );
  const target = url ? await runningStack(ctx, options, url) : await ownStack(ctx, options, run);
  await ready(target, ctx.signal);
  const categories = await knownCategories(target.databaseUrls.intake, ctx.signal);
  const templates = CALL_TEMPLATES.filter((t) => categories.has(t.categoryCode));
  const unknown = CALL_TEMPLATES.filter((t) => !categories.has(t.categoryCode)).map((t) => t.categoryCode);
  if (unknown.length > 0) ctx.output.warn(`not in the stack's catalogue, left out: ${unknown.join(', ')}`);
  const places = cityPlaces(ctx.root, ctx.node);
  const server = await serverSettings(target.postgresUrl);
  const setup: LoadSetup = {
    host: '127.0.0.1',
    port: target.ports.intake,
    authorizations: mintTokens({ role: 'operator', sub: `bench-operator-${run}` }, 12).map(
      (t) => `Bearer ${t}`,
    ),
    residents: mintTokens({ role: 'resident', sub: `resident:bench-${run}` }, 200).map((t) => `Bearer ${t}`),
    onlineShare: settings.onlineShare,
    templates,
    places,
    phrases: CALL_PHRASES,
    callers: 50_000,
    withCodesShare: 0.3,
    operatorChoosesShare: 0.5,
    runId: run,
    seed: 12_345,
  };
  const load = new LoadWorker(setup);
  const started = performance.now();
  try {
    const phases: PhaseReport[] = [];
    const settleSeconds: Record<string, number | null> = {};
    if (settings.warmupSeconds > 0) {
      await measuredPhase(
        target,
        load,
        {
          kind: 'closed',
          name: 'warm-up',
          connections: settings.connections,
          seconds: settings.warmupSeconds,
        },
        progress,
      );
      settleSeconds['warm-up'] = await settle(target, progress, ctx.signal, settings.settleSeconds * 1000);
    }
    progress.show(`baseline: durable single-row INSERTs, ${settings.connections} connections`);
    const baseline: BaselineResult = await durableInsertBaseline(
      target.postgresUrl,
      `jsjb_bench_${run}_baseline`,
      settings.connections,
      settings.seconds,
    );
    progress.done(
      `baseline: ${baseline.insertsPerSecond} durable INSERTs/s with ${baseline.connections} connections ` +
        `(p50 ${baseline.latencyMs.p50} ms, p99 ${baseline.latencyMs.p99} ms)`,
    );
    progress.show(`ceiling: a bare HTTP server with group commit, ${settings.connections} connections`);
    const ceiling = await httpWriteCeiling(
      ctx,
      target.postgresUrl,
      `jsjb_bench_${run}_ceiling`,
      settings.connections,
      async (port) => {
        const bare = new LoadWorker({ ...setup, port });
        try {
          const spec = { kind: 'closed', connections: settings.connections } as const;
          // Its first second warms its connections and the JIT, as the stack's warm-up does.
          await bare.run({ ...spec, name: 'ceiling warm-up', seconds: 1 });
          return await bare.run({ ...spec, name: 'ceiling', seconds: settings.seconds });
        } finally {
          await bare.close();
        }
      },
    );
    progress.done(
      `ceiling: ${ceiling.requestsPerSecond} requests/s through a bare HTTP server with group commit ` +
        `(p50 ${ceiling.latencyMs.p50} ms, p99 ${ceiling.latencyMs.p99} ms, ${ceiling.errors} errors)`,
    );
    const saturation = await measuredPhase(
      target,
      load,
      {
        kind: 'closed',
        name: `saturation, ${settings.connections} connections`,
        connections: settings.connections,
        seconds: settings.seconds,
      },
      progress,
    );
    phases.push(saturation.report);
    settleSeconds[saturation.report.name] = await settle(
      target,
      progress,
      ctx.signal,
      settings.settleSeconds * 1000,
    );
    for (const rate of settings.rates) {
      const { report } = await measuredPhase(
        target,
        load,
        {
          kind: 'open',
          name: `offered ${rate}/s`,
          ratePerSecond: rate,
          seconds: settings.seconds,
          graceSeconds: 30,
        },
        progress,
      );
      phases.push(report);
      settleSeconds[report.name] = await settle(target, progress, ctx.signal, settings.settleSeconds * 1000);
    }
    const pipelineRun = await measuredPhase(
      target,
      load,
      {
        kind: 'open',
        name: `pipeline at ${settings.pipelineRate}/s`,
        ratePerSecond: settings.pipelineRate,
        seconds: settings.pipelineSeconds,
        graceSeconds: 30,
        track: true,
      },
      progress,
    );
    phases.push(pipelineRun.report);
    progress.show('pipeline: waiting for every ticket to be dispatched and its clocks armed');
    const pipelineStarted = performance.now();
    const { ids, answeredAt } = pipelineRun.phase.tracked;
    const times = await pipelineTimes(
      {
        routingUrl: target.databaseUrls.routing,
        slaUrl: target.databaseUrls.sla,
        redisUrl: target.redisUrl,
        redisKeyPrefix: target.redisKeyPrefix,
      },
      ids,
      300_000,
      ctx.signal,
    );
    const toDispatched: number[] = [];
    const toArmed: number[] = [];
    let lastArmed = 0;
    ids.forEach((id, i) => {
      const answered = answeredAt[i] ?? 0;
      const dispatched = times.dispatchedAt.get(id);
      const armed = times.armedAt.get(id);
      if (dispatched !== undefined) toDispatched.push(dispatched - answered);
      if (armed !== undefined) {
        toArmed.push(armed - answered);
        lastArmed = Math.max(lastArmed, armed);
      }
    });
    const firstAnswer = Math.min(...answeredAt);
    const pipeline = {
      offeredPerSecond: settings.pipelineRate,
      seconds: settings.pipelineSeconds,
      tickets: ids.length,
      dispatched: toDispatched.length,
      armed: toArmed.length,
      /** Tickets through to armed clocks per second, from the first answer to the last clock armed. */
      ticketsPerSecond: Math.round(toArmed.length / Math.max(0.001, (lastArmed - firstAnswer) / 1000)),
      httpToDispatchedMs: percentiles(Float64Array.from(toDispatched).sort()),
      httpToArmedMs: percentiles(Float64Array.from(toArmed).sort()),
      waitedSeconds: round((performance.now() - pipelineStarted) / 1000, 1),
    };
    progress.done(
      `pipeline: ${pipeline.armed} of ${pipeline.tickets} through at ${pipeline.ticketsPerSecond}/s; ` +
        `HTTP → dispatched p50 ${pipeline.httpToDispatchedMs.p50} ms, p99 ${pipeline.httpToDispatchedMs.p99} ms; ` +
        `→ clocks armed p50 ${pipeline.httpToArmedMs.p50} ms, p99 ${pipeline.httpToArmedMs.p99} ms`,
    );
    settleSeconds[pipelineRun.report.name] = await settle(
      target,
      progress,
      ctx.signal,
      settings.settleSeconds * 1000,
    );

    progress.show('reconciling the stores');
    const reconciliation = await reconcile(
      reconcileTarget({
        root: ctx.root,
        node: ctx.node,
        env: target.env,
        databaseUrls: target.databaseUrls,
        redisUrl: target.redisUrl,
        kafkaBrokers: target.kafkaBrokers,
      }),
    );
    progress.done(`reconciliation: ${reconciliation.ok ? 'every check matches' : 'FAILED'}`);
    const report: BenchReport = {
      benchmark: 'system',
      run,
      date: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverage1mBefore: loadBefore,
      },
      stack: url
        ? `running stack at ${url}, with its own service settings and memory bounds (npm start sets none: compare memory from the bench's own stack only)`
        : 'own stack: three services, dev broker, local PostgreSQL and Redis',
      postgres: server,
      settings: {
        ...settings,
        serviceSettings: SERVICE_SETTINGS,
        templates: templates.length,
        places: places.length,
      },
      targets: TARGETS,
      baseline,
      ceiling,
      phases,
      pipeline,
      settleSeconds,
      reconciliation: { ok: reconciliation.ok, lines: formatReport(reconciliation) },
      wallSeconds: round((performance.now() - started) / 1000, 1),
    };
    const file = await writeResult(settings.resultsDir ?? join(ctx.root, 'bench', 'results'), report);
    const { text, met } = markdownReport(report);
    process.stdout.write(`\n${text}\nresults: ${file}\n`);
    if (!reconciliation.ok) for (const line of report.reconciliation.lines) ctx.output.error(line);
    const errors = phases.reduce((sum, p) => sum + p.errors, 0);
    if (errors > 0) ctx.output.error(`${errors} requests failed: see errorSamples in ${file}`);
    if (ceiling.errors > 0) ctx.output.error(`${ceiling.errors} requests to the ceiling's server failed`);
    const ok = reconciliation.ok && errors === 0 && ceiling.errors === 0 && (!settings.enforce || met);
    return ok ? 0 : 1;
  } finally {
    await load.close();
  }
}

let url: string | undefined;
let rest: string[];
try {
  ({ url, rest } = splitArguments(process.argv.slice(2)));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
await runLauncher((ctx, options) => bench(ctx, options, url), { interruptedExitCode: 130, argv: rest });
