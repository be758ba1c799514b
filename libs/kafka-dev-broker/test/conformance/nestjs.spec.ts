// Conformance: a NestJS microservice on ServerKafka (Transport.KAFKA) receives events that a
// plain kafkajs producer publishes. Runs against the dev broker or KAFKA_BROKERS.

import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  Ctx,
  EventPattern,
  KafkaContext,
  Payload,
  Transport,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { logLevel, type Producer } from 'kafkajs';
import {
  createTopics,
  fastConsumer,
  kafkaClient,
  producerOf,
  startCluster,
  uniqueName,
  waitFor,
  type TestCluster,
} from '../support/cluster';

jest.setTimeout(60_000);

const TICKET_CREATED = uniqueName('tickets.created');
const TICKET_CLOSED = uniqueName('tickets.closed');

interface ReceivedEvent {
  pattern: string;
  data: unknown;
  key: string | null;
  partition: number;
  traceId: string | undefined;
}

const received: ReceivedEvent[] = [];

function record(pattern: string, data: unknown, context: KafkaContext): void {
  const message = context.getMessage();
  const trace = message.headers?.['trace-id'];
  received.push({
    pattern,
    data,
    key: message.key === null ? null : String(message.key),
    partition: context.getPartition(),
    traceId: trace === undefined ? undefined : String(trace),
  });
}

@Controller()
class TicketEventsController {
  @EventPattern(TICKET_CREATED)
  created(@Payload() data: unknown, @Ctx() context: KafkaContext): void {
    record(TICKET_CREATED, data, context);
  }

  @EventPattern(TICKET_CLOSED)
  closed(@Payload() data: unknown, @Ctx() context: KafkaContext): void {
    record(TICKET_CLOSED, data, context);
  }
}

@Module({ controllers: [TicketEventsController] })
class EventsModule {}

describe('NestJS ServerKafka', () => {
  let cluster: TestCluster;
  let app: INestMicroservice | undefined;
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startCluster();
    const kafka = kafkaClient(cluster, uniqueName('nest-producer'));
    await createTopics(kafka, [TICKET_CREATED, TICKET_CLOSED], 3);
    producer = producerOf(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await app?.close();
    await producer.disconnect();
    await cluster.stop();
  });

  it('delivers kafkajs-produced events to @EventPattern handlers', async () => {
    app = await NestFactory.createMicroservice<MicroserviceOptions>(EventsModule, {
      logger: false,
      transport: Transport.KAFKA,
      options: {
        client: {
          clientId: uniqueName('nest'),
          brokers: cluster.brokers,
          logLevel: logLevel.NOTHING,
          retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
        },
        consumer: { groupId: uniqueName('nest-group'), ...fastConsumer },
        subscribe: { fromBeginning: true },
      },
    });
    await app.listen();

    const created = Array.from({ length: 20 }, (_, i) => ({ ticketId: `T-${i}`, district: `d${i % 4}` }));
    await producer.send({
      topic: TICKET_CREATED,
      messages: created.map((event) => ({
        key: event.ticketId,
        value: JSON.stringify(event),
        headers: { 'trace-id': `trace-${event.ticketId}` },
      })),
    });
    await producer.send({
      topic: TICKET_CLOSED,
      messages: [{ key: 'T-0', value: JSON.stringify({ ticketId: 'T-0' }) }],
    });

    await waitFor('21 events in the handlers', () => received.length >= 21);
    const createdEvents = received.filter((e) => e.pattern === TICKET_CREATED);
    expect(createdEvents.map((e) => e.data)).toEqual(expect.arrayContaining(created));
    expect(createdEvents).toHaveLength(20);
    for (const event of createdEvents) {
      const { ticketId } = event.data as { ticketId: string };
      expect(event.key).toBe(ticketId);
      expect(event.traceId).toBe(`trace-${ticketId}`);
    }
    expect(received.filter((e) => e.pattern === TICKET_CLOSED).map((e) => e.data)).toEqual([
      { ticketId: 'T-0' },
    ]);

    await app.close();
    app = undefined;
  });
});
