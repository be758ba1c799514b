import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { machineInfo, percentile, waitFor, writeBenchResult } from '@jsjb/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  createKafka,
  EventConsumerServer,
  Outbox,
  RethrowEventErrorsFilter,
  type EventContext,
  type NewEvent,
} from '../src';
import { createTestDb, TEST_EVENT, testCatalog, type TestEvent } from '../test/support';
import type { Prisma } from '../test/generated/prisma/client';

/**
 * Outbox → relay (its own process) → Kafka (the dev broker, its own process) → consumer →
 * handler in PostgreSQL. Phase 1 fills the outbox and times how fast it drains into the
 * handler (throughput); phase 2 offers a fixed rate and measures latency from the event's time
 * to its handler.
 * Targets: ≥ 5,000 events/s and p99 < 100 ms.
 */
const root = join(__dirname, '../../..');
const FIXED_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);

interface Scenario {
  name: string;
  /** What the handler does besides the inbox record: nothing, or one Prisma insert per event. */
  effect: 'none' | 'prisma-insert';
  saturationEvents: number;
  fixedRate: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: 'pipeline: outbox → relay → Kafka → consumer (inbox only)',
    effect: 'none',
    saturationEvents: 40_000,
    fixedRate: 2_000,
  },
  {
    name: 'pipeline + one Prisma insert per event in the handler',
    effect: 'prisma-insert',
    saturationEvents: 15_000,
    fixedRate: 1_000,
  },
];
const EVENTS_PER_TX = 50;
const WRITERS = 4;

async function startBrokerProcess(): Promise<{ brokers: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(root, 'libs/kafka-dev-broker/dist/cli.js'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

describe('messaging benchmark', () => {
  it('measures outbox → consumer throughput and latency through the dev broker', async () => {
    const broker = await startBrokerProcess();
    const results = [];
    try {
      for (const scenario of SCENARIOS) results.push(await runScenario(scenario, broker.brokers));
    } finally {
      await broker.stop();
    }
    const report = {
      benchmark: 'messaging',
      date: new Date().toISOString(),
      machine: machineInfo(),
      targets: { eventsPerSecond: 5000, p99Ms: 100 },
      scenarios: results,
    };
    const file = await writeBenchResult('messaging', report.date, report);
    const lines = [
      '',
      '| scenario | throughput (saturation) | offered rate | latency p50 | p99 | max |',
      '| --- | --- | --- | --- | --- | --- |',
    ];
    for (const r of results) {
      lines.push(
        `| ${r.name} | ${r.saturation.eventsPerSecond} events/s (${r.saturation.events}) | ${r.fixedRate.offeredPerSecond}/s | ${r.fixedRate.latencyMs.p50} ms | ${r.fixedRate.latencyMs.p99} ms | ${r.fixedRate.latencyMs.max} ms |`,
      );
    }
    lines.push(
      `targets: ≥ 5,000 events/s, p99 < 100 ms; machine: ${report.machine.cpus} × ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}`,
    );
    lines.push(`results: ${file}`, '');
    process.stdout.write(lines.join('\n'));
    for (const r of results) expect(r.handled).toBe(r.saturation.events + r.fixedRate.events);
  });
});

async function runScenario(scenario: Scenario, brokers: string) {
  const db = await createTestDb('bench');
  const { catalog } = testCatalog();
  const kafka = createKafka({ brokers: [brokers], clientId: 'bench' });
  const outbox = new Outbox(catalog, 'jsjb/bench');
  const latencies: number[] = [];
  let handled = 0;
  let measuring = false;

  @Controller()
  class BenchHandler {
    @EventPattern(TEST_EVENT)
    async on(@Payload() event: TestEvent, @Ctx() ctx: EventContext<Prisma.TransactionClient>): Promise<void> {
      if (scenario.effect === 'prisma-insert') {
        await ctx.tx.testEffect.create({
          data: { eventId: ctx.envelope.id, subject: event.subject, n: event.n },
        });
      }
      handled += 1;
      if (measuring) latencies.push(Date.now() - Date.parse(ctx.envelope.time));
    }
  }
  @Module({ controllers: [BenchHandler] })
  class BenchModule {}

  const server = new EventConsumerServer({
    kafka,
    groupId: `bench-${randomBytes(3).toString('hex')}`,
    catalog,
    consumes: [TEST_EVENT],
    transactions: db.prisma,
    maxWaitTimeMs: 20,
  });
  const app = await NestFactory.createMicroservice(BenchModule, { strategy: server, logger: false });
  app.useGlobalFilters(new RethrowEventErrorsFilter());
  await app.listen();

  let next = 0;
  const batch = (size: number): NewEvent[] =>
    Array.from({ length: size }, () => {
      const n = next++;
      // ~4 events per ticket-like aggregate, as a ticket's lifecycle would have.
      return {
        type: TEST_EVENT,
        subject: `T${Math.floor(n / 4)}`,
        data: { subject: `T${Math.floor(n / 4)}`, n: (n % 4) + 1 },
      };
    });

  let relay: { stop: () => Promise<void> } | undefined;
  try {
    // Phase 1: saturation — fill the outbox, then time how fast relay and consumer drain it.
    const writeStarted = performance.now();
    let queued = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (queued < scenario.saturationEvents) {
          queued += EVENTS_PER_TX;
          const events = batch(EVENTS_PER_TX);
          await db.prisma.$transaction((tx) => outbox.addMany(tx, events));
        }
      }),
    );
    const written = queued;
    const writeSeconds = (performance.now() - writeStarted) / 1000;
    const started = performance.now();
    // The relay runs in the producing service, the consumer in another: separate processes here too.
    relay = await startRelayProcess({
      DATABASE_URL: db.database.url,
      KAFKA_BROKERS: brokers,
      BATCH_SIZE: '1000',
      RELAY_ID: 'bench',
    });
    await waitFor(() => handled >= written, {
      description: `${written} handled events`,
      timeoutMs: 300_000,
      intervalMs: 20,
    });
    const seconds = (performance.now() - started) / 1000;

    // Phase 2: a fixed offered rate, in 20 ms ticks.
    measuring = true;
    const before = handled;
    const tickMs = 20;
    const perTick = Math.max(1, Math.round((scenario.fixedRate * tickMs) / 1000));
    const ticks = Math.round((FIXED_SECONDS * 1000) / tickMs);
    const fixedStarted = performance.now();
    let offered = 0;
    const pending: Promise<unknown>[] = [];
    for (let t = 0; t < ticks; t++) {
      const wait = fixedStarted + t * tickMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait)); // pacing the offered load
      const events = batch(perTick);
      offered += perTick;
      pending.push(db.prisma.$transaction((tx) => outbox.addMany(tx, events)));
    }
    await Promise.all(pending);
    await waitFor(() => handled - before >= offered, {
      description: 'the fixed-rate events',
      timeoutMs: 120_000,
      intervalMs: 20,
    });
    latencies.sort((a, b) => a - b);
    return {
      name: scenario.name,
      effect: scenario.effect,
      handled,
      saturation: {
        events: written,
        writeSeconds: +writeSeconds.toFixed(2),
        drainSeconds: +seconds.toFixed(2),
        eventsPerSecond: Math.round(written / seconds),
      },
      fixedRate: {
        offeredPerSecond: scenario.fixedRate,
        events: offered,
        latencyMs: {
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          max: latencies.at(-1) ?? NaN,
        },
      },
    };
  } finally {
    await relay?.stop();
    await app.close();
    await db.close();
  }
}

async function startRelayProcess(env: Record<string, string>): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(__dirname, '../test/relay-process.cjs')], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line === 'relay started' && resolve());
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}`)));
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
