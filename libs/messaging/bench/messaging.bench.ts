import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { waitFor } from '@jsjb/testing';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  createKafka,
  EventConsumerServer,
  Outbox,
  OutboxRelay,
  RethrowEventErrorsFilter,
  type EventContext,
  type NewEvent,
} from '../src';
import { createTestDb, TEST_EVENT, testCatalog, type TestEvent } from '../test/support';
import type { Prisma } from '../test/generated/prisma/client';

/**
 * Outbox → relay → Kafka (the dev broker, in its own process) → consumer → effect in
 * PostgreSQL. Phase 1 offers events as fast as the writers can store them (throughput);
 * phase 2 offers a fixed rate and measures latency from the event's time to its handler.
 * Targets: ≥ 5,000 events/s and p99 < 100 ms.
 */
const root = join(__dirname, '../../..');
const SATURATION_EVENTS = Number(process.env['BENCH_EVENTS'] ?? 30_000);
const FIXED_RATE = Number(process.env['BENCH_RATE'] ?? 2_000);
const FIXED_SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const EVENTS_PER_TX = 50;
const WRITERS = 4;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function startBrokerProcess(): Promise<{ brokers: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(root, 'libs/kafka-dev-broker/dist/cli.js'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
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
    const db = await createTestDb('bench');
    const { catalog } = testCatalog();
    const kafka = createKafka({ brokers: [broker.brokers], clientId: 'bench' });
    const outbox = new Outbox(catalog, 'jsjb/bench');
    const latencies: number[] = [];
    let handled = 0;
    let measuring = false;

    @Controller()
    class BenchHandler {
      @EventPattern(TEST_EVENT)
      async on(
        @Payload() event: TestEvent,
        @Ctx() ctx: EventContext<Prisma.TransactionClient>,
      ): Promise<void> {
        await ctx.tx.testEffect.create({
          data: { eventId: ctx.envelope.id, subject: event.subject, n: event.n },
        });
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
    const relay = new OutboxRelay({ databaseUrl: db.database.url, kafka, batchSize: 1000, idlePollMs: 50 });
    await relay.start();

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

    try {
      // Phase 1: saturation.
      const started = performance.now();
      let queued = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (queued < SATURATION_EVENTS) {
            queued += EVENTS_PER_TX;
            const events = batch(EVENTS_PER_TX);
            await db.prisma.$transaction((tx) => outbox.addMany(tx, events));
          }
        }),
      );
      const written = queued;
      const writeSeconds = (performance.now() - started) / 1000;
      await waitFor(() => handled >= written, {
        description: `${written} handled events`,
        timeoutMs: 300_000,
        intervalMs: 20,
      });
      const seconds = (performance.now() - started) / 1000;
      const throughput = written / seconds;

      // Phase 2: a fixed offered rate, in 20 ms ticks.
      measuring = true;
      const before = handled;
      const tickMs = 20;
      const perTick = Math.max(1, Math.round((FIXED_RATE * tickMs) / 1000));
      const ticks = Math.round((FIXED_SECONDS * 1000) / tickMs);
      const fixedStarted = performance.now();
      let offered = 0;
      const pending: Promise<unknown>[] = [];
      for (let t = 0; t < ticks; t++) {
        const due = fixedStarted + t * tickMs;
        const wait = due - performance.now();
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

      const result = {
        benchmark: 'messaging',
        date: new Date().toISOString(),
        machine: {
          cpus: cpus().length,
          cpu: cpus()[0]?.model ?? 'unknown',
          memoryGiB: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        saturation: {
          events: written,
          writeSeconds: +writeSeconds.toFixed(2),
          seconds: +seconds.toFixed(2),
          eventsPerSecond: Math.round(throughput),
        },
        fixedRate: {
          offeredPerSecond: FIXED_RATE,
          events: offered,
          latencyMs: {
            p50: percentile(latencies, 50),
            p95: percentile(latencies, 95),
            p99: percentile(latencies, 99),
            max: latencies.at(-1) ?? NaN,
          },
        },
        targets: { eventsPerSecond: 5000, p99Ms: 100 },
      };
      await mkdir(join(root, 'bench/results'), { recursive: true });
      const file = join(root, 'bench/results', `messaging-${result.date.slice(0, 10)}.json`);
      await writeFile(file, JSON.stringify(result, null, 2) + '\n');
      process.stdout.write(
        [
          '',
          '| measure | value | target |',
          '| --- | --- | --- |',
          `| outbox → consumer throughput (${written} events, saturation) | ${result.saturation.eventsPerSecond} events/s | ≥ 5,000 |`,
          `| latency at ${FIXED_RATE}/s, p50 | ${result.fixedRate.latencyMs.p50} ms | |`,
          `| latency at ${FIXED_RATE}/s, p99 | ${result.fixedRate.latencyMs.p99} ms | < 100 ms |`,
          `| machine | ${result.machine.cpus} × ${result.machine.cpu}, ${result.machine.memoryGiB} GiB, Node ${result.machine.node} | |`,
          `results: ${file}`,
          '',
        ].join('\n'),
      );
      expect(handled).toBeGreaterThanOrEqual(written + offered);
    } finally {
      await relay.stop();
      await app.close();
      await db.close();
      await broker.stop();
    }
  });
});
