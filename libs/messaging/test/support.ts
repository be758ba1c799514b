import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { defineEvent, eventCatalog, type EventCatalog } from '@jsjb/contracts';
import { createPgAdapter } from '@jsjb/platform';
import { createTestDatabase, type TestDatabase } from '@jsjb/testing';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { EventConsumerServer, RethrowEventErrorsFilter, TransientError, type EventContext } from '../src';
import { PrismaClient, type Prisma } from './generated/prisma/client';

export const migrationsDir = join(__dirname, 'prisma', 'migrations');

/** The test event: `n` counts up per subject so order can be checked. */
export const testEventSchema = z.object({
  subject: z.string(),
  n: z.number().int(),
  poison: z.boolean().optional(),
});
export type TestEvent = z.infer<typeof testEventSchema>;
export const TEST_EVENT = 'test.happened.v1';

/** A catalogue whose one event lives on a topic of its own, so tests never see each other's records. */
export function testCatalog(): { catalog: EventCatalog; topic: string } {
  const topic = `jsjb.test.${randomBytes(4).toString('hex')}`;
  return {
    catalog: eventCatalog([
      defineEvent({ type: TEST_EVENT, topic, description: 'test', schema: testEventSchema }),
    ]),
    topic,
  };
}

export interface TestDb {
  database: TestDatabase;
  prisma: PrismaClient;
  close(): Promise<void>;
}

export async function createTestDb(label: string): Promise<TestDb> {
  const database = await createTestDatabase(`messaging_${label}`, migrationsDir);
  const prisma = new PrismaClient({
    adapter: createPgAdapter({
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: 10,
      DATABASE_CONNECT_TIMEOUT_MS: 5000,
    }),
  });
  return {
    database,
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await database.drop();
    },
  };
}

/** How the test handler behaves; tests change it while consumers run. */
export interface HandlerBehaviour {
  /** A non-transient failure for these events (until cleared). */
  poison(event: TestEvent): boolean;
  /** Remaining transient failures per `${subject}:${n}`. */
  transientFailures: Map<string, number>;
  /** More work in the handler's transaction after its effect (e.g. writing the next event). */
  afterEffect?(tx: Prisma.TransactionClient, event: TestEvent): Promise<void>;
}

export function defaultBehaviour(): HandlerBehaviour {
  return { poison: (e) => e.poison === true, transientFailures: new Map() };
}

export interface RunningConsumer {
  groupId: string;
  server: EventConsumerServer;
  app: INestMicroservice;
  close(): Promise<void>;
}

/** A Nest microservice with one `@EventPattern` handler writing to test_effect, served by our transport. */
export async function startConsumer(options: {
  kafka: Kafka;
  prisma: PrismaClient;
  catalog: EventCatalog;
  groupId: string;
  behaviour: HandlerBehaviour;
  transactionBatchSize?: number;
  /** Adds a second handler for the test event: boot must fail. */
  duplicateHandler?: boolean;
  /** Where the consumer's metrics go (none when omitted). */
  metrics?: Registry;
}): Promise<RunningConsumer> {
  const { behaviour } = options;

  @Controller()
  class TestHandler {
    @EventPattern(TEST_EVENT)
    async onEvent(
      @Payload() event: TestEvent,
      @Ctx() ctx: EventContext<Prisma.TransactionClient>,
    ): Promise<void> {
      const key = `${event.subject}:${event.n}`;
      const left = behaviour.transientFailures.get(key) ?? 0;
      if (left > 0) {
        behaviour.transientFailures.set(key, left - 1);
        throw new TransientError(`simulated transient failure of ${key}`);
      }
      if (behaviour.poison(event)) throw new Error(`cannot handle ${key}`);
      await ctx.tx.testEffect.create({
        data: { eventId: ctx.envelope.id, subject: event.subject, n: event.n },
      });
      await behaviour.afterEffect?.(ctx.tx, event);
    }
  }

  @Controller()
  class SecondHandler {
    @EventPattern(TEST_EVENT)
    onEvent(): void {}
  }

  @Module({ controllers: options.duplicateHandler ? [TestHandler, SecondHandler] : [TestHandler] })
  class TestModule {}

  const server = new EventConsumerServer({
    kafka: options.kafka,
    groupId: options.groupId,
    catalog: options.catalog,
    consumes: [TEST_EVENT],
    transactions: options.prisma,
    transactionBatchSize: options.transactionBatchSize ?? 50,
    sessionTimeoutMs: 10_000,
    heartbeatIntervalMs: 1000,
    retryInitialMs: 20,
    retryMaxMs: 500,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  const app = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
  app.useGlobalFilters(new RethrowEventErrorsFilter());
  try {
    await app.listen();
  } catch (error) {
    await app.close();
    throw error;
  }
  return { groupId: options.groupId, server, app, close: () => app.close() };
}

/** Rows of test_effect: what the handler applied. */
export async function effects(
  prisma: PrismaClient,
): Promise<{ eventId: string; subject: string; n: number }[]> {
  return prisma.testEffect.findMany({
    orderBy: { id: 'asc' },
    select: { eventId: true, subject: true, n: true },
  });
}

/** Every event applied exactly once, and per subject in increasing n. */
export function assertExactlyOnceInOrder(
  rows: { eventId: string; subject: string; n: number }[],
  expected: number,
): void {
  const ids = new Set(rows.map((r) => r.eventId));
  expect({ applied: rows.length, distinct: ids.size }).toEqual({ applied: expected, distinct: expected });
  const last = new Map<string, number>();
  const outOfOrder: string[] = [];
  for (const row of rows) {
    const previous = last.get(row.subject) ?? 0;
    if (row.n !== previous + 1) outOfOrder.push(`${row.subject}: ${previous} then ${row.n}`);
    last.set(row.subject, row.n);
  }
  expect(outOfOrder).toEqual([]);
}
