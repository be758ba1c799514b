import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { cityPlaces } from '../bench/calls.ts';
import { DEFAULT_POSTGRES_URL, DEFAULT_REDIS_URL } from '../dev/config.ts';
import { markdownReport, percentiles, type BenchReport, type PhaseReport } from '../bench/report.ts';
import { launchNode, node } from './launch.ts';
import { findWorkspaceRoot } from '../dev/workspace.ts';

const root = findWorkspaceRoot();

const phase = (overrides: Partial<PhaseReport>): PhaseReport => ({
  name: 'saturation, 10 connections',
  kind: 'closed',
  offeredPerSecond: null,
  connections: 10,
  requests: 1000,
  seconds: 10,
  ticketsPerSecond: 100,
  errors: 0,
  shed: 0,
  statuses: { '201': 1000 },
  errorSamples: [],
  latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
  maxInFlight: 10,
  generatorSendLagP99Ms: 0,
  cpuMsPerTicket: { intake: 1, postgres: 1 },
  machineBusy: 0.9,
  peakResidentMB: { intake: 200, routing: 180, sla: 190 },
  ...overrides,
});

const report = (overrides: Partial<BenchReport>): BenchReport => ({
  benchmark: 'system',
  run: 'abcd1234',
  date: '2026-11-22T06:00:00.000Z',
  machine: { cpus: 2, cpu: 'test CPU', memoryGiB: 24, node: 'v22', loadAverage1mBefore: 0 },
  stack: 'own stack',
  postgres: { server_version: '15.0', fsync: 'on', synchronous_commit: 'on', autovacuum: 'off' },
  settings: { connections: 10 },
  targets: {
    intakeOverBaseline: 1,
    p99MsAtRate: { ratePerSecond: 1500, p99Ms: 50 },
    pipeline: { ticketsPerSecond: 500, dispatchedP99Ms: 500 },
    residentMemoryMB: 300,
  },
  baseline: {
    connections: 10,
    seconds: 10,
    inserts: 20_000,
    insertsPerSecond: 2000,
    latencyMs: { p50: 1, p99: 2 },
  },
  ceiling: {
    connections: 10,
    seconds: 10,
    requests: 30_000,
    requestsPerSecond: 3000,
    errors: 0,
    latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
  },
  phases: [
    phase({ ticketsPerSecond: 2400 }),
    phase({
      name: 'offered 1500/s',
      kind: 'open',
      offeredPerSecond: 1500,
      connections: null,
      ticketsPerSecond: 1500,
    }),
  ],
  pipeline: {
    offeredPerSecond: 500,
    seconds: 30,
    tickets: 15_000,
    dispatched: 15_000,
    armed: 15_000,
    ticketsPerSecond: 510,
    httpToDispatchedMs: { p50: 50, p95: 100, p99: 200, max: 300 },
    httpToArmedMs: { p50: 80, p95: 150, p99: 250, max: 400 },
    waitedSeconds: 1,
  },
  settleSeconds: { 'offered 1500/s': 2.5, 'pipeline at 500/s': null },
  reconciliation: { ok: true, lines: [] },
  wallSeconds: 100,
  ...overrides,
});

describe('npm run bench: the report', () => {
  it('takes percentiles by nearest rank', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(sorted)).toEqual({ p50: 51, p95: 96, p99: 100, max: 100 });
    expect(percentiles(new Float64Array()).p99).toBeNaN();
  });

  it('meets the targets only when every one is met', () => {
    const met = markdownReport(report({}));
    expect(met.met).toBe(true);
    expect(met.text).toContain('| intake ÷ baseline at 10 connections | 2400 ÷ 2000 = 1.20 | ≥ 1.0 | ✅ |');
    expect(met.text).toContain('autovacuum off (off on this server');
    expect(met.text).toContain('pipeline at 500/s not within the limit');
    expect(met.text).toContain('with group commit (p50 1 ms, p99 3 ms, 0 errors): 1.50 of the baseline.');
    expect(met.text).toContain('Intake at saturation reaches 0.80 of the ceiling.');

    const slow = markdownReport(report({ phases: [phase({ ticketsPerSecond: 1900 })] }));
    expect(slow.met).toBe(false);
    expect(slow.text).toContain('1900 ÷ 2000 = 0.95 | ≥ 1.0 | ❌');
    // No phase at the target's rate: that target is not met.
    expect(slow.text).toContain('| intake p99 at an offered 1500/s | not run | < 50 ms, none shed | ❌ |');
    // A bare HTTP server with group commit below the baseline: no intake can meet that target here.
    const bound = markdownReport(report({ ceiling: { ...report({}).ceiling, requestsPerSecond: 1000 } }));
    expect(bound.text).toContain(
      '0.50 of the baseline, so no intake reaches 1.0 × the baseline on this machine.',
    );
    // Fast because most of the offered load was shed: not met.
    const shedding = report({
      phases: [
        phase({ ticketsPerSecond: 2400 }),
        phase({
          name: 'offered 1500/s',
          kind: 'open',
          offeredPerSecond: 1500,
          ticketsPerSecond: 300,
          shed: 36_000,
        }),
      ],
    });
    expect(markdownReport(shedding).text).toContain(
      '| intake p99 at an offered 1500/s | 30 ms (300/s served, 36000 shed) | < 50 ms, none shed | ❌ |',
    );

    const heavy = report({ phases: [phase({ ticketsPerSecond: 2400, peakResidentMB: { intake: 320 } })] });
    expect(markdownReport(heavy).text).toMatch(/resident memory under load, peak \| intake 320 MB .*❌/);
    const late = report({ pipeline: { ...report({}).pipeline, armed: 14_999 } });
    expect(markdownReport(late).met).toBe(false);
    expect(markdownReport(report({ reconciliation: { ok: false, lines: [] } })).met).toBe(false);
  });

  it('places tickets in the sample city: every community, inside its street and district', () => {
    const places = cityPlaces(root, node);
    expect(places).toHaveLength(600);
    for (const p of places) {
      expect(p.communityCode.startsWith(p.streetCode)).toBe(true);
      expect(p.streetCode.startsWith(p.districtCode)).toBe(true);
      expect(p.spanLng).toBeGreaterThan(0);
      expect(p.spanLat).toBeGreaterThan(0);
    }
  });
});

describe('npm run bench: a short run end to end', () => {
  it('starts its own stack, measures every phase, reconciles, writes its result and cleans up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jsjb-bench-test-'));
    try {
      const run = launchNode(['tools/bench/bench.ts', '--no-build'], {
        BENCH_RESULTS_DIR: dir,
        BENCH_CONNECTIONS: '2',
        BENCH_SECONDS: '2',
        BENCH_WARMUP_SECONDS: '1',
        BENCH_RATES: '20',
        BENCH_PIPELINE_RATE: '20',
        BENCH_PIPELINE_SECONDS: '2',
        BENCH_SETTLE_SECONDS: '120',
        LOG_LEVEL: undefined,
      });
      const exit = await run.exit;
      expect({ code: exit.code, output: exit.code === 0 ? '' : run.output() }).toEqual({
        code: 0,
        output: '',
      });
      const [file] = await readdir(dir);
      const result = JSON.parse(await readFile(join(dir, file ?? ''), 'utf8')) as BenchReport;
      expect(result.baseline.insertsPerSecond).toBeGreaterThan(0);
      expect(result.ceiling).toMatchObject({ connections: 2, errors: 0 });
      expect(result.ceiling.requestsPerSecond).toBeGreaterThan(0);
      expect(result.phases.map((p) => [p.name, p.errors])).toEqual([
        ['saturation, 2 connections', 0],
        ['offered 20/s', 0],
        ['pipeline at 20/s', 0],
      ]);
      for (const p of result.phases) {
        expect(p.ticketsPerSecond).toBeGreaterThan(0);
        expect(p.latencyMs.p99).toBeGreaterThan(0);
        expect(p.cpuMsPerTicket['intake']).toBeGreaterThan(0);
        for (const service of ['intake', 'routing', 'sla'])
          expect(p.peakResidentMB[service]).toBeGreaterThan(0);
      }
      expect(result.pipeline.tickets).toBeGreaterThan(0);
      expect(result.pipeline.armed).toBe(result.pipeline.tickets);
      expect(result.pipeline.httpToArmedMs.p50).toBeGreaterThanOrEqual(
        result.pipeline.httpToDispatchedMs.p50,
      );
      expect(result.reconciliation.ok).toBe(true);
      expect(run.output()).toContain('| target | measured | wanted | met |');
      // Its own databases and Redis keys are gone.
      const server = new pg.Client({ connectionString: process.env['POSTGRES_URL'] ?? DEFAULT_POSTGRES_URL });
      await server.connect();
      const { rows } = await server
        .query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`jsjb_bench_${result.run}%`])
        .finally(() => server.end());
      expect(rows).toEqual([]);
      const redis = new Redis(process.env['REDIS_URL'] ?? DEFAULT_REDIS_URL);
      const keys = await redis.keys(`jsjb:jsjb_bench_${result.run}:*`).finally(() => redis.disconnect());
      expect(keys).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
